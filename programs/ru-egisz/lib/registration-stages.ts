/**
 * The stages of REMD's check that need no parsed CDA (the registration's SNILS, FRMO/FRMR, uniqueness, the file's
 * digest) and the helpers every stage builds its checks with; semd-check.ts runs them in REMD's order.
 */
import type { Attr, Element } from '@xmldom/xmldom';
import type { Finding, IssueCode, LocalizedText } from '../../../src/findings/finding.ts';
import { snilsDigits, validateSnils } from '../../../src/identifiers/ru/snils.ts';
import { locate } from '../../../src/xml/index.ts';
import type { RegisterDocumentMetadata } from './register-document.ts';
import { sha256Base64 } from './register-document.ts';
import type { Registers } from './registers.ts';
import { CDA_NS, IDENTITY_NS } from './semd-194.ts';

/** Prefixes of the XPaths findings carry: the CDA's, and `svc:` for the registration's own fields. */
export const SEMD_PREFIXES = { [CDA_NS]: 'hl7', [IDENTITY_NS]: 'identity' } as const;
const METADATA_ROOT = '/svc:registerDocument';

export interface RegistrationCheck {
  /** A code of classifier 1.2.643.5.1.13.13.99.2.305. */
  code: string;
  /** The rule it judges (RR-nn). */
  rule: string;
  message: { ru: string; en: string };
  /** Located in the CDA (XPath, line and column) or in the registration (`/svc:registerDocument/…`). */
  findings: Finding[];
}

// ── building checks ──────────────────────────────────────────────────────────────────────────────────────────────

const ISSUE: Record<string, IssueCode> = {
  NO_SNILS: 'required',
  ORG_NOT_FOUND_IN_FRMO: 'not-found',
  PERSON_NOT_FOUND: 'not-found',
  NOT_UNIQUE_PROVIDED_ID: 'duplicate',
  UNKNOWN_ALGORITHM: 'not-supported',
  NO_DOCUMENT_KIND_ON_DATE: 'business-rule',
  INVALID_DICTIONARY_VERSION: 'code-invalid',
  INVALID_ELEMENT_VALUE_CODE: 'code-invalid',
  NO_SIGNATURE: 'security',
  SIGNATURE_VERIFICATION_ERROR: 'security',
  VALUE_MISMATCH_METADATA_AND_CERTIFICATE: 'security',
};

export type Place = { node: Attr | Element } | { metadata: string };

export function located(rule: string, code: string, message: LocalizedText, place: Place): Finding {
  const where = 'node' in place ? locate(place.node as never, SEMD_PREFIXES) : { location: `${METADATA_ROOT}/${place.metadata}` };
  return { ruleId: rule, severity: 'error', code: ISSUE[code] ?? 'value', location: where.location, locationKind: 'xpath', ...(where.position ? { position: where.position } : {}), message };
}

export const check = (code: string, rule: string, message: { ru: string; en: string }, places: Place[]): RegistrationCheck => ({
  code,
  rule,
  message,
  findings: places.map((p) => located(rule, code, message, p)),
});

// ── the registration alone ───────────────────────────────────────────────────────────────────────────────────────

export const personalPath = (i: number): string => `svc:personals/svc:item[${i + 1}]/svc:snils`;
export const blank = (s: string | undefined): boolean => s === undefined || s.trim() === '';

/** RR-02: every SNILS the registration names is there and has its check number. */
export function snilsStage(m: RegisterDocumentMetadata): RegistrationCheck[] {
  const out: RegistrationCheck[] = [];
  const personals = m.personals ?? [];
  if (blank(m.patient?.snils))
    out.push(check('NO_SNILS', 'RR-02', { ru: 'Не указан СНИЛС пациента (patient.snils).', en: "The patient's SNILS (patient.snils) is missing." }, [{ metadata: 'svc:patient/svc:snils' }]));
  const missing = personals.flatMap((p, i) => (blank(p.snils) ? [i] : []));
  if (personals.length === 0)
    out.push(check('NO_SNILS', 'RR-02', { ru: 'Не указан ни один сотрудник со СНИЛС (personals).', en: 'No employee with a SNILS is given (personals).' }, [{ metadata: 'svc:personals' }]));
  for (const i of missing) {
    const role = personals[i]?.role ?? '?';
    out.push(
      check('NO_SNILS', 'RR-02', { ru: `Не указан СНИЛС сотрудника (personals, роль ${role}).`, en: `The SNILS of the employee with role ${role} (personals) is missing.` }, [
        { metadata: personalPath(i) },
      ]),
    );
  }
  for (const [i, p] of personals.entries()) {
    if (blank(p.snils)) continue;
    const wrong = validateSnils(p.snils)[0];
    if (wrong) {
      const why = wrong.message;
      out.push(
        check(
          'INVALID_DOCTOR_SNILS',
          'RR-02',
          { ru: `Неверный СНИЛС врача ${p.snils} (personals, роль ${p.role}): ${why.ru}`, en: `The doctor's SNILS ${p.snils} (personals, role ${p.role}) is wrong: ${why.en}` },
          [{ metadata: personalPath(i) }],
        ),
      );
    }
  }
  if (!blank(m.patient?.snils)) {
    const wrong = validateSnils(m.patient.snils)[0];
    if (wrong) {
      out.push(
        check(
          'VALIDATION_ERROR',
          'RR-02',
          {
            ru: `Поле patient.snils (СНИЛС пациента) ${m.patient.snils} неверно: ${wrong.message.ru}`,
            en: `Field patient.snils (the patient's SNILS) ${m.patient.snils} is wrong: ${wrong.message.en}`,
          },
          [{ metadata: 'svc:patient/svc:snils' }],
        ),
      );
    }
  }
  return out;
}

