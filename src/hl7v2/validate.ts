/**
 * HL7 v2 message validation against a program's JSON message profiles (its `Hl7v2Contract`).
 *
 * Checks, each with its rule id (every finding has locationKind `hl7v2` and a path as `path.ts` defines):
 * - `V2-ER7` the encoding itself (from `er7.ts`);
 * - `V2-PROFILE` no profile for the message type;
 * - `V2-MSH` MSH-9 consistent with the profile's message type and structure, MSH-12 the profile's version;
 * - `V2-SEGMENT-ORDER` a known segment where the structure does not allow it; `V2-SEGMENT-UNEXPECTED` a segment
 *   the structure does not have (a warning for Z-segments); `V2-SEGMENT-MISSING` a required segment or group absent
 *   (`structure.ts`);
 * - `V2-CARDINALITY` more segments, groups or field repetitions than allowed;
 * - `V2-USAGE-R` a required (or conditionally required) field or component empty; `V2-USAGE-X` a not-supported
 *   element present; `V2-FIELD-UNKNOWN` a field beyond the ones v2.5 defines for the segment (`fields.ts`);
 * - `V2-LENGTH` longer than the maximum length (a warning unless the profile says `lengthSeverity: error`);
 * - `V2-DATATYPE` components on a primitive, too many components, bad NM/SI/DTM/DT/TM;
 * - `V2-TABLE` a coded value outside its table (error for a required binding, warning otherwise);
 * - the profile's `rules`, by the checks the program registers (`rules.ts`).
 */
import { readFile } from 'node:fs/promises';
import type { Finding } from '../findings/finding.ts';
import { type Er7Message, parseEr7, valueAt } from './er7.ts';
import { type Ctx, checkSegmentFields } from './fields.ts';
import { loadProfileSet, type MessageProfile, type ProfileSet } from './profile.ts';
import { type Hl7v2Contract, runRules } from './rules.ts';
import { checkStructure } from './structure.ts';
import { q, v2 } from './v2-finding.ts';

export interface ValidateHl7Options extends Hl7v2Contract {
  /** Message profile id (`ADT_A04`, `SIU_S12`, `ORU_R01`, `ACK`); chosen from MSH-9 when absent. */
  profile?: string;
}

/** The profile for a message: by id, else by MSH-9 (`ADT^A04` → `ADT_A04`, any `ACK^…` → `ACK`). */
export function selectProfile(message: Er7Message, set: ProfileSet, id?: string): MessageProfile | undefined {
  if (id !== undefined) return set.messages[id];
  const code = valueAt(message, { segment: 'MSH', field: 9, component: 1 });
  const event = valueAt(message, { segment: 'MSH', field: 9, component: 2 });
  return Object.values(set.messages).find((p) => p.messageType.code === code && (p.messageType.event === undefined || p.messageType.event === event));
}

function checkMsh(ctx: Ctx, message: Er7Message): void {
  const p = ctx.profile;
  const code = valueAt(message, { segment: 'MSH', field: 9, component: 1 });
  const event = valueAt(message, { segment: 'MSH', field: 9, component: 2 });
  const structure = valueAt(message, { segment: 'MSH', field: 9, component: 3 });
  const version = valueAt(message, { segment: 'MSH', field: 12, component: 1 });
  const expected = `${p.messageType.code}${p.messageType.event ? `^${p.messageType.event}` : ''}`;
  if (code !== '' && code !== p.messageType.code) {
    ctx.findings.push(
      v2('V2-MSH', 'error', 'not-supported', 'MSH-9.1', {
        en: `MSH-9.1 is ${q(code)}, but the profile ${p.id} is for ${expected} messages.`,
        es: `MSH-9.1 es ${q(code)}, pero el perfil ${p.id} es para mensajes ${expected}.`,
      }),
    );
  }
  if (p.messageType.event !== undefined && event !== '' && event !== p.messageType.event) {
    ctx.findings.push(
      v2('V2-MSH', 'error', 'not-supported', 'MSH-9.2', {
        en: `MSH-9.2 (trigger event) is ${q(event)}, but the profile ${p.id} is for ${expected}.`,
        es: `MSH-9.2 (evento) es ${q(event)}, pero el perfil ${p.id} es para ${expected}.`,
      }),
    );
  }
  if (structure !== '' && structure !== p.messageType.structure) {
    ctx.findings.push(
      v2('V2-MSH', 'error', 'not-supported', 'MSH-9.3', {
        en: `MSH-9.3 (message structure) is ${q(structure)}; ${expected} uses the structure ${p.messageType.structure} in v${p.version}.`,
        es: `MSH-9.3 (estructura del mensaje) es ${q(structure)}; ${expected} usa la estructura ${p.messageType.structure} en v${p.version}.`,
      }),
    );
  }
  if (version !== '' && version !== p.version) {
    ctx.findings.push(
      v2('V2-MSH', 'error', 'not-supported', 'MSH-12.1', {
        en: `MSH-12 (version) is ${q(version)}; the contract (${p.contract}) is HL7 v${p.version}.`,
        es: `MSH-12 (versión) es ${q(version)}; el contrato (${p.contract}) es HL7 v${p.version}.`,
      }),
    );
  }
}

