import { parseEr7, splitComponents, splitRepetitions, unescapeEr7 } from '../hl7v2/er7.ts';
import { collectXml } from './redact-collect-xml.ts';
import { FIELD_KINDS, idKind, type Remember } from './redact-kinds.ts';

export { FIELD_KINDS, type IdentifierKind, type Remember } from './redact-kinds.ts';

/*
 * What --redact must replace, read from the messages themselves: values of person fields in JSON bodies (by member
 * name, whatever the program), of person resources in FHIR (identifier values are under the generic `value`, so by
 * resource type), and of person fields in HL7 v2 ER7 messages (by segment and field). Free-text occurrences of these
 * values are then found by the Pseudonymizer wherever they sit in a file.
 */

const PERSON_RESOURCES = new Set(['Patient', 'RelatedPerson', 'Practitioner', 'Person']);
const MAX_DEPTH = 64;

const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function humanName(n: unknown, remember: Remember): void {
  if (!isRecord(n)) return;
  remember('NAME', n.text);
  remember('NAME', n.family);
  for (const g of asArray(n.given)) remember('NAME', g);
}

/** A FHIR Patient, RelatedPerson, Practitioner or Person: its identifiers, names, birth date, postal codes, telecoms. */
function personResource(r: Record<string, unknown>, remember: Remember): void {
  for (const id of asArray(r.identifier)) if (isRecord(id) && typeof id.value === 'string') remember(idKind(id.value), id.value);
  for (const n of asArray(r.name)) humanName(n, remember);
  remember('DATE', r.birthDate);
  for (const a of asArray(r.address)) {
    if (!isRecord(a)) continue;
    remember('POSTAL', a.postalCode);
    remember('ADDRESS', a.line);
    remember('ADDRESS', a.text);
  }
  for (const t of asArray(r.telecom)) if (isRecord(t)) remember('ID', t.value);
  for (const c of asArray(r.contact)) {
    if (!isRecord(c)) continue;
    humanName(c.name, remember);
    for (const t of asArray(c.telecom)) if (isRecord(t)) remember('ID', t.value);
  }
}

/** Any JSON value: person fields by member name, person resources by type, ER7 and JSON carried as strings. */
export function collectPersons(value: unknown, remember: Remember, depth = 0): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    collectText(value, remember, depth);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) collectPersons(v, remember, depth + 1);
    return;
  }
  const obj = value as Record<string, unknown>;
  if (typeof obj.resourceType === 'string' && PERSON_RESOURCES.has(obj.resourceType)) personResource(obj, remember);
  if (typeof obj.data === 'string' && (typeof obj.contentType === 'string' || obj.resourceType === 'Binary')) collectBase64(obj.data, remember, depth);
  for (const [k, v] of Object.entries(obj)) {
    const kind = FIELD_KINDS[k.toLowerCase()];
    if (kind) remember(kind, v);
    collectPersons(v, remember, depth + 1);
  }
}

/** A string body: an ER7 message, a JSON text (a body the SUT sent as text) or NDJSON (an export), or XML (CDA, SOAP). */
function collectText(s: string, remember: Remember, depth: number): void {
  const t = s.trimStart();
  if (t.startsWith('MSH')) collectEr7(t, remember);
  else if (t.startsWith('<')) collectXml(t, remember, (leaf) => collectBase64(leaf, remember, depth + 1));
  else if (t.startsWith('{') || t.startsWith('[')) {
    try {
      collectPersons(JSON.parse(t), remember, depth + 1);
    } catch {
      // NDJSON, one resource a line; what is not JSON at all is left to the identifier shapes.
      for (const line of t.split('\n')) {
        if (!line.trim()) continue;
        try {
          collectPersons(JSON.parse(line), remember, depth + 1);
        } catch {}
      }
    }
  }
}

/**
 * FHIR carries documents as base64 (Attachment.data, Binary.data): a CDA summary names its patient and authors there.
 * Text is read like any body; binary content carries no field a reader could name.
 */
function collectBase64(data: unknown, remember: Remember, depth: number): void {
  if (depth > MAX_DEPTH) return;
  const text = base64Text(typeof data === 'string' ? data.replace(/\s+/g, '') : data);
  if (text !== undefined) collectText(text, remember, depth);
}