/**
 * RR-12: FRMO knows the organization, FRMR each of its employees. The department is not looked up: v1.1 ties
 * ORG_NOT_FOUND_IN_FRMO to the organization, and a department that differs from the CDA is RR-03's VALIDATION_ERROR.
 */
export function registersStage(m: RegisterDocumentMetadata, registers: Registers): RegistrationCheck[] {
  const org = registers.organization(m.organization);
  if (!org) {
    return [
      check(
        'ORG_NOT_FOUND_IN_FRMO',
        'RR-12',
        { ru: `Медицинская организация ${m.organization} не найдена в ФРМО (organization).`, en: `The medical organization ${m.organization} is not in FRMO (organization).` },
        [{ metadata: 'svc:organization' }],
      ),
    ];
  }
  const out: RegistrationCheck[] = [];
  const absent = new Map<string, number[]>();
  for (const [i, p] of (m.personals ?? []).entries())
    if (!registers.employee(org.oid, p.snils)) absent.set(snilsDigits(p.snils) ?? p.snils, [...(absent.get(snilsDigits(p.snils) ?? p.snils) ?? []), i]);
  for (const [snils, at] of absent) {
    out.push(
      check(
        'PERSON_NOT_FOUND',
        'RR-12',
        { ru: `Сотрудник со СНИЛС ${snils} не найден в ФРМР организации ${org.oid} (personals).`, en: `No employee with SNILS ${snils} is in FRMR for organization ${org.oid} (personals).` },
        at.map((i) => ({ metadata: personalPath(i) })),
      ),
    );
  }
  return out;
}

export function uniquenessStage(m: RegisterDocumentMetadata, registered: ((localUid: string) => boolean) | undefined): RegistrationCheck[] {
  if (!registered?.(m.localUid)) return [];
  return [
    check('NOT_UNIQUE_PROVIDED_ID', 'RR-13', { ru: `Документ с localUid ${m.localUid} уже зарегистрирован.`, en: `A document with localUid ${m.localUid} is already registered.` }, [
      { metadata: 'svc:localUid' },
    ]),
  ];
}

// ── the file ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** Spellings of SHA-256 a registration may use: the name, without the hyphen, or XML Encryption's URI. */
const SHA256_NAMES = /^(sha-?256|http:\/\/www\.w3\.org\/2001\/04\/xmlenc#sha256)$/i;

/** RR-06: the file served is the file registered (SHA-256; GOST and anything else is UNKNOWN_ALGORITHM). */
export function digestStage(m: RegisterDocumentMetadata, file: Buffer): RegistrationCheck[] {
  const algorithm = (m.digest?.algorithm ?? '').trim();
  if (!SHA256_NAMES.test(algorithm)) {
    return [
      check(
        'UNKNOWN_ALGORITHM',
        'RR-06',
        {
          ru: `Алгоритм дайджеста «${algorithm}» не поддерживается (digest.algorithm); поддерживается SHA-256.`,
          en: `Digest algorithm "${algorithm}" is not supported (digest.algorithm); SHA-256 is.`,
        },
        [{ metadata: 'svc:digest/svc:algorithm' }],
      ),
    ];
  }
  const actual = sha256Base64(file);
  const given = (m.digest?.value ?? '').replace(/\s+/g, '');
  const same = /^[0-9a-f]{64}$/i.test(given) ? Buffer.from(given, 'hex').toString('base64') === actual : Buffer.from(given, 'base64').toString('base64') === actual;
  if (same) return [];
  return [
    check(
      'DIGEST_MISMATCH',
      'RR-06',
      {
        ru: `Дайджест полученного файла (${actual}) не совпадает с зарегистрированным (digest.value ${given || '—'}).`,
        en: `The pulled file's SHA-256 (${actual}) differs from the registered digest.value (${given || '—'}).`,
      },
      [{ metadata: 'svc:digest/svc:value' }],
    ),
  ];
}
