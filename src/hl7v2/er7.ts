/**
 * ER7 (the pipe-and-hat encoding of HL7 v2): parser, serializer and escape handling.
 *
 * Written by hand rather than on node-hl7-client's parser. node-hl7-client 3.2's `Message` (evaluated for this
 * module) unescapes \F\ \S\ \T\ \E\ \Xhh\ silently but leaves \.br\ as text, never says which escapes a value used
 * or whether one was malformed, exposes no offsets or paths (`node.path` is empty), returns '' for MSH-2, throws on
 * any text that does not begin with MSH, and accepts LF segment separators without a trace. A conformance tool has
 * to report each of those as a finding with a location, so the ER7 layer is Sello's own; node-hl7-client is not
 * used here.
 *
 * The parser never throws: problems become `V2-ER7` findings, and `ok` is false only when no usable MSH was found
 * (then `segments` is empty). Locations follow `path.ts`.
 */
import type { Finding } from '../findings/finding.ts';
import { checkFieldEscapes, DEFAULT_DELIMITERS, type Delimiters, er7Finding, show, splitComponents, splitRepetitions, splitSubcomponents, unescapeEr7 } from './er7-escape.ts';
import { formatPath, type Hl7Location, segmentNumberPath } from './path.ts';

export {
  DEFAULT_DELIMITERS,
  type Delimiters,
  type EscapeProblem,
  type EscapeProblemKind,
  er7Length,
  escapeEr7,
  splitComponents,
  splitRepetitions,
  splitSubcomponents,
  type Unescaped,
  unescapeEr7,
} from './er7-escape.ts';

export interface Er7Segment {
  /** Segment id (`PID`), or the raw start of the segment when it has no valid id. */
  id: string;
  /** False when the segment id is not three upper-case letters/digits starting with a letter. */
  validId: boolean;
  /** 0-based position among the message's segments. */
  index: number;
  /** 1-based occurrence of this id in the message (the `[s]` of `PID[2]`). */
  occurrence: number;
  /** 1-based line in the input (counting any CR, LF or CRLF as one break). */
  line: number;
  /** Character offset of the segment in the input text. */
  offset: number;
  /**
   * Raw (still escaped) fields: `fields[n]` is field n, `fields[0]` the segment id. For MSH, `fields[1]` is the
   * field separator and `fields[2]` the encoding characters, so the numbering is the standard's.
   */
  fields: string[];
}

export interface Er7Message {
  /** The text as given. */
  text: string;
  delimiters: Delimiters;
  segments: Er7Segment[];
  /** `V2-ER7` findings of the parse (line endings, escapes, segment ids, encoding characters). */
  findings: Finding[];
  /** False when there is no usable MSH; `segments` is then empty. */
  ok: boolean;
}

const SEGMENT_ID_RE = /^[A-Z][A-Z0-9]{2}$/;
const MAX_REPORTED_PER_KIND = 20;
/**
 * Segments read of one message. A real ADT or ORU message has tens, a long lab report a few thousand; past this a
 * message is hostile or broken, and judging it segment by segment would cost memory and time for nothing a rule could
 * use. The rest is not parsed: one fatal V2-ER7 finding says so, and a listener answers it AR.
 */
export const MAX_SEGMENTS = 10_000;

function isBadDelimiter(c: string): boolean {
  return c.length !== 1 || /[A-Za-z0-9\s]/.test(c) || c < ' ';
}

