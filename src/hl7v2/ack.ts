/**
 * HL7 v2 acknowledgments (v2.5 chapter 2, "original" and "enhanced" acknowledgment modes): checking a
 * receiver's ACK against the message it answers, building ACKs for Sello's reference receiver, and tracking
 * message control ids so a retransmission is answered without being processed twice.
 *
 * Mode: a message with MSH-15 or MSH-16 valued asks for enhanced mode; its first reply is a commit (accept)
 * acknowledgment CA/CE/CR unless MSH-15 is NE. Otherwise (original mode) the reply is AA/AE/AR.
 *
 * Rule ids: `V2-ACK-MODE` code family wrong for the mode, `V2-ACK-CORRELATION` MSA-2 ≠ the original MSH-10,
 * `V2-ACK-ERR` ERR missing on AE/AR/CE/CR (or an error-severity ERR on an accept), `V2-ACK-ROUTING` MSH-5/6 not the
 * original's MSH-3/4, `V2-ACK-MSH9` MSH-9.2 not the original's trigger event, `V2-ACK-HEADER` version or
 * processing id differing from the original (warnings), `V2-ACK-DUPLICATE` a retransmission acknowledged
 * differently, or a reused MSH-10 accepted. The ACK itself is also validated against the `ACK` profile (MSH MSA
 * [{ERR}], MSH-9 `ACK^<event>^ACK`, tables 0008/0357/0516). Locations are paths in the ACK.
 */
import { createHash } from 'node:crypto';
import { type Finding, finding, type IssueCode, isBlocking, type LocalizedText, type Severity } from '../findings/finding.ts';
import { DEFAULT_DELIMITERS, type Delimiters, type Er7Message, encodingCharacters, escapeEr7, parseEr7, serializeEr7, splitComponents, valueAt } from './er7.ts';
import { parsePath } from './path.ts';
import { loadProfileSet } from './profile.ts';
import type { Hl7v2Contract } from './rules.ts';
import { validateParsed } from './validate.ts';

export type AckCode = 'AA' | 'AE' | 'AR' | 'CA' | 'CE' | 'CR';
export const APPLICATION_CODES: readonly AckCode[] = ['AA', 'AE', 'AR'];
export const COMMIT_CODES: readonly AckCode[] = ['CA', 'CE', 'CR'];

/** One ERR segment: an HL7 table 0357 code, where, and what to tell the user. */
export interface AckError {
  /** Table 0357: 100 segment sequence, 101 required field missing, 102 data type, 103 table value, 200–203 unsupported type/event/processing id/version, 204–207. */
  code: string;
  /** ERR-4 (table 0516): E, W or I. Default E. */
  severity?: 'E' | 'W' | 'I';
  /** A path (`PID-3[2].1`), written to ERR-2 as ERL components. */
  location?: string;
  /** ERR-8 user message. */
  message?: string;
  /** ERR-7 diagnostic information. */
  diagnostic?: string;
}

const ERROR_TEXT: Record<string, string> = {
  '0': 'Message accepted',
  '100': 'Segment sequence error',
  '101': 'Required field missing',
  '102': 'Data type error',
  '103': 'Table value not found',
  '200': 'Unsupported message type',
  '201': 'Unsupported event code',
  '202': 'Unsupported processing id',
  '203': 'Unsupported version id',
  '204': 'Unknown key identifier',
  '205': 'Duplicate key identifier',
  '206': 'Application record locked',
  '207': 'Application internal error',
};

const MAX_ERR_SEGMENTS = 20;

const asMessage = (m: string | Er7Message): Er7Message => (typeof m === 'string' ? parseEr7(m) : m);
const field = (m: Er7Message, n: number, component?: number): string => valueAt(m, { segment: 'MSH', field: n, ...(component === undefined ? {} : { component }) });
/** Raw field text without trailing empty components, for comparing HDs (`APP^^` equals `APP`). */
const rawField = (m: Er7Message, n: number): string => {
  const raw = m.segments[0]?.fields[n] ?? '';
  return splitComponents(raw, m.delimiters)
    .join(m.delimiters.component)
    .replace(new RegExp(`[${m.delimiters.component.replace(/[\\\]^-]/g, '\\$&')}]+$`), '');
};