/** Validates an already parsed message (its parse findings included). */
export function validateParsed(message: Er7Message, opts: ValidateHl7Options): Finding[] {
  const findings = [...message.findings];
  if (!message.ok) return findings;
  const set = loadProfileSet(opts.profileDir);
  const profile = selectProfile(message, set, opts.profile);
  if (!profile) {
    const msh9 = [1, 2, 3]
      .map((c) => valueAt(message, { segment: 'MSH', field: 9, component: c }))
      .filter((v) => v !== '')
      .join('^');
    const known = Object.keys(set.messages).join(', ');
    findings.push(
      opts.profile !== undefined
        ? v2('V2-PROFILE', 'fatal', 'not-supported', 'MSH-9', {
            en: `Unknown message profile ${q(opts.profile)}; known: ${known}.`,
            es: `Perfil de mensaje desconocido ${q(opts.profile)}; conocidos: ${known}.`,
          })
        : msh9 === ''
          ? v2('V2-PROFILE', 'error', 'required', 'MSH-9', {
              en: `MSH-9 (message type) is empty, so no profile can be chosen; known profiles: ${known}.`,
              es: `MSH-9 (tipo de mensaje) está vacío, así que no se puede elegir un perfil; perfiles conocidos: ${known}.`,
            })
          : v2('V2-PROFILE', 'error', 'not-supported', 'MSH-9', {
              en: `No profile of the contract covers the message type ${q(msh9)} (MSH-9); known profiles: ${known}.`,
              es: `Ningún perfil del contrato cubre el tipo de mensaje ${q(msh9)} (MSH-9); perfiles conocidos: ${known}.`,
            }),
    );
    return findings;
  }
  const ctx: Ctx = { set, profile, d: message.delimiters, findings, lengthSeverity: profile.lengthSeverity ?? 'warning' };
  // Appended one by one: spreading a list as long as a large message's would exceed the engine's argument limit.
  for (const f of checkStructure(message, profile)) findings.push(f);
  checkMsh(ctx, message);
  for (const seg of message.segments) if (seg.validId) checkSegmentFields(ctx, seg);
  for (const f of runRules(message, profile, opts.ruleChecks)) findings.push(f);
  return findings;
}

/** Parses and validates one ER7 message. Never throws on message content. */
export function validateHl7(message: string, opts: ValidateHl7Options): Finding[] {
  return validateParsed(parseEr7(message), opts);
}

/**
 * Validates a message file (for `sello validate x.hl7`). Read as UTF-8, or Latin-1 when the bytes are not UTF-8;
 * an MLLP frame around the message (VT … FS CR) is removed with a warning. Throws only when the file cannot be read.
 */
export async function validateHl7File(path: string, opts: ValidateHl7Options): Promise<Finding[]> {
  const bytes = await readFile(path);
  let text: string;
  const pre: Finding[] = [];
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('latin1').decode(bytes);
    pre.push(
      v2('V2-ER7', 'information', 'informational', 'MSH', {
        en: 'The file is not valid UTF-8; it was read as ISO-8859-1 (declare the character set in MSH-18).',
        es: 'El archivo no es UTF-8 válido; se leyó como ISO-8859-1 (declare el juego de caracteres en MSH-18).',
      }),
    );
  }
  const framed = /^\x0b([\s\S]*?)\x1c\r?\n?$/.exec(text);
  if (framed) {
    text = framed[1] ?? '';
    pre.push(
      v2('V2-ER7', 'warning', 'structure', 'MSH', {
        en: 'The file holds an MLLP frame (VT … FS CR); the frame bytes were removed before validation.',
        es: 'El archivo contiene un marco MLLP (VT … FS CR); se quitaron los bytes del marco antes de validar.',
      }),
    );
  }
  return [...pre, ...validateHl7(text, opts)];
}
