import type { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../bridge/cli/program';

/** Every command (sub-commands too) with its options. */
function commands(cmd: Command, prefix = ''): Array<{ name: string; options: readonly Option[] }> {
  return cmd.commands.flatMap((c) => [{ name: `${prefix}${c.name()}`, options: c.options }, ...commands(c, `${prefix}${c.name()} `)]);
}

/** Flags that mean another thing in one command, with why. */
const MEANS_OTHER: Record<string, string> = {
  // humanize writes one file, named after its input when --out is left out.
  '--out humanize': 'one .mid file, default beside the input',
};

describe('CLI options (issue 17.7: declared once)', () => {
  it('an option several commands take has one default and takes a value in every one or in none', () => {
    const byFlag = new Map<string, Array<{ cmd: string; opt: Option }>>();
    for (const c of commands(buildProgram()))
      for (const opt of c.options)
        if (opt.long && !MEANS_OTHER[`${opt.long} ${c.name}`]) byFlag.set(opt.long, [...(byFlag.get(opt.long) ?? []), { cmd: c.name, opt }]);
    const shared = [...byFlag].filter(([, uses]) => uses.length > 1);
    expect(shared.map(([f]) => f)).toEqual(
      expect.arrayContaining([
        '--model',
        '--model-impl',
        '--engine',
        '--backend',
        '--bpm',
        '--out',
        '--duration',
        '--panel',
        '--panel-port',
        '--force',
        '--json',
      ]),
    );
    for (const [flag, uses] of shared) {
      const first = uses[0];
      for (const u of uses.slice(1)) {
        const where = `${flag} in ${first.cmd} and ${u.cmd}`;
        expect(u.opt.defaultValue, where).toEqual(first.opt.defaultValue);
        expect(u.opt.required, where).toBe(first.opt.required);
        expect(u.opt.optional, where).toBe(first.opt.optional);
      }
    }
  });
});
