/**
 * Tokenizer of the fast FHIRPath subset.
 */
import { bail } from './fast-runtime.ts';

/** `q`: a backquoted identifier, never a keyword (`div` in text.`div`). */
export type Tok = { k: 'id' | 'str' | 'num' | 'op' | 'var'; v: string; q?: boolean };

export function tokenize(expr: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '/' && expr[i + 1] === '/') bail(); // comments: rare, leave to the engine
    if (c === "'") {
      let s = '';
      let j = i + 1;
      for (; j < expr.length && expr[j] !== "'"; j++) {
        if (expr[j] === '\\') {
          const n = expr[++j];
          s += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n === 'f' ? '\f' : n === 'u' ? bail() : (n ?? '');
        } else s += expr[j];
      }
      if (j >= expr.length) bail();
      out.push({ k: 'str', v: s });
      i = j + 1;
      continue;
    }
    if (c === '`') {
      const end = expr.indexOf('`', i + 1);
      if (end < 0) bail();
      out.push({ k: 'id', v: expr.slice(i + 1, end), q: true });
      i = end + 1;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i;
      while (j < expr.length && /[0-9]/.test(expr[j]!)) j++;
      if (expr[j] === '.' && /[0-9]/.test(expr[j + 1] ?? '')) {
        j++;
        while (j < expr.length && /[0-9]/.test(expr[j]!)) j++;
      }
      out.push({ k: 'num', v: expr.slice(i, j) });
      i = j;
      continue;
    }
    if (/[A-Za-z_]/.test(c) || c === '$' || c === '%') {
      let j = i + 1;
      while (j < expr.length && /[A-Za-z0-9_-]/.test(expr[j]!)) {
        if (expr[j] === '-' && c !== '%') break;
        j++;
      }
      const word = expr.slice(i, j);
      if (c === '%') out.push({ k: 'var', v: word.slice(1) });
      else out.push({ k: 'id', v: word });
      i = j;
      continue;
    }
    const two = expr.slice(i, i + 2);
    if (two === '!=' || two === '<=' || two === '>=' || two === '!~') {
      out.push({ k: 'op', v: two });
      i += 2;
      continue;
    }
    if ('().,[]=<>|+-*/&~'.includes(c)) {
      out.push({ k: 'op', v: c });
      i++;
      continue;
    }
    bail();
  }
  return out;
}
