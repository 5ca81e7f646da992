/**
 * REMD's check of one registration (Contract v1.1, "File pull", "Metadata vs content", "Reference books", "Signatures",
 * "Errors"), shared by Sello's reference REMD (which answers the codes in its callback) and the judges (which want the
 * located findings). Stages run in the order REMD checks; the first stage that fails ends the check, as REMD refuses
 * then (so one defect gives one code: a patient without SNILS also fails the Schematron, but REMD says NO_SNILS).
 * `exhaustive` runs every stage that can run instead, for a judge that wants every defect. Where v1.1 allows several
 * readings all are accepted: SNILS with or without separators, creationDateTime with any offset (an instant), a
 * digest in base64 or hex, any book version published on or before the document's date.
 */
import { fileURLToPath } from 'node:url';
import type { Attr, Document, Element } from '@xmldom/xmldom';
import type { Finding } from '../../../src/findings/finding.ts';
import {
  type CompiledSchematron,
  compileSchematron,
  elements,
  loadSchematron,
  loadXsdSchemaSet,
  locate,
  parseXml,
  validateSchematron,
  validateXsd,
  type XsdSchemaSet,
} from '../../../src/xml/index.ts';
import { compareMetadataWithCda, isoFromTs, type MetadataField } from './cda-metadata.ts';
import type { DocumentFile } from './contract.ts';
import type { CodedValue, ReferenceBooks } from './reference-books.ts';
import type { RegisterDocumentMetadata } from './register-document.ts';
import type { Registers } from './registers.ts';
import { blank, check, digestStage, located, personalPath, type RegistrationCheck, registersStage, SEMD_PREFIXES, snilsStage, uniquenessStage } from './registration-stages.ts';
import { CDA_NS, SNILS_ROOT } from './semd-194.ts';
import { verifySemdSignatures } from './signatures.ts';

export { type RegistrationCheck, SEMD_PREFIXES } from './registration-stages.ts';

export const SEMD_194_PROFILE = fileURLToPath(new URL('../profiles/semd-194/', import.meta.url));

export interface SemdValidators {
  xsd: XsdSchemaSet;
  schematron: CompiledSchematron;
}

export interface RegistrationInput {
  metadata: RegisterDocumentMetadata;
  /** The CDA's bytes as getDocumentFile served them; without them only the registration itself is checked. */
  file?: Buffer;
  /** The detached signatures served with the file; without them the signature stage is skipped. */
  signatures?: DocumentFile['signatures'];
  registers: Registers;
  books: ReferenceBooks;
  /** Is a localUid already registered (RR-13)? */
  registered?: (localUid: string) => boolean;
  validators: SemdValidators;
  /** Run every stage that can run rather than stop at the first that fails. */
  exhaustive?: boolean;
}

let loading: Promise<SemdValidators> | undefined;