/** Reads MSH-1/MSH-2; a string is a fatal problem. */
function readDelimiters(msh: string, findings: Finding[]): Delimiters | undefined {
  if (msh.length < 4) {
    findings.push(
      er7Finding('fatal', 'MSH', {
        en: 'The MSH segment is truncated: it ends before the field separator (MSH-1).',
        es: 'El segmento MSH está truncado: termina antes del separador de campos (MSH-1).',
      }),
    );
    return undefined;
  }
  const field = msh.charAt(3);
  if (isBadDelimiter(field)) {
    findings.push(
      er7Finding('fatal', 'MSH-1', {
        en: `MSH-1 (field separator) is ${show(field)}: it must be one printable character that is not a letter, digit or space (normally "|").`,
        es: `MSH-1 (separador de campos) es ${show(field)}: debe ser un carácter imprimible que no sea letra, dígito ni espacio (normalmente "|").`,
      }),
    );
    return undefined;
  }
  const end = msh.indexOf(field, 4);
  const enc = end === -1 ? msh.slice(4) : msh.slice(4, end);
  if (enc.length === 0) {
    findings.push(
      er7Finding('fatal', 'MSH-2', {
        en: 'MSH-2 (encoding characters) is empty: the component, repetition, escape and subcomponent separators are unknown.',
        es: 'MSH-2 (caracteres de codificación) está vacío: se desconocen los separadores de componente, repetición, escape y subcomponente.',
      }),
    );
    return undefined;
  }
  if (enc.length > 5) {
    findings.push(
      er7Finding('fatal', 'MSH-2', {
        en: `MSH-2 (encoding characters) is ${show(enc)}, ${enc.length} characters: it must be 4 (component, repetition, escape, subcomponent; "^~\\&"), or 5 with the v2.7 truncation character.`,
        es: `MSH-2 (caracteres de codificación) es ${show(enc)}, de ${enc.length} caracteres: deben ser 4 (componente, repetición, escape, subcomponente; "^~\\&"), o 5 con el carácter de truncamiento de v2.7.`,
      }),
    );
    return undefined;
  }
  const chars = [...enc];
  if (chars.length < 4) {
    findings.push(
      er7Finding('error', 'MSH-2', {
        en: `MSH-2 (encoding characters) is ${show(enc)}: it must have 4 characters ("^~\\&"); the missing ones are taken as the defaults.`,
        es: `MSH-2 (caracteres de codificación) es ${show(enc)}: debe tener 4 caracteres ("^~\\&"); los que faltan se toman por defecto.`,
      }),
    );
    const defaults = ['^', '~', '\\', '&'];
    for (let i = chars.length; i < 4; i++) chars.push(defaults[i] ?? '');
  }
  const [component = '', repetition = '', escapeChar = '', subcomponent = '', truncation] = chars;
  const all = [field, component, repetition, escapeChar, subcomponent, ...(truncation === undefined ? [] : [truncation])];
  const bad = all.find(isBadDelimiter);
  if (bad !== undefined || new Set(all).size !== all.length) {
    findings.push(
      er7Finding('fatal', 'MSH-2', {
        en: `The delimiters MSH-1 ${show(field)} and MSH-2 ${show(enc)} are unusable: they must be distinct printable characters other than letters, digits and spaces.`,
        es: `Los delimitadores MSH-1 ${show(field)} y MSH-2 ${show(enc)} no se pueden usar: deben ser caracteres imprimibles distintos entre sí, que no sean letras, dígitos ni espacios.`,
      }),
    );
    return undefined;
  }
  const d: Delimiters = { field, component, repetition, escape: escapeChar, subcomponent };
  if (truncation !== undefined) d.truncation = truncation;
  return d;
}

/** Splits a segment's text into raw fields, numbering MSH's as the standard does. */
function splitFields(text: string, d: Delimiters, isMsh: boolean): string[] {
  if (!isMsh) return text.split(d.field);
  // "MSH|^~\&|A|B" → ['MSH', '|', '^~\&', 'A', 'B']
  const rest = text.slice(4).split(d.field);
  return ['MSH', d.field, ...rest];
}

