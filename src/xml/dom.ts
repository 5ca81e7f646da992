import { DOMParser, type Document, type Element, ParseError } from '@xmldom/xmldom';
import type { Finding, SourcePosition } from '../findings/finding.ts';
import { limitFinding } from '../findings/limits.ts';
import { readWellFormed } from './fast-read.ts';

/**
 * An XML document is read whole (DOM, XSD, Schematron all need it in memory): past this it is refused. A CDA with
 * its scanned attachment in base64 stays well below; the same bound as a JSON document given to `sello validate`.
 */
export const MAX_XML_BYTES = 64 * 1024 * 1024;

/**
 * Element nesting Sello walks. XPath evaluation and the Schematron engine recurse per level, and libxml2 itself stops
 * at 256 without its "huge" option; the deepest real message (a CDA section in a section in an entry) is about 30.
 */
export const MAX_XML_DEPTH = 256;

export const WELLFORMED_RULE = 'XML-WELLFORMED';
export const DOCTYPE_RULE = 'XML-DOCTYPE';

export interface ParsedXml {
  /** Absent when the text is not well-formed or was refused: then `findings` says why. */
  document?: Document;
  /** The text as parsed (decoded), kept so that positions can be mapped back to it. */
  text: string;
  findings: Finding[];
}

export interface ParseXmlOptions {
  maxBytes?: number;
  maxDepth?: number;
}

const wellFormed = (severity: Finding['severity'], message: string, position?: SourcePosition): Finding => ({
  ruleId: WELLFORMED_RULE,
  severity,
  code: 'structure',
  location: '',
  locationKind: 'xpath',
  message: { en: `Not well-formed XML: ${message}`, ru: `XML построен неверно: ${message}` },
  ...(position ? { position } : {}),
});

const positionOf = (locator: unknown): SourcePosition | undefined => {
  const l = locator as { lineNumber?: number; columnNumber?: number } | undefined;
  return l?.lineNumber ? { line: l.lineNumber, column: l.columnNumber ?? 1 } : undefined;
};

/**
 * A DOCTYPE is refused before parsing: a DTD's entities are how XXE and "billion laughs" get in, and no message a
 * regulator defines uses one. Looked for outside comments, processing instructions and CDATA only.
 */
function doctypeAt(text: string): number {
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE|<!ENTITY/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) if (/^<!(DOCTYPE|ENTITY)/i.test(m[0])) return m.index;
  return -1;
}

export const tooLargeXmlFinding = (bytes: number, max = MAX_XML_BYTES): Finding =>
  limitFinding(
    {
      en: `The XML document has ${bytes} bytes, more than Sello reads as one document (${max}); it was not judged.`,
      ru: `XML-документ занимает ${bytes} байт, больше, чем Sello читает как один документ (${max}); он не проверялся.`,
    },
    'xpath',
    '',
  );

export const ENCODING_RULE = 'XML-ENCODING';

const utf8 = new TextDecoder('utf-8', { fatal: true });
function decodeUtf8(bytes: Buffer): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Sello reads UTF-8 only (what the XSD engine takes, and what the message specifications Sello knows prescribe): a
 * document in another encoding is refused rather than judged on misread characters.
 */
const encodingFinding = (why: string): Finding => ({
  ruleId: ENCODING_RULE,
  severity: 'fatal',
  code: 'structure',
  location: '',
  locationKind: 'xpath',
  position: { line: 1, column: 1 },
  message: { en: `Sello reads XML in UTF-8 only and did not judge this document: ${why}.`, ru: `Sello читает XML только в UTF-8 и не проверял этот документ: ${why}.` },
});

/** Line and column (1-based) of a character offset. */
export function positionAtOffset(text: string, offset: number): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** Element depth of a parsed tree, walked with a stack of its own (a deep tree must not overflow the walk itself). */
function tooDeep(document: Document, max: number): Element | undefined {
  const stack: Array<[Element, number]> = document.documentElement ? [[document.documentElement, 1]] : [];
  while (stack.length > 0) {
    const [element, depth] = stack.pop() as [Element, number];
    if (depth > max) return element;
    for (let c = element.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) stack.push([c as Element, depth + 1]);
  }
  return undefined;
}

