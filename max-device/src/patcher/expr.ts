/**
 * What an `expr` box may say, so the checker can refuse an expression Max would not take. From
 * Cycling '74's expr reference (docs.cycling74.com/max8/refpages/expr): variables $i1-$i9, $f1-$f9
 * (and $s1-$s9 for tables); operators + - * / & | && || ! ~ ^ and comparisons (< > == != <= >=, "C-like");
 * the functions listed below. `%` is not in the page's list, so it is refused (use floor). A
 * comma between function arguments must be written `\,` in a box's text, or Max splits the box's
 * message there; the device uses one-argument functions only, so a bare comma is refused.
 */
export const EXPR_FUNCTIONS: ReadonlySet<string> = new Set([
  'min',
  'max',
  'int',
  'float',
  'pow',
  'sqrt',
  'exp',
  'log10',
  'ln',
  'log',
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'atan2',
  'sinh',
  'cosh',
  'tanh',
  'fact',
  'random',
  'round',
  'floor',
  'ceil',
  'abs',
]);

/** Why the text after `expr` would not work in Max, or nothing. */
export function exprProblems(expression: string): string[] {
  const out: string[] = [];
  let depth = 0;
  const tokens = expression.match(/\$[ifs]\d+|\d+\.?\d*|\.\d+|[A-Za-z_]\w*|&&|\|\||==|!=|<=|>=|\S/g) ?? [];
  tokens.forEach((t, i) => {
    if (t === '(') depth++;
    else if (t === ')') depth--;
    if (depth < 0) out.push('a ")" without its "("');
    if (/^\$/.test(t) && !/^\$[ifs][1-9]$/.test(t)) out.push(`variable ${t}: only $i1-$i9, $f1-$f9, $s1-$s9`);
    else if (/^[A-Za-z_]/.test(t)) {
      if (tokens[i + 1] !== '(') out.push(`"${t}" is not a number, a $ variable or a function call`);
      else if (!EXPR_FUNCTIONS.has(t)) out.push(`function ${t} is not one of expr's (${[...EXPR_FUNCTIONS].join(', ')})`);
    } else if (t === ',') out.push('a bare comma (Max splits the box text there; write \\, or use one-argument functions)');
    else if (t === '%') out.push('"%" is not among the operators the expr reference lists; use floor');
    else if (!/^(\$|\d|\.\d)/.test(t) && !['(', ')', '+', '-', '*', '/', '&', '|', '&&', '||', '!', '~', '^', '<', '>', '==', '!=', '<=', '>='].includes(t))
      out.push(`"${t}" is not an expr operator`);
  });
  if (depth > 0) out.push('a "(" without its ")"');
  return [...new Set(out)];
}