/** Whether a message asks for enhanced-mode acknowledgments (MSH-15 or MSH-16 valued). */
export function ackMode(message: string | Er7Message): 'original' | 'enhanced' {
  const m = asMessage(message);
  return m.ok && (field(m, 15) !== '' || field(m, 16) !== '') ? 'enhanced' : 'original';
}

let counter = 0;
/** A fresh message control id (≤ 20 characters, MSH-10's length). */
export function newControlId(prefix = 'SELLO'): string {
  counter = (counter + 1) % 46656;
  return `${prefix}${Date.now().toString(36).toUpperCase()}${counter.toString(36).toUpperCase().padStart(3, '0')}`.slice(0, 20);
}

/** DTM with seconds and the local UTC offset: `20250314093000-0500`. */
export function hl7Timestamp(now: Date = new Date()): string {
  const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0');
  const off = -now.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}${sign}${pad(Math.trunc(Math.abs(off) / 60))}${pad(Math.abs(off) % 60)}`;
}

export interface BuildAckOptions {
  /** MSH-10 of the ACK; a fresh id by default. */
  controlId?: string;
  now?: Date;
  /** MSH-3/MSH-4 when the original does not say who it was sent to (garbage, or empty MSH-5/6). */
  sender?: { application?: string; facility?: string };
}

/** ERR-2 (ERL) from a path: segment^sequence^field^repetition^component^subcomponent. */
function erl(location: string | undefined, d: Delimiters): string {
  const loc = location ? parsePath(location) : undefined;
  if (!loc) return '';
  const parts = [loc.segment, String(loc.occurrence ?? 1), loc.field, loc.field === undefined ? undefined : (loc.repetition ?? 1), loc.component, loc.subcomponent].map((p) =>
    p === undefined ? '' : String(p),
  );
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts.join(d.component);
}

/**
 * An ACK for a message (or for bytes that are not one): MSH with the original's MSH-3/4 and MSH-5/6 swapped,
 * MSH-9 `ACK^<event>^ACK`, the original's processing id and version (2.5 when unknown); MSA-1 the code and MSA-2
 * the original MSH-10; one ERR per error (ERR-2 location, ERR-3 `code^text^HL70357`, ERR-4 severity, ERR-8 text).
 * Uses the original's delimiters when it has usable ones.
 */
export function buildAck(original: string | Er7Message, code: AckCode, errors: readonly AckError[] = [], opts: BuildAckOptions = {}): string {
  const o = asMessage(original);
  const d: Delimiters = o.ok ? o.delimiters : { ...DEFAULT_DELIMITERS };
  const raw = (n: number): string => (o.ok ? (o.segments[0]?.fields[n] ?? '') : '');
  const esc = (s: string): string => escapeEr7(s, d);
  const event = raw(9) === '' ? '' : (splitComponents(raw(9), d)[1] ?? '');
  const version = o.ok ? (splitComponents(raw(12), d)[0] ?? '') : '';
  const processing = o.ok ? raw(11) : '';
  const msh = [
    'MSH',
    encodingCharacters(d),
    raw(5) || esc(opts.sender?.application ?? ''),
    raw(6) || esc(opts.sender?.facility ?? ''),
    raw(3),
    raw(4),
    hl7Timestamp(opts.now),
    '',
    ['ACK', event, 'ACK'].join(d.component),
    esc(opts.controlId ?? newControlId()),
    processing || 'P',
    version || '2.5',
  ];
  // The ACK declares the character set its original declared (v1.1: every v2 message declares MSH-18).
  if (raw(18) !== '') msh.push('', '', '', '', '', raw(18));
  const segments = [`MSH${d.field}${msh.slice(1).join(d.field)}`, ['MSA', code, raw(10)].join(d.field)];
  for (const e of errors.slice(0, MAX_ERR_SEGMENTS)) {
    const err = [
      'ERR',
      '',
      erl(e.location, d),
      [esc(e.code), esc(ERROR_TEXT[e.code] ?? ''), 'HL70357'].join(d.component),
      e.severity ?? 'E',
      '',
      '',
      esc((e.diagnostic ?? '').slice(0, 2048)),
      esc((e.message ?? '').slice(0, 250)),
    ];
    while (err.length > 1 && err[err.length - 1] === '') err.pop();
    segments.push(err.join(d.field));
  }
  return segments.map((s) => `${s}\r`).join('');
}

/** Table 0357 code for a finding (see the README for the mapping). */
export interface ErrorCodeContext {
  /** MSH-9.1 of the message, and the message codes some profile covers: a known code with an unknown event is 201. */
  messageCode?: string;
  knownMessageCodes?: ReadonlySet<string>;
}

export function errorCodeFor(f: Finding, ctx: ErrorCodeContext = {}): string {
  if (f.ruleId === 'V2-PROFILE') {
    return ctx.messageCode !== undefined && ctx.knownMessageCodes?.has(ctx.messageCode) ? '201' : '200';
  }
  if (f.ruleId === 'V2-MSH' || (f.ruleId === 'V2-TABLE' && f.location.startsWith('MSH-'))) {
    if (f.location.startsWith('MSH-9.2')) return '201';
    if (f.location.startsWith('MSH-9')) return '200';
    if (f.location.startsWith('MSH-11')) return '202';
    if (f.location.startsWith('MSH-12')) return '203';
  }
  if (/^V2-SEGMENT-|^V2-CARDINALITY$/.test(f.ruleId) && !f.location.includes('-')) return '100';
  if (f.ruleId === 'V2-USAGE-R' || (f.ruleId.startsWith('V2-PE-') && f.code === 'required')) return '101';
  if (f.ruleId === 'V2-TABLE' || f.code === 'code-invalid') return '103';
  if (f.ruleId === 'V2-ER7' && /^#\d+$/.test(f.location)) return '100';
  if (/^V2-(DATATYPE|LENGTH|USAGE-X|FIELD-UNKNOWN|ER7|CARDINALITY|PE-)|^ID-/.test(f.ruleId)) return '102';
  return '207';
}

/** ERR entries for findings: blocking ones (severity E) first, then warnings (W); information is left out. */
export function findingsToAckErrors(findings: readonly Finding[], ctx: ErrorCodeContext = {}): AckError[] {
  const pick = (f: Finding, severity: 'E' | 'W'): AckError => ({
    code: errorCodeFor(f, ctx),
    severity,
    message: f.message.es ?? f.message.en,
    diagnostic: `${f.ruleId}: ${f.message.en}`,
    ...(f.location !== '' && parsePath(f.location) ? { location: f.location } : {}),
  });
  return [...findings.filter(isBlocking).map((f) => pick(f, 'E')), ...findings.filter((f) => f.severity === 'warning').map((f) => pick(f, 'W'))].slice(0, MAX_ERR_SEGMENTS);
}

// ---------------------------------------------------------------------------------------------------------------
// Control-id tracking

export type ControlIdStatus = 'new' | 'retransmission' | 'conflict' | 'unidentified';

interface Seen {
  digest: string;
  ack?: string;
  ackCode?: string;
}

/**
 * Remembers the messages seen, keyed by sender (MSH-3, MSH-4) and MSH-10, to tell a retransmission (same key, same
 * content apart from MSH-7) from a conflict (same key, other content). Bounded: the oldest entries are forgotten
 * beyond `capacity`.
 */
export class ControlIdTracker {
  private readonly seen = new Map<string, Seen>();

  constructor(readonly capacity = 10_000) {}

  get size(): number {
    return this.seen.size;
  }

  /** `MSH-3|MSH-4|MSH-10`, or undefined when the message has no MSH-10. */
  keyOf(message: string | Er7Message): string | undefined {
    const m = asMessage(message);
    if (!m.ok) return undefined;
    const id = field(m, 10);
    return id === '' ? undefined : `${rawField(m, 3)}|${rawField(m, 4)}|${id}`;
  }

  private digest(m: Er7Message): string {
    const segments = m.segments.map((s, i) => (i === 0 ? { ...s, fields: s.fields.map((f, n) => (n === 7 ? '' : f)) } : s));
    return createHash('sha256')
      .update(serializeEr7({ delimiters: m.delimiters, segments }))
      .digest('hex');
  }

  /** What this message is, given what was recorded; does not record it. */
  classify(message: string | Er7Message): { status: ControlIdStatus; key?: string; previous?: { ack?: string; ackCode?: string } } {
    const m = asMessage(message);
    const key = this.keyOf(m);
    if (key === undefined) return { status: 'unidentified' };
    const prev = this.seen.get(key);
    if (!prev) return { status: 'new', key };
    const previous = { ...(prev.ack === undefined ? {} : { ack: prev.ack }), ...(prev.ackCode === undefined ? {} : { ackCode: prev.ackCode }) };
    return { status: prev.digest === this.digest(m) ? 'retransmission' : 'conflict', key, previous };
  }

  /** Records a message (and the ACK it got); a conflict does not replace the first message. Returns its status. */
  record(message: string | Er7Message, ack?: string): ControlIdStatus {
    const m = asMessage(message);
    const { status, key } = this.classify(m);
    if (key === undefined || status === 'conflict') return status;
    const entry: Seen = this.seen.get(key) ?? { digest: this.digest(m) };
    if (ack !== undefined && entry.ack === undefined) {
      entry.ack = ack;
      const code = valueAt(parseEr7(ack), { segment: 'MSA', field: 1 });
      if (code !== '') entry.ackCode = code;
    }
    this.seen.delete(key);
    this.seen.set(key, entry);
    while (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
    return status;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Checking an ACK

export interface CheckAckOptions extends Hl7v2Contract {
  /** Which acknowledgment this is: the commit (accept) ACK of enhanced mode, or an application ACK. Default: the first one the mode calls for. */
  expect?: 'commit' | 'application';
  /** Messages seen before; a retransmission must be acknowledged as the first delivery was. Not modified. */
  seenControlIds?: ControlIdTracker;
}

/** Only the contract's keys, so an options object can be handed on to `validateParsed`. */
const contractOf = (o: Hl7v2Contract): Hl7v2Contract => ({ profileDir: o.profileDir, ...(o.ruleChecks ? { ruleChecks: o.ruleChecks } : {}) });

const ack = (ruleId: string, severity: Severity, code: IssueCode, location: string, message: LocalizedText): Finding => finding(ruleId, severity, code, location, message, 'hl7v2');

/** Checks an acknowledgment against the message it answers. Never throws on message content. */
export function checkAck(original: string | Er7Message, ackText: string | Er7Message, opts: CheckAckOptions): Finding[] {
  const a = asMessage(ackText);
  const findings = validateParsed(a, { ...contractOf(opts), profile: 'ACK' });
  if (!a.ok) return findings;
  const o = asMessage(original);
  if (!o.ok) {
    findings.push(
      ack('V2-ACK-CORRELATION', 'information', 'informational', 'MSA-2', {
        en: 'The original is not a readable HL7 v2 message, so the ACK could only be checked on its own.',
        es: 'El original no es un mensaje HL7 v2 legible, así que el ACK solo pudo revisarse por sí mismo.',
      }),
    );
    return findings;
  }
  // An ACK answers in the original's version, even one the contract does not support (that is what it rejects).
  if (field(a, 12, 1) === field(o, 12, 1)) {
    const i = findings.findIndex((f) => f.ruleId === 'V2-MSH' && f.location === 'MSH-12.1');
    if (i >= 0) findings.splice(i, 1);
  }
  const code = valueAt(a, { segment: 'MSA', field: 1 }) as AckCode | '';
  const accept = field(o, 15);
  const application = field(o, 16);
  const enhanced = accept !== '' || application !== '';
  const expect = opts.expect ?? (enhanced && accept !== 'NE' ? 'commit' : 'application');
  const isCommit = (COMMIT_CODES as readonly string[]).includes(code);
  const isApplication = (APPLICATION_CODES as readonly string[]).includes(code);
  const controlId = field(o, 10);

  // Mode
  if (expect === 'commit' && isApplication) {
    findings.push(
      ack('V2-ACK-MODE', 'error', 'invalid', 'MSA-1', {
        en: `MSA-1 is ${code}, but the original asks for enhanced mode (MSH-15 ${JSON.stringify(accept)}, MSH-16 ${JSON.stringify(application)}): the first reply is a commit ACK, CA, CE or CR.`,
        es: `MSA-1 es ${code}, pero el original pide el modo mejorado (MSH-15 ${JSON.stringify(accept)}, MSH-16 ${JSON.stringify(application)}): la primera respuesta es un ACK de compromiso, CA, CE o CR.`,
      }),
    );
  } else if (expect === 'application' && isCommit) {
    findings.push(
      ack(
        'V2-ACK-MODE',
        'error',
        'invalid',
        'MSA-1',
        enhanced
          ? {
              en: `MSA-1 is ${code}, a commit ACK, but the original's MSH-15 is NE (no commit ACK): the reply is an application ACK, AA, AE or AR.`,
              es: `MSA-1 es ${code}, un ACK de compromiso, pero el MSH-15 del original es NE (sin ACK de compromiso): la respuesta es un ACK de aplicación, AA, AE o AR.`,
            }
          : {
              en: `MSA-1 is ${code}, an enhanced-mode commit code, but the original is in original mode (MSH-15 and MSH-16 empty): the reply is AA, AE or AR.`,
              es: `MSA-1 es ${code}, un código de compromiso del modo mejorado, pero el original está en modo original (MSH-15 y MSH-16 vacíos): la respuesta es AA, AE o AR.`,
            },
      ),
    );
  }
  const condition = isCommit ? accept : enhanced ? application : '';
  const conditionField = isCommit ? 'MSH-15' : 'MSH-16';
  const positive = code === 'CA' || code === 'AA';
  if ((condition === 'ER' && positive) || (condition === 'SU' && (isCommit || isApplication) && !positive) || (condition === 'NE' && (isCommit || isApplication))) {
    findings.push(
      ack('V2-ACK-MODE', 'warning', 'business-rule', 'MSA-1', {
        en: `MSA-1 is ${code}, but the original's ${conditionField} is ${condition} (${condition === 'ER' ? 'acknowledge errors only' : condition === 'SU' ? 'acknowledge success only' : 'never acknowledge'}): this ACK should not have been sent.`,
        es: `MSA-1 es ${code}, pero el ${conditionField} del original es ${condition} (${condition === 'ER' ? 'solo confirmar errores' : condition === 'SU' ? 'solo confirmar éxitos' : 'nunca confirmar'}): este ACK no debió enviarse.`,
      }),
    );
  }

  // Correlation
  const msa2 = valueAt(a, { segment: 'MSA', field: 2 });
  if (msa2 !== '' && msa2 !== controlId) {
    findings.push(
      ack('V2-ACK-CORRELATION', 'error', 'invalid', 'MSA-2', {
        en: `MSA-2 is ${JSON.stringify(msa2)}, but the original's MSH-10 is ${JSON.stringify(controlId)}: the sender cannot match this ACK to its message.`,
        es: `MSA-2 es ${JSON.stringify(msa2)}, pero el MSH-10 del original es ${JSON.stringify(controlId)}: el emisor no puede asociar este ACK con su mensaje.`,
      }),
    );
  }

  // ERR
  const errs = a.segments.filter((s) => s.id === 'ERR');
  if (['AE', 'AR', 'CE', 'CR'].includes(code) && errs.length === 0) {
    findings.push(
      ack('V2-ACK-ERR', 'error', 'required', 'ERR', {
        en: `MSA-1 is ${code} but the ACK has no ERR segment: the contract requires ERR (with an HL7 table 0357 code in ERR-3) on every error or reject.`,
        es: `MSA-1 es ${code} pero el ACK no tiene segmento ERR: el contrato exige ERR (con un código de la tabla HL7 0357 en ERR-3) en todo error o rechazo.`,
      }),
    );
  }
  if (positive) {
    for (const e of errs) {
      if (valueAt(a, { segment: 'ERR', occurrence: e.occurrence, field: 4 }) !== 'E') continue;
      const at = `ERR${e.occurrence > 1 ? `[${e.occurrence}]` : ''}-4`;
      findings.push(
        ack('V2-ACK-ERR', 'warning', 'business-rule', at, {
          en: `MSA-1 is ${code} (accepted), yet ${at} reports an error (severity E).`,
          es: `MSA-1 es ${code} (aceptado), pero ${at} informa un error (severidad E).`,
        }),
      );
    }
  }

  // Routing: the ACK goes back to whoever sent the original.
  for (const [ackField, origField] of [
    [5, 3],
    [6, 4],
  ] as const) {
    const got = rawField(a, ackField);
    const want = rawField(o, origField);
    if (got !== want) {
      findings.push(
        ack('V2-ACK-ROUTING', 'error', 'invalid', `MSH-${ackField}`, {
          en: `MSH-${ackField} of the ACK is ${JSON.stringify(got)}; it must be the original's MSH-${origField}, ${JSON.stringify(want)} (the ACK goes back to the sender).`,
          es: `El MSH-${ackField} del ACK es ${JSON.stringify(got)}; debe ser el MSH-${origField} del original, ${JSON.stringify(want)} (el ACK vuelve al emisor).`,
        }),
      );
    }
  }

  // MSH-9: ACK^<event>^ACK (9.1 and 9.3 are the ACK profile's V2-MSH checks).
  const event = field(o, 9, 2);
  const ackEvent = field(a, 9, 2);
  if (event !== '' && ackEvent !== event) {
    // An ACK that names no event at all is common (v2.3 habits) and still readable: a warning; another event is wrong.
    findings.push(
      ack('V2-ACK-MSH9', ackEvent === '' ? 'warning' : 'error', 'invalid', 'MSH-9.2', {
        en: `MSH-9.2 of the ACK is ${JSON.stringify(ackEvent)}; it must repeat the original's trigger event ${event} (MSH-9 ACK^${event}^ACK).`,
        es: `El MSH-9.2 del ACK es ${JSON.stringify(ackEvent)}; debe repetir el evento del original ${event} (MSH-9 ACK^${event}^ACK).`,
      }),
    );
  }
  for (const [n, name, nombre] of [
    [12, 'version', 'versión'],
    [11, 'processing id', 'id de procesamiento'],
  ] as const) {
    const want = field(o, n, 1);
    const got = field(a, n, 1);
    if (want !== '' && got !== '' && got !== want) {
      findings.push(
        ack('V2-ACK-HEADER', 'warning', 'value', `MSH-${n}.1`, {
          en: `MSH-${n} (${name}) of the ACK is ${JSON.stringify(got)}, the original's ${JSON.stringify(want)}.`,
          es: `El MSH-${n} (${nombre}) del ACK es ${JSON.stringify(got)}; el del original, ${JSON.stringify(want)}.`,
        }),
      );
    }
  }

  // Duplicates
  if (opts.seenControlIds) {
    const seen = opts.seenControlIds.classify(o);
    const firstCode = seen.previous?.ackCode;
    if (seen.status === 'retransmission' && firstCode !== undefined && firstCode !== code) {
      findings.push(
        ack('V2-ACK-DUPLICATE', 'error', 'duplicate', 'MSA-1', {
          en: `The original is a retransmission of ${controlId} (same MSH-10 and content), first acknowledged ${firstCode}, now ${code}: a retransmission must get the same answer, without being processed again.`,
          es: `El original es una retransmisión de ${controlId} (mismo MSH-10 y contenido), confirmada primero con ${firstCode} y ahora con ${code}: una retransmisión debe recibir la misma respuesta, sin procesarse de nuevo.`,
        }),
      );
    }
    if (seen.status === 'conflict' && positive) {
      findings.push(
        ack('V2-ACK-DUPLICATE', 'error', 'duplicate', 'MSA-1', {
          en: `MSH-10 ${controlId} was already used by the same sender for a different message, and this one was accepted (${code}): it may have been processed as a second record. Expected AR/CR with ERR-3 205.`,
          es: `El MSH-10 ${controlId} ya fue usado por el mismo emisor para otro mensaje, y este fue aceptado (${code}): puede haberse procesado como un segundo registro. Se esperaba AR/CR con ERR-3 205.`,
        }),
      );
    }
  }
  return findings;
}

