/**
 * House rules from STYLE.md that a reader of one file cannot see broken elsewhere: checked over
 * the whole tree, so a new file that breaks one fails here with its path and line.
 */
import { describe, expect, it } from 'vitest';
import { linesMatching, sourceFiles } from './helpers/source-files';

/** Code that ships or writes project files (tests and the device's built bundle aside). */
const CODE_DIRS = ['src', 'bridge', 'models/training', 'bench', 'bin', 'max-device/src'];

describe('house rules', () => {
  it('every file is written through the one atomic writer (temp name, fsync, rename), never in place', () => {
    const files = sourceFiles(CODE_DIRS).filter((f) => f.path !== 'bridge/fs/atomic-write.ts');
    const hits = linesMatching(files, /\b(writeFileSync|appendFileSync|createWriteStream|writeFile|appendFile)\s*\(/);
    expect(hits, 'write with writeFileAtomic (bridge/fs/atomic-write.ts) instead').toEqual([]);
  });

  it('MIDI status bytes are written once (src/music/midi-status.ts), not as literals', () => {
    const files = sourceFiles(['src', 'bridge']).filter((f) => f.path !== 'src/music/midi-status.ts');
    const hits = linesMatching(files, /\b0x(80|90|a0|b0|c0|d0|e0|f0|f2|f8|fa|fb|fc|fe)\b/i);
    expect(hits, 'use MIDI_STATUS from src/music/midi-status.ts').toEqual([]);
  });

  it("errors are the project's (src/errors.ts: a message naming the value and what is allowed, an exit code), never a plain RangeError", () => {
    // What users run (the bench's own tools aside).
    const hits = linesMatching(sourceFiles(['src', 'bridge', 'bin', 'max-device/src']), /\bthrow new RangeError\b/);
    expect(hits, 'throw InvalidValueError or another TandemError from src/errors.ts').toEqual([]);
  });

  it('a test skips only saying why, in its title (STYLE.md: a test that cannot run here says why)', () => {
    const files = sourceFiles(['tests'], ['.ts']);
    // The title of a skipped test or suite names the reason: "[skipped: ...]", or a reason variable
    // (on the same line or, as Prettier breaks long calls, the next).
    const hits = linesMatching(files, /\b(describe|it|test)\.(skip|skipIf|runIf|todo)\b/, /skipped|\$\{[^}]*\b(skip|why)\b/, 1);
    expect(hits, "put the reason in the title, e.g. `${browser.skip ? ` (${browser.skip})` : ''}`").toEqual([]);
  });

  it('tests wait with the one until() that fails on a timeout (tests/helpers/wait.ts), never an open-coded loop', () => {
    // tests/max-device/helpers.ts names until() with the device tests' argument order (waitFor); the fuzz counts
    // unanswered windows by design.
    const files = sourceFiles(['tests'], ['.ts']).filter((f) => !/^tests\/(helpers\/|fuzz\/|max-device\/helpers\.ts$)/.test(f.path));
    const own = linesMatching(files, /\b(async\s+)?function\s+(until|waitFor|waitUntil)\b|\bconst\s+(until|waitFor)\s*=/);
    const loops = linesMatching(files, /\b(while|for)\s*\(.*\b(Date|performance)\.now\(\)/, /in the browser page/);
    expect([...own, ...loops], 'use until(what, check, ms) from tests/helpers/wait.ts').toEqual([]);
  });
});