/** Kind 194's XSD set and compiled Schematron, read and compiled once per process. */
export function loadSemdValidators(dir: string = SEMD_194_PROFILE): Promise<SemdValidators> {
  if (dir !== SEMD_194_PROFILE) return loadValidators(dir);
  loading ??= loadValidators(dir).catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function loadValidators(dir: string): Promise<SemdValidators> {
  const [xsd, schematron] = await Promise.all([loadXsdSchemaSet(`${dir}/semd-194.xsd`), loadSchematron(`${dir}/semd-194.sch`).then((s) => compileSchematron(s))]);
  return { xsd, schematron };
}

type XsdDocument = { text: string; document: Document };

/** One document's XSD findings: libxml2 runs in process and keeps the compiled schema (src/xml/xsd.ts), so nothing is gained by batching. */
async function xsdFindings(doc: XsdDocument, schema: XsdSchemaSet): Promise<Finding[]> {
  return (await validateXsd([doc], schema, SEMD_PREFIXES))[0] ?? [];
}

/** Kind 194's Schematron asserts on a SNILS's digits and check number (patient, staff): RR-02, not RR-01. */
const SNILS_ASSERTS: ReadonlySet<string> = new Set(['RU194-32', 'RU194-42']);

/** RR-01: well-formed, then the kind's XSD, then its Schematron; warnings do not refuse. */
async function xmlStage(parsed: ReturnType<typeof parseXml>, validators: SemdValidators): Promise<{ checks: RegistrationCheck[]; document?: Document }> {
  let failed = parsed.findings.filter((f) => f.severity === 'error' || f.severity === 'fatal');
  const document = parsed.document;
  if (document && failed.length === 0) {
    const doc = { text: parsed.text, document };
    const xsd = await xsdFindings(doc, validators.xsd);
    failed = [...xsd, ...validateSchematron(validators.schematron, doc, SEMD_PREFIXES)].filter((f) => f.severity === 'error' || f.severity === 'fatal');
  }
  if (failed.length === 0) return { checks: [], document };
  const first = failed[0] as Finding;
  const at = `${first.location || '/'}${first.position ? ` (line ${first.position.line}, column ${first.position.column})` : ''}`;
  const atRu = `${first.location || '/'}${first.position ? ` (строка ${first.position.line}, столбец ${first.position.column})` : ''}`;
  const more = failed.length > 1 ? { ru: `; ещё нарушений: ${failed.length - 1}`, en: `; ${failed.length - 1} more` } : { ru: '', en: '' };
  const message = {
    ru: `СЭМД не прошел проверку XSD или Schematron: ${first.ruleId}: ${first.message.ru ?? first.message.en} — ${atRu}${more.ru}`,
    en: `The SEMD fails its XSD or Schematron: ${first.ruleId}: ${first.message.en} at ${at}${more.en}`,
  };
  // A SNILS check number is RR-02's, wherever it is written: the check stays REMD's XML_VALIDATION_ERROR, its finding RR-02.
  const findings = failed.map((f) => ({
    ...f,
    ruleId: SNILS_ASSERTS.has(f.ruleId) ? 'RR-02' : 'RR-01',
    message: { en: `${f.ruleId}: ${f.message.en}`, ...(f.message.ru ? { ru: `${f.ruleId}: ${f.message.ru}` } : {}) },
  }));
  return { checks: [{ code: 'XML_VALIDATION_ERROR', rule: 'RR-01', message, findings }], document };
}

const cdaRoot = (d: Document): Element | undefined => (d.documentElement?.namespaceURI === CDA_NS && d.documentElement.localName === 'ClinicalDocument' ? d.documentElement : undefined);
const child = (e: Element | undefined, local: string, ns = CDA_NS): Element | undefined => {
  for (let c = e?.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === local) return c as Element;
  return undefined;
};

/** The document's own calendar date (YYYY-MM-DD as written, in its own offset): the registration's, else the CDA's. */
function documentDate(m: RegisterDocumentMetadata, document: Document | undefined): string | undefined {
  const own = /^(\d{4}-\d{2}-\d{2})/.exec(m.creationDateTime ?? '')?.[1];
  if (own) return own;
  const ts = child(document ? cdaRoot(document) : undefined, 'effectiveTime')?.getAttribute('value');
  return ts ? /^(\d{4}-\d{2}-\d{2})/.exec(isoFromTs(ts.slice(0, 8)))?.[1] : undefined;
}

/** RR-07: the registered kind is valid on the document's date (both ends inclusive). */
function kindStage(m: RegisterDocumentMetadata, date: string | undefined, books: ReferenceBooks): RegistrationCheck[] {
  if (!date) return [];
  const answer = books.kindValidOn(m.kind, date);
  if (answer.valid) return [];
  return [
    check('NO_DOCUMENT_KIND_ON_DATE', 'RR-07', { ru: `${answer.message.ru ?? answer.message.en} (kind, creationDateTime)`, en: `${answer.message.en} (kind, creationDateTime)` }, [
      { metadata: 'svc:kind' },
    ]),
  ];
}

/** RR-11: every coded value of a book Sello has is right for its version (books Sello was not given are not judged). */
function booksStage(document: Document, date: string | undefined, books: ReferenceBooks): RegistrationCheck[] {
  const out: RegistrationCheck[] = [];
  for (const e of elements(document)) {
    const codeSystem = e.getAttribute('codeSystem');
    if (!codeSystem || !books.book(codeSystem)) continue;
    const value: CodedValue = { code: e.getAttribute('code') ?? '', codeSystem };
    if (e.hasAttribute('codeSystemVersion')) value.codeSystemVersion = e.getAttribute('codeSystemVersion') ?? '';
    if (e.hasAttribute('displayName')) value.displayName = e.getAttribute('displayName') ?? '';
    const answer = books.checkCode(value, date);
    if (answer.ok) continue;
    const node = answer.error === 'INVALID_DICTIONARY_VERSION' ? (e.getAttributeNode('codeSystemVersion') ?? e) : (e.getAttributeNode('code') ?? e);
    const where = locate(node as never, SEMD_PREFIXES).location;
    out.push(check(answer.error, 'RR-11', { ru: `${answer.message.ru ?? answer.message.en} (${where})`, en: `${answer.message.en} (${where})` }, [{ node }]));
  }
  return out;
}

const FIELD_NAMES: Record<MetadataField, { ru: string; en: string }> = {
  localUid: { ru: 'идентификатор документа', en: 'document id' },
  kind: { ru: 'вид документа', en: 'document kind' },
  creationDateTime: { ru: 'дата создания документа', en: 'creation date' },
  organization: { ru: 'медицинская организация', en: 'medical organization' },
  department: { ru: 'подразделение', en: 'department' },
  'patient.snils': { ru: 'СНИЛС пациента', en: "patient's SNILS" },
  'patient.family': { ru: 'фамилия пациента', en: "patient's family name" },
  'patient.given': { ru: 'имя пациента', en: "patient's given name" },
  'patient.patronymic': { ru: 'отчество пациента', en: "patient's patronymic" },
  'patient.birthDate': { ru: 'дата рождения пациента', en: "patient's birth date" },
  'patient.gender': { ru: 'пол пациента', en: "patient's gender" },
  'personals.AUTHOR.snils': { ru: 'СНИЛС автора', en: "author's SNILS" },
  'personals.LEGAL_AUTHENTICATOR.snils': { ru: 'СНИЛС лица, придающего юридическую силу', en: "legal authenticator's SNILS" },
};

const metadataPath = (field: MetadataField, m: RegisterDocumentMetadata): string => {
  if (field.startsWith('personals.'))
    return personalPath(
      Math.max(
        0,
        (m.personals ?? []).findIndex((p) => p.role === field.split('.')[1]),
      ),
    );
  return field
    .split('.')
    .map((s) => `svc:${s}`)
    .join('/');
};

/** RR-03: each field on which the registration and the CDA disagree is a VALIDATION_ERROR naming it. */
function metadataStage(m: RegisterDocumentMetadata, document: Document, books: ReferenceBooks): RegistrationCheck[] {
  return compareMetadataWithCda(m, document, books).map(({ field, metadata, cda, node }) => {
    const name = FIELD_NAMES[field];
    const shown = (v: string | undefined): string => (v === undefined ? '—' : `«${v}»`);
    return check(
      'VALIDATION_ERROR',
      'RR-03',
      {
        ru: `Поле ${field} (${name.ru}) в метаданных ${shown(metadata)} не совпадает с СЭМД ${shown(cda)}.`,
        en: `Field ${field} (${name.en}) is ${shown(metadata)} in the metadata but ${shown(cda)} in the SEMD.`,
      },
      node ? [{ node: node as unknown as Attr }, { metadata: metadataPath(field, m) }] : [{ metadata: metadataPath(field, m) }],
    );
  });
}

/** SNILS of the CDA's author and legal authenticator (the doctor's certificate may name either). */
function cdaDoctors(document: Document | undefined): string[] {
  const root = document ? cdaRoot(document) : undefined;
  const out: string[] = [];
  for (const [tag, entity] of [
    ['author', 'assignedAuthor'],
    ['legalAuthenticator', 'assignedEntity'],
  ] as const) {
    for (let c = child(child(root, tag), entity)?.firstChild; c; c = c.nextSibling) {
      const e = c as Element;
      if (c.nodeType === 1 && e.localName === 'id' && e.getAttribute('root') === SNILS_ROOT && e.getAttribute('extension')) out.push(e.getAttribute('extension') as string);
    }
  }
  return out;
}

/** RR-04, through lib/signatures.ts; located on the getDocumentFile answer's signature items. */
function signatureStage(input: RegistrationInput, file: Buffer, document: Document | undefined): RegistrationCheck[] {
  const m = input.metadata;
  const when = Date.parse(m.creationDateTime);
  const on = Number.isNaN(when) ? new Date() : new Date(when);
  const organizationOgrn = input.registers.organization(m.organization)?.ogrn;
  const doctorSnils = [...(m.personals ?? []).map((p) => p.snils).filter((s) => !blank(s)), ...cdaDoctors(document)];
  return verifySemdSignatures(file, input.signatures ?? [], { doctorSnils, on, ...(organizationOgrn ? { organizationOgrn } : {}) }).map((s) => ({
    code: s.code,
    rule: s.rule,
    message: s.message,
    findings: [
      {
        ...located(s.rule, s.code, s.message, { metadata: '' }),
        location: `/cb:getDocumentFileResponse/cb:signatures${s.role ? `/cb:item[cb:role='${s.role}']` : ''}`,
      },
    ],
  }));
}

/**
 * One check per code, as REMD's callback lists one error item per code: the texts of the same code joined (each names
 * its field or place), every finding kept (a doctor's SNILS written twice is one error, found twice).
 */
function merged(checks: RegistrationCheck[]): RegistrationCheck[] {
  const out: RegistrationCheck[] = [];
  for (const c of checks) {
    const same = out.find((o) => o.code === c.code);
    if (!same) out.push({ ...c, message: { ...c.message }, findings: [...c.findings] });
    else {
      if (!same.message.en.includes(c.message.en)) same.message = { ru: `${same.message.ru} ${c.message.ru}`, en: `${same.message.en} ${c.message.en}` };
      same.findings.push(...c.findings);
    }
  }
  return out;
}

/**
 * REMD's checks of one registration, in its order: metadata SNILS (RR-02), FRMO/FRMR (RR-12), uniqueness (RR-13),
 * digest (RR-06), XSD and Schematron (RR-01), kind on date (RR-07), books (RR-11), metadata vs CDA (RR-03),
 * signatures (RR-04). Empty: REMD registers it. Never throws for anything in the input.
 */
export async function checkRegistration(input: RegistrationInput): Promise<RegistrationCheck[]> {
  const { metadata: m, file, books } = input;
  const out: RegistrationCheck[] = [];
  const stop = (): boolean => !input.exhaustive && out.length > 0;
  out.push(...snilsStage(m));
  if (!stop()) out.push(...registersStage(m, input.registers));
  if (!stop()) out.push(...uniquenessStage(m, input.registered));
  if (stop() || file === undefined) return merged(out);
  out.push(...digestStage(m, file));
  if (stop()) return merged(out);
  const xml = await xmlStage(parseXml(file), input.validators);
  out.push(...xml.checks);
  const document = xml.document;
  const date = documentDate(m, document);
  if (!stop()) out.push(...kindStage(m, date, books));
  if (!stop() && document) out.push(...booksStage(document, date, books));
  if (!stop() && document) out.push(...metadataStage(m, document, books));
  if (!stop() && input.signatures !== undefined) out.push(...signatureStage(input, file, document));
  return merged(out);
}

/** Many registrations at once (a judge's run, a bench): checked side by side, their XSD validation in one call. */
export function checkRegistrations(inputs: readonly RegistrationInput[]): Promise<RegistrationCheck[][]> {
  return Promise.all(inputs.map((input) => checkRegistration(input)));
}