// ---------------------------------------------------------------------------------------------------------------
// Sello's reference receiver

export interface ReferenceAckOptions extends Hl7v2Contract {
  profile?: string;
  /** Retransmissions get the first ACK again; reused control ids are rejected (ERR-3 205). */
  tracker?: ControlIdTracker;
  now?: Date;
  controlId?: string;
  sender?: { application?: string; facility?: string };
}

export interface ReferenceAckResult {
  /** The ACK to send, or undefined when the original's MSH-15 says not to send one. */
  ack: string | undefined;
  code: AckCode;
  findings: Finding[];
  duplicate: ControlIdStatus;
  /** True when the message should be processed (a new message, accepted). */
  process: boolean;
}

const REJECTING = /^(V2-ER7|V2-PROFILE|V2-MSH)$/;

/**
 * What Sello's reference receiver answers: AR (CR in enhanced mode) when the message cannot be read or its header
 * is not supported (type, event, version, processing id); AE when it has blocking findings; AA otherwise. In
 * enhanced mode only the commit ACK is produced (CA for anything readable and supported: content errors belong to
 * the application ACK, which the reference receiver does not send), unless MSH-15 is NE, when the application ACK is
 * answered directly. MSH-15 ER/SU suppress the commit ACK on success/failure.
 */
export function referenceAck(message: string, opts: ReferenceAckOptions): ReferenceAckResult {
  const m = parseEr7(message);
  const build = { ...(opts.now ? { now: opts.now } : {}), ...(opts.controlId ? { controlId: opts.controlId } : {}), ...(opts.sender ? { sender: opts.sender } : {}) };
  const enhanced = ackMode(m) === 'enhanced';
  const accept = m.ok ? field(m, 15) : '';
  const commit = enhanced && accept !== 'NE';
  const knownCodes = new Set(Object.values(loadProfileSet(opts.profileDir).messages).map((p) => p.messageType.code));

  const seen = opts.tracker?.classify(m) ?? { status: 'unidentified' as ControlIdStatus };
  if (seen.status === 'retransmission' && seen.previous?.ack !== undefined) {
    return { ack: seen.previous.ack, code: (seen.previous.ackCode ?? 'AA') as AckCode, findings: [], duplicate: 'retransmission', process: false };
  }
  if (seen.status === 'conflict') {
    const code: AckCode = commit ? 'CR' : 'AR';
    const errors: AckError[] = [
      {
        code: '205',
        location: 'MSH-10',
        message: `El MSH-10 ${field(m, 10)} ya se usó para otro mensaje de este emisor.`,
        diagnostic: `Duplicate message control id ${field(m, 10)} with different content`,
      },
    ];
    return { ack: buildAck(m, code, errors, build), code, findings: [], duplicate: 'conflict', process: false };
  }

  const findings = m.ok ? validateParsed(m, { ...contractOf(opts), ...(opts.profile ? { profile: opts.profile } : {}) }) : m.findings;
  const blocking = findings.filter(isBlocking);
  const reject = !m.ok || blocking.some((f) => REJECTING.test(f.ruleId) || (f.ruleId === 'V2-TABLE' && /^MSH-(9|11|12)/.test(f.location)));
  let code: AckCode;
  if (commit) code = reject ? 'CR' : 'CA';
  else code = reject ? 'AR' : blocking.length > 0 ? 'AE' : 'AA';
  const errors = findingsToAckErrors(commit && !reject ? findings.filter((f) => !isBlocking(f)) : findings, {
    knownMessageCodes: knownCodes,
    ...(m.ok ? { messageCode: field(m, 9, 1) } : {}),
  });
  const positive = code === 'AA' || code === 'CA';
  const condition = commit ? accept : enhanced ? field(m, 16) : 'AL';
  const send = condition === '' || condition === 'AL' || (condition === 'ER' && !positive) || (condition === 'SU' && positive);
  const ackText = send ? buildAck(m, code, errors, build) : undefined;
  const duplicate = seen.status;
  if (opts.tracker && m.ok) opts.tracker.record(m, ackText);
  return { ack: ackText, code, findings, duplicate, process: positive && blocking.length === 0 && duplicate !== 'retransmission' };
}

/**
 * Sello's reference receiver: answers with `referenceAck`, and keeps (once) every message it accepted for
 * processing — so a retransmitted ADT^A04 registers one patient, not two.
 */
export class ReferenceReceiver {
  readonly tracker: ControlIdTracker;
  readonly processed: Er7Message[] = [];

  constructor(private readonly opts: Omit<ReferenceAckOptions, 'tracker' | 'now' | 'controlId'> & { capacity?: number }) {
    this.tracker = new ControlIdTracker(opts.capacity);
  }

  handle(message: string): string | undefined {
    const r = referenceAck(message, { ...this.opts, tracker: this.tracker });
    if (r.process) this.processed.push(parseEr7(message));
    return r.ack;
  }
}