/** The UTF-8 text `data` encodes in base64, or undefined when it is not base64 or not text. */
export function base64Text(data: unknown): string | undefined {
  if (typeof data !== 'string' || data.length < 8 || data.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) return undefined;
  const bytes = Buffer.from(data, 'base64');
  const text = bytes.toString('utf8');
  // Text only: a byte sequence that is not UTF-8, or controls other than line ends and tabs, is binary.
  return Buffer.byteLength(text, 'utf8') === bytes.length && !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text) ? text : undefined;
}

/** Query parameters named like person fields (`?curp=…&fechaNacimiento=…`), and FHIR `identifier=[system|]value`. */
export function collectUrl(url: unknown, remember: Remember): void {
  if (typeof url !== 'string' || !url.includes('?')) return;
  let params: URLSearchParams;
  try {
    params = new URL(url, 'http://relative.invalid').searchParams;
  } catch {
    return;
  }
  for (const [k, v] of params) {
    const name = k.toLowerCase().split(':')[0] ?? '';
    const kind = FIELD_KINDS[name];
    if (kind) remember(kind, v);
    else if (name === 'identifier') {
      // Searches by identifier are of any resource (a Task's follow-up id); only a DNI is a person's.
      const value = v.split('|').pop() ?? '';
      if (idKind(value) === 'DNI') remember('DNI', value);
    }
  }
}

type V2Type = 'CX' | 'XPN' | 'XCN' | 'DATE' | 'XAD' | 'XTN';

/** Person fields of HL7 v2.5 segments, by data type: the patient, next of kin, and the clinicians named. */
const V2_FIELDS: Record<string, Record<number, V2Type>> = {
  PID: { 2: 'CX', 3: 'CX', 4: 'CX', 5: 'XPN', 6: 'XPN', 7: 'DATE', 9: 'XPN', 11: 'XAD', 13: 'XTN', 14: 'XTN', 19: 'CX', 21: 'CX' },
  NK1: { 2: 'XPN', 4: 'XAD', 5: 'XTN', 6: 'XTN', 16: 'DATE', 30: 'XPN', 31: 'XTN', 33: 'CX' },
  PV1: { 7: 'XCN', 8: 'XCN', 9: 'XCN', 17: 'XCN', 52: 'XCN' },
  ORC: { 10: 'XCN', 11: 'XCN', 12: 'XCN' },
  OBR: { 16: 'XCN', 28: 'XCN' },
  OBX: { 16: 'XCN' },
  AIP: { 3: 'XCN' },
  ROL: { 4: 'XCN' },
  TXA: { 5: 'XCN', 9: 'XCN', 10: 'XCN' },
  IN1: { 16: 'XPN', 18: 'DATE', 19: 'XAD' },
  GT1: { 3: 'XPN', 5: 'XAD', 8: 'DATE' },
};

function collectEr7(text: string, remember: Remember): void {
  const m = parseEr7(text);
  if (!m.ok) return;
  const d = m.delimiters;
  for (const seg of m.segments) {
    const fields = V2_FIELDS[seg.id];
    if (!fields) continue;
    for (const [n, type] of Object.entries(fields)) {
      for (const rep of splitRepetitions(seg.fields[Number(n)] ?? '', d)) {
        const c = splitComponents(rep, d).map((x) => unescapeEr7(x.split(d.subcomponent)[0] ?? '', d).value);
        switch (type) {
          case 'CX':
            remember(idKind(c[0] ?? ''), c[0]);
            break;
          case 'XPN':
            for (const x of c.slice(0, 3)) remember('NAME', x);
            break;
          case 'XCN':
            remember('ID', c[0]);
            for (const x of c.slice(1, 4)) remember('NAME', x);
            break;
          case 'DATE':
            remember('DATE', c[0]);
            break;
          case 'XAD':
            remember('ADDRESS', c[0]);
            remember('POSTAL', c[4]);
            remember('POSTAL', c[8]);
            break;
          case 'XTN':
            remember('ID', c[0]);
            remember('ID', c[11]);
            break;
        }
      }
    }
  }
}