/** Cheap pre-check on the text: more open tags than `max` at once is refused before xmldom builds anything. */
function textTooDeep(text: string, max: number): number {
  let depth = 0;
  const re = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<\/[^>]*>|<[^!?/](?:[^>"']|"[^"]*"|'[^']*')*?(\/?)>/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const tag = m[0];
    if (tag.startsWith('</')) depth--;
    else if (tag.startsWith('<!') || tag.startsWith('<?')) continue;
    else if (!m[1] && ++depth > max) return m.index;
  }
  return -1;
}

/**
 * Parses XML into a namespace-faithful DOM whose elements and attributes carry `lineNumber` / `columnNumber`.
 * Never throws: a well-formedness error, a DOCTYPE, or input past the size or depth limits is a finding.
 */
export function parseXml(input: string | Buffer, options: ParseXmlOptions = {}): ParsedXml {
  const maxBytes = options.maxBytes ?? MAX_XML_BYTES;
  const maxDepth = options.maxDepth ?? MAX_XML_DEPTH;
  const bytes = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (bytes > maxBytes) return { text: '', findings: [tooLargeXmlFinding(bytes, maxBytes)] };
  const decoded = typeof input === 'string' ? input : decodeUtf8(input);
  if (decoded === undefined) return { text: '', findings: [encodingFinding('the bytes are not valid UTF-8')] };
  const text = decoded.replace(/^\uFEFF/, '');
  const declared = /^<\?xml[^>]*?\sencoding\s*=\s*["']([^"']+)["']/.exec(text)?.[1];
  if (declared && !/^utf-?8$/i.test(declared)) return { text, findings: [encodingFinding(`the document declares encoding ${declared}`)] };
  // What is certainly well-formed gets the same tree without xmldom's parser; the rest, its findings included, is xmldom's.
  const read = readWellFormed(text, maxDepth);
  if (read) return { document: read, text, findings: [] };
  const doctype = doctypeAt(text);
  if (doctype !== -1) {
    return {
      text,
      findings: [
        {
          ruleId: DOCTYPE_RULE,
          severity: 'fatal',
          code: 'security',
          location: '',
          locationKind: 'xpath',
          position: positionAtOffset(text, doctype),
          message: {
            en: 'The document declares a DOCTYPE or entities; Sello refuses DTDs (external entities, entity expansion) and did not judge it.',
            ru: 'Документ объявляет DOCTYPE или сущности; Sello не принимает DTD (внешние сущности, раскрытие сущностей) и не проверял его.',
          },
        },
      ],
    };
  }
  const deepAt = textTooDeep(text, maxDepth);
  if (deepAt !== -1) return { text, findings: [depthFinding(maxDepth, positionAtOffset(text, deepAt))] };
  const findings: Finding[] = [];
  let document: Document;
  try {
    document = new DOMParser({
      locator: true,
      onError: (level, message, context) => {
        if (level === 'fatalError') return;
        // U+FFFD is a legal XML character (Sello's own writer uses it for characters XML cannot hold); invalid bytes are
        // caught before parsing by the UTF-8 check, so this warning of xmldom's says nothing about well-formedness.
        if (level === 'warning' && /Unicode replacement character/.test(message)) return;
        // xmldom recovers from some errors with a mere "warning" (an unquoted attribute value): in XML every one of
        // them breaks well-formedness, so none lets the document through.
        findings.push(wellFormed('error', message, positionOf((context as { locator?: unknown } | undefined)?.locator)));
      },
    }).parseFromString(text, 'text/xml');
  } catch (error) {
    const e = error as ParseError;
    findings.push(wellFormed('fatal', e.message, positionOf(e instanceof ParseError ? e.locator : undefined)));
    return { text, findings };
  }
  if (!document.documentElement) {
    findings.push(wellFormed('fatal', 'no root element'));
    return { text, findings };
  }
  const deep = tooDeep(document, maxDepth);
  if (deep) return { text, findings: [depthFinding(maxDepth, { line: deep.lineNumber ?? 1, column: deep.columnNumber ?? 1 })] };
  return findings.some((f) => f.severity === 'error') ? { text, findings } : { document, text, findings };
}

function depthFinding(max: number, position: SourcePosition): Finding {
  return {
    ...limitFinding(
      {
        en: `The XML document nests elements deeper than ${max} levels; it was not judged.`,
        ru: `XML-документ вкладывает элементы глубже ${max} уровней; он не проверялся.`,
      },
      'xpath',
      '',
    ),
    position,
  };
}
