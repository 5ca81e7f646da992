/**
 * Planted defects of the reference engine's HL7 v2 messages (`--plant-fault engine:<key>`): the translation bugs an
 * interface engine ships, each breaking one rule of the contract, applied to a correct message.
 */
import type { FaultSet } from '../../../src/mock/faults.ts';

type Fields = string[];

function mapSegments(message: string, map: (fields: Fields) => Fields): string {
  return message
    .split('\r')
    .map((segment) => (segment === '' ? segment : map(segment.split('|')).join('|')))
    .join('\r');
}

const set = (fields: Fields, n: number, value: string): Fields => {
  const out = [...fields];
  while (out.length <= n) out.push('');
  out[n] = value;
  return out;
};

/** MSH-n is fields[n - 1] once split on `|` (MSH-1 is the separator itself). */
const FAULTS: Readonly<Record<string, (message: string) => string>> = {
  // RIS-V2-04: a new patient registered as an admission (ADT^A01), v1.1 says ADT^A04.
  'wrong-trigger': (m) => mapSegments(m, (f) => (f[0] === 'MSH' && (f[8] ?? '').startsWith('ADT^A04') ? set(f, 8, 'ADT^A01^ADT_A01') : f)),
  // RIS-V2-04: PID-3 as number^check only, without CX.4 RENIEC and CX.5 NI.
  'pid3-without-authority': (m) => mapSegments(m, (f) => (f[0] === 'PID' ? set(f, 3, (f[3] ?? '').split('^').slice(0, 2).join('^')) : f)),
  // RIS-V2-04: the establishment's RENIPRESS left out of PV1-3.4 (point of care only).
  'no-renipress': (m) => mapSegments(m, (f) => (f[0] === 'PV1' ? set(f, 3, (f[3] ?? '').split('^')[0] ?? '') : f)),
  // RIS-V2-04: MSH-18 left empty (the engine's default channel encoding).
  'no-charset': (m) => mapSegments(m, (f) => (f[0] === 'MSH' ? set(f, 17, '') : f)),
  // RIS-MAP-01: the birth date shifted a day by a time-zone conversion (UTC midnight read in Lima).
  'birth-date-shift': (m) =>
    mapSegments(m, (f) => {
      if (f[0] !== 'PID' || !/^\d{8}$/.test(f[7] ?? '')) return f;
      const d = new Date(`${f[7]!.slice(0, 4)}-${f[7]!.slice(4, 6)}-${f[7]!.slice(6, 8)}T00:00:00Z`);
      d.setUTCDate(d.getUTCDate() - 1);
      return set(f, 7, d.toISOString().slice(0, 10).replace(/-/g, ''));
    }),
  // RIS-MAP-01: SCH-1 carries the placer order number (the follow-up id cut to 16 hex digits) instead of the follow-up id.
  'truncated-follow-up-id': (m) => mapSegments(m, (f) => (f[0] === 'SCH' ? set(f, 1, `${(f[1] ?? '').replace(/-/g, '').slice(0, 16).toUpperCase()}^QHALI`) : f)),
  // RP-03: the UBIGEO not carried to PID-11.9.
  'drop-ubigeo': (m) => mapSegments(m, (f) => (f[0] === 'PID' && f[11] ? set(f, 11, f[11].split('^').slice(0, 8).join('^')) : f)),
  // RP-05: NTS 042 roman priorities written as arabic numbers in the ORU^R01 OBX.
  'acuity-as-number': (m) =>
    mapSegments(m, (f) => {
      if (f[0] !== 'OBX' || !(f[3] ?? '').startsWith('56839-4')) return f;
      const c = (f[5] ?? '').split('^');
      const n = ({ I: '1', II: '2', III: '3', IV: '4' } as Record<string, string>)[c[0] ?? ''];
      return n ? set(f, 5, [n, ...c.slice(1)].join('^')) : f;
    }),
};

export function plantV2Faults(message: string, faults: FaultSet): string {
  let out = message;
  for (const [key, plant] of Object.entries(FAULTS)) if (faults.has(key)) out = plant(out);
  return out;
}