export function parseEr7(text: string): Er7Message {
  const findings: Finding[] = [];
  const result: Er7Message = { text, delimiters: { ...DEFAULT_DELIMITERS }, segments: [], findings, ok: false };
  if (typeof text !== 'string' || text.length === 0) {
    findings.push(er7Finding('fatal', 'MSH', { en: 'The message is empty.', es: 'El mensaje está vacío.' }));
    return result;
  }

  // Split into lines, remembering offsets and which separators were used.
  const lines: { text: string; offset: number; line: number }[] = [];
  let crlf = 0;
  let lf = 0;
  {
    const re = /\r\n|\r|\n/g;
    let start = 0;
    let lineNo = 1;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0] === '\r\n') crlf++;
      else if (m[0] === '\n') lf++;
      lines.push({ text: text.slice(start, m.index), offset: start, line: lineNo++ });
      start = m.index + m[0].length;
    }
    if (start < text.length) lines.push({ text: text.slice(start), offset: start, line: lineNo });
  }
  if (crlf > 0 || lf > 0) {
    const what = crlf > 0 && lf > 0 ? 'CRLF and LF' : crlf > 0 ? 'CRLF' : 'LF';
    findings.push(
      er7Finding('warning', 'MSH', {
        en: `Segments are separated by ${what} (${crlf + lf} times); HL7 v2 separates segments with CR alone. Read as CR.`,
        es: `Los segmentos están separados por ${what} (${crlf + lf} veces); HL7 v2 separa los segmentos solo con CR. Se leyó como CR.`,
      }),
    );
  }

  // Leading BOM / blank lines.
  let first = 0;
  const firstLine = lines[0];
  if (firstLine && firstLine.text.startsWith('\uFEFF')) {
    firstLine.text = firstLine.text.slice(1);
    firstLine.offset += 1;
    findings.push(er7Finding('warning', 'MSH', { en: 'The message starts with a byte-order mark; it was ignored.', es: 'El mensaje empieza con una marca de orden de bytes (BOM); se ignoró.' }));
  }
  while (first < lines.length && (lines[first]?.text.trim() ?? '') === '') first++;
  if (first > 0 && first < lines.length) {
    findings.push(er7Finding('warning', 'MSH', { en: 'Blank lines before MSH were ignored.', es: 'Se ignoraron líneas en blanco antes de MSH.' }));
  }
  const head = lines[first];
  if (!head) {
    findings.push(er7Finding('fatal', 'MSH', { en: 'The message has no segments.', es: 'El mensaje no tiene segmentos.' }));
    return result;
  }
  if (!head.text.startsWith('MSH')) {
    const start = head.text.slice(0, 3);
    const batch = start === 'BHS' || start === 'FHS';
    findings.push(
      er7Finding(
        'fatal',
        segmentNumberPath(0),
        batch
          ? {
              en: `The text starts with ${start}: HL7 batches and files are not supported; send one message starting with MSH.`,
              es: `El texto empieza con ${start}: no se admiten lotes ni archivos HL7; envíe un mensaje que empiece con MSH.`,
            }
          : {
              en: `The message must start with an MSH segment; it starts with ${show(head.text.slice(0, 20))}.`,
              es: `El mensaje debe empezar con un segmento MSH; empieza con ${show(head.text.slice(0, 20))}.`,
            },
      ),
    );
    return result;
  }
  const d = readDelimiters(head.text, findings);
  if (!d) return result;
  result.delimiters = d;

  const counts = new Map<string, number>();
  const budget = { left: MAX_REPORTED_PER_KIND };
  let controlReported = 0;
  let trailingBlank = 0;
  for (let li = first; li < lines.length; li++) {
    const line = lines[li];
    if (!line) continue;
    if (result.segments.length === MAX_SEGMENTS && line.text !== '') {
      findings.push(
        er7Finding('fatal', segmentNumberPath(MAX_SEGMENTS), {
          en: `The message has more than ${MAX_SEGMENTS} segments (Sello's limit); from line ${line.line} on it was not read.`,
          es: `El mensaje tiene más de ${MAX_SEGMENTS} segmentos (límite de Sello); desde la línea ${line.line} no se leyó.`,
        }),
      );
      break;
    }
    if (line.text === '') {
      trailingBlank++;
      continue;
    }
    if (trailingBlank > 0) {
      findings.push(
        er7Finding('warning', segmentNumberPath(result.segments.length), {
          en: `Empty segment(s) before line ${line.line} were ignored.`,
          es: `Se ignoraron segmentos vacíos antes de la línea ${line.line}.`,
        }),
      );
      trailingBlank = 0;
    }
    const index = result.segments.length;
    const rawId = index === 0 ? 'MSH' : (line.text.split(d.field, 1)[0] ?? '');
    const isMsh = rawId === 'MSH' && line.text.charAt(3) === d.field;
    const validId = SEGMENT_ID_RE.test(rawId);
    const id = validId ? rawId : rawId.slice(0, 20);
    const occurrence = (counts.get(id) ?? 0) + 1;
    counts.set(id, occurrence);
    const segment: Er7Segment = { id, validId, index, occurrence, line: line.line, offset: line.offset, fields: splitFields(line.text, d, isMsh) };
    result.segments.push(segment);
    const segPath = validId ? formatPath({ segment: id, occurrence }) : segmentNumberPath(index);
    if (!validId) {
      findings.push(
        er7Finding('error', segPath, {
          en: `Segment ${index + 1} (line ${line.line}) has no valid segment id: ${show(rawId)} is not three upper-case letters or digits starting with a letter.`,
          es: `El segmento ${index + 1} (línea ${line.line}) no tiene un identificador válido: ${show(rawId)} no son tres letras mayúsculas o dígitos que empiecen con letra.`,
        }),
      );
      continue;
    }
    if (index > 0 && rawId === 'MSH') {
      findings.push(
        er7Finding('error', segPath, {
          en: 'A second MSH segment: one message has one MSH (batches are not supported).',
          es: 'Un segundo segmento MSH: un mensaje tiene un solo MSH (no se admiten lotes).',
        }),
      );
    }
    // Control characters other than TAB (MLLP's VT/FS inside a message are the usual culprit).
    const ctrl = /[\x00-\x08\x0B-\x1F\x7F]/.exec(line.text);
    if (ctrl && controlReported < MAX_REPORTED_PER_KIND) {
      controlReported++;
      const code = `0x${ctrl[0].charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`;
      findings.push(
        er7Finding('warning', segPath, {
          en: `Segment ${segPath} contains the control character ${code}${code === '0x0B' || code === '0x1C' ? ' (an MLLP framing byte)' : ''}.`,
          es: `El segmento ${segPath} contiene el carácter de control ${code}${code === '0x0B' || code === '0x1C' ? ' (un byte del marco MLLP)' : ''}.`,
        }),
      );
    }
    segment.fields.forEach((raw, n) => {
      if (n === 0 || (isMsh && n <= 2)) return;
      checkFieldEscapes(raw, d, { segment: id, occurrence, field: n }, findings, budget);
    });
  }

  const msh = result.segments[0];
  if (msh && d.truncation !== undefined) {
    const version = msh.fields[12]?.split(d.component)[0] ?? '';
    if (/^2\.[0-6](\.|$)/.test(version)) {
      findings.push(
        er7Finding('warning', 'MSH-2', {
          en: `MSH-2 has a fifth character ${show(d.truncation)} (the truncation character), which exists from v2.7 on; MSH-12 says ${version}.`,
          es: `MSH-2 tiene un quinto carácter ${show(d.truncation)} (el de truncamiento), que existe desde v2.7; MSH-12 indica ${version}.`,
        }),
      );
    }
  }
  result.ok = true;
  return result;
}

