import { describe, expect, it } from 'vitest';
import { checkPatcher } from '../../max-device/src/check';
import { DIST } from '../../max-device/src/build';
import { exprProblems } from '../../max-device/src/patcher/expr';
import { buildTandemPatcher } from '../../max-device/src/patcher/tandem';

describe('expr boxes say only what the expr reference documents', () => {
  it('takes the device’s own expressions', () => {
    const exprs = buildTandemPatcher()
      .boxes.map(({ box }) => String(box.text ?? ''))
      .filter((t) => t.startsWith('expr '));
    expect(exprs.length).toBeGreaterThanOrEqual(5);
    for (const e of exprs) expect(exprProblems(e.slice(5))).toEqual([]);
  });

  it('names a % operator, a bare comma, an unknown function, a bad variable and unbalanced parentheses', () => {
    expect(exprProblems('$i1 % 16')).toEqual(['"%" is not among the operators the expr reference lists; use floor']);
    expect(exprProblems('max($i1, 1)')).toEqual(['a bare comma (Max splits the box text there; write \\, or use one-argument functions)']);
    expect(exprProblems('fmod($f1)')).toEqual([expect.stringMatching(/^function fmod is not one of expr's \(min, max, /)]);
    expect(exprProblems('$f10 + x')).toEqual(['variable $f10: only $i1-$i9, $f1-$f9, $s1-$s9', '"x" is not a number, a $ variable or a function call']);
    expect(exprProblems('(($f1 + 1)')).toEqual(['a "(" without its ")"']);
  });

  it('the checker reports a bad expr box in a device', () => {
    const p = buildTandemPatcher();
    const box = p.boxes.find(({ box: b }) => String(b.text).startsWith('expr '))!.box;
    box.text = `${String(box.text)} % 16`;
    expect(checkPatcher(p, DIST).problems).toEqual([
      expect.stringMatching(/^obj-\d+ \(expr .* % 16\): "%" is not among the operators the expr reference lists; use floor$/),
    ]);
  });
});
