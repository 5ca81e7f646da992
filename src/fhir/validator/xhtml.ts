/**
 * Narrative (Narrative.div) checks: txt-1 (only the basic HTML formatting elements and attributes, no
 * active content) and txt-2 (some non-whitespace content). FHIRPath's htmlChecks() is not something a
 * generic engine implements, so the validator does it with a small tag scanner.
 */

const ALLOWED_ELEMENTS = new Set([
  'p',
  'br',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'a',
  'span',
  'b',
  'em',
  'i',
  'strong',
  'small',
  'big',
  'tt',
  'dfn',
  'q',
  'var',
  'abbr',
  'acronym',
  'cite',
  'blockquote',
  'hr',
  'address',
  'bdo',
  'kbd',
  'sub',
  'sup',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'pre',
  'table',
  'caption',
  'colgroup',
  'col',
  'thead',
  'tr',
  'tfoot',
  'tbody',
  'th',
  'td',
  'code',
  'samp',
  'img',
  'map',
  'area',
  'u',
  's',
  'strike',
  'center',
  'font',
  'del',
  'ins',
]);

const VOID = new Set(['br', 'hr', 'img', 'col', 'area']);

export interface XhtmlProblem {
  key: 'txt-1' | 'txt-2';
  en: string;
  es: string;
}

const TAG = /<(\/?)([A-Za-z][A-Za-z0-9:_-]*)((?:\s+[^\s=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/g;
const ATTR = /([^\s=/>]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g;

export function checkXhtml(div: string): XhtmlProblem[] {
  const problems: XhtmlProblem[] = [];
  const trimmed = div.trimStart();
  if (!trimmed.startsWith('<div')) {
    problems.push({ key: 'txt-1', en: 'The narrative must be an XHTML <div> element', es: 'La narrativa debe ser un elemento <div> XHTML' });
    return problems;
  }
  if (/<!DOCTYPE|<\?|<!\[CDATA\[/i.test(div)) {
    problems.push({ key: 'txt-1', en: 'The narrative must not contain a DOCTYPE, processing instructions or CDATA', es: 'La narrativa no debe contener DOCTYPE, instrucciones de proceso ni CDATA' });
  }
  const stack: string[] = [];
  let first = true;
  let text = '';
  let last = 0;
  let hasImage = false;
  TAG.lastIndex = 0;
  for (let m = TAG.exec(div); m; m = TAG.exec(div)) {
    text += div.slice(last, m.index);
    last = TAG.lastIndex;
    const closing = m[1] === '/';
    const name = m[2]!.toLowerCase();
    const attrs = m[3] ?? '';
    const selfClosing = m[4] === '/';
    if (closing) {
      const open = stack.pop();
      if (open !== name) {
        problems.push({
          key: 'txt-1',
          en: `The narrative is not well-formed XHTML: </${name}> does not close <${open ?? ''}>`,
          es: `La narrativa no es XHTML bien formado: </${name}> no cierra <${open ?? ''}>`,
        });
        return problems;
      }
      continue;
    }
    if (first) {
      first = false;
      if (name !== 'div' || !/xmlns\s*=\s*["']http:\/\/www\.w3\.org\/1999\/xhtml["']/.test(attrs)) {
        problems.push({
          key: 'txt-1',
          en: 'The narrative <div> must have the XHTML namespace (xmlns="http://www.w3.org/1999/xhtml")',
          es: 'El <div> de la narrativa debe declarar el espacio de nombres XHTML',
        });
      }
    }
    if (!ALLOWED_ELEMENTS.has(name)) {
      problems.push({ key: 'txt-1', en: `Illegal element name in the XHTML ('${name}')`, es: `Nombre de elemento no permitido en el XHTML ('${name}')` });
    }
    if (name === 'img') hasImage = true;
    ATTR.lastIndex = 0;
    for (let a = ATTR.exec(attrs); a; a = ATTR.exec(attrs)) {
      const attr = a[1]!.toLowerCase();
      const value = (a[2] ?? '').replace(/^["']|["']$/g, '');
      if (attr.startsWith('on') || /^\s*javascript:/i.test(value)) {
        problems.push({ key: 'txt-1', en: `Illegal attribute in the XHTML ('${attr}')`, es: `Atributo no permitido en el XHTML ('${attr}')` });
      }
    }
    if (!selfClosing && !VOID.has(name)) stack.push(name);
  }
  text += div.slice(last);
  if (stack.length > 0) {
    problems.push({
      key: 'txt-1',
      en: `The narrative is not well-formed XHTML: <${stack[stack.length - 1]}> is not closed`,
      es: `La narrativa no es XHTML bien formado: <${stack[stack.length - 1]}> no está cerrado`,
    });
  }
  if (!hasImage && text.replace(/&nbsp;|&#160;/g, ' ').trim().length === 0) {
    problems.push({ key: 'txt-2', en: 'The narrative SHALL have some non-whitespace content', es: 'La narrativa DEBE tener algún contenido que no sea espacio en blanco' });
  }
  return problems;
}

const HTML_TAG = /<\s*\/?\s*(script|iframe|object|embed|form|input|img|a|div|span|style|link|meta|svg|b|i|p)\b[^>]*>/i;

/** Security check mode: strings that carry HTML markup (the HL7 validator's "embedded HTML tags"). */
export const looksLikeHtml = (s: string): boolean => s.includes('<') && HTML_TAG.test(s);