/** Serializes segments back to ER7 with CR after every segment. `parse → serialize` gives the text back, CR-normalized. */
export function serializeEr7(message: Pick<Er7Message, 'delimiters' | 'segments'>): string {
  const d = message.delimiters;
  return message.segments
    .map((s) => (s.id === 'MSH' && s.fields[0] === 'MSH' ? `MSH${d.field}${s.fields.slice(2).join(d.field)}` : s.fields.join(d.field)))
    .map((s) => `${s}\r`)
    .join('');
}

/** MSH-2 as written for these delimiters. */
export function encodingCharacters(d: Delimiters): string {
  return `${d.component}${d.repetition}${d.escape}${d.subcomponent}${d.truncation ?? ''}`;
}

/** First segment with this id and occurrence (1 by default). */
export function segmentOf(message: Er7Message, id: string, occurrence = 1): Er7Segment | undefined {
  return message.segments.find((s) => s.id === id && s.occurrence === occurrence);
}

/**
 * The raw text at a location: a whole field (first repetition unless `repetition` is given, except when asking for a
 * field without repetition: then the whole raw field), a component or a subcomponent. '' when absent.
 */
export function rawAt(message: Er7Message, loc: Hl7Location): string {
  const seg = segmentOf(message, loc.segment, loc.occurrence ?? 1);
  if (!seg || loc.field === undefined) return '';
  const d = message.delimiters;
  const field = seg.fields[loc.field] ?? '';
  if (seg.id === 'MSH' && loc.field <= 2) return field;
  if (loc.repetition === undefined && loc.component === undefined) return field;
  const rep = splitRepetitions(field, d)[(loc.repetition ?? 1) - 1] ?? '';
  if (loc.component === undefined) return rep;
  const comp = splitComponents(rep, d)[loc.component - 1] ?? '';
  if (loc.subcomponent === undefined) return comp;
  return splitSubcomponents(comp, d)[loc.subcomponent - 1] ?? '';
}

/**
 * The unescaped value at a location, taking the first repetition, component and subcomponent when they are not
 * given (so `valueAt(m, {segment:'MSH', field:9})` is the message code). '' when absent.
 */
export function valueAt(message: Er7Message, loc: Hl7Location): string {
  const seg = segmentOf(message, loc.segment, loc.occurrence ?? 1);
  if (!seg || loc.field === undefined) return '';
  if (seg.id === 'MSH' && loc.field <= 2) return seg.fields[loc.field] ?? '';
  const raw = rawAt(message, { ...loc, repetition: loc.repetition ?? 1, component: loc.component ?? 1, subcomponent: loc.subcomponent ?? 1 });
  return unescapeEr7(raw, message.delimiters).value;
}
