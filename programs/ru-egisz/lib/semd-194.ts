/**
 * Synthetic SEMD of kind 194 ("medical conclusion of a preliminary (periodic) medical examination", redaction 2): the
 * facts of one examination from a seed (generateSemd194), and their CDA R2 text (semd194Xml), coded from the
 * reference books so that every codeSystemVersion and displayName is the book's. register-document.ts derives the
 * registration metadata from the same facts, so RR-03 has both sides.
 */
import { generateEnp } from '../../../src/identifiers/ru/index.ts';
import type { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import type { KindEntry, ReferenceBooks } from './reference-books.ts';
import { dateBetween, localIdRoot, type SyntheticClinic, type SyntheticPerson, syntheticClinic, syntheticPassport, syntheticPerson } from './synthetic.ts';
import { type TextElement, writeDocument, x } from './xml-text.ts';

export const SEMD_194_KIND = '194';
export const CDA_NS = 'urn:hl7-org:v3';
export const IDENTITY_NS = 'urn:hl7-ru:identity';
export const SNILS_ROOT = '1.2.643.100.3';
/** The Ministry (EGISZ) as the mandatory information recipient of a SEMD. */
export const EGISZ_RECIPIENT_OID = '1.2.643.5.1.13';
/** Moscow time: synthetic documents are written at +03:00. */
const OFFSET = '+03:00';

export const BOOK = {
  documentType: '1.2.643.5.1.13.13.99.2.1079',
  gender: '1.2.643.5.1.13.13.11.1040',
  position: '1.2.643.5.1.13.13.11.1002',
  identityDocument: '1.2.643.5.1.13.13.99.2.48',
  insurancePolicy: '1.2.643.5.1.13.13.11.1035',
  confidentiality: '1.2.643.5.1.13.13.99.2.285',
  section: '1.2.643.5.1.13.13.99.2.197',
} as const;

export interface Semd194Patient extends SyntheticPerson {
  /** Extension of the MIS-local patient id (root `….10`). */
  localId: string;
  enp: string;
  passport: ReturnType<typeof syntheticPassport>;
}
export interface Semd194Doctor extends SyntheticPerson {
  /** Extension of the MIS-local staff id (root `….70`). */
  localId: string;
  /** Code in the positions book. */
  position: string;
}

export interface Semd194 {
  kind: KindEntry;
  clinic: SyntheticClinic;
  /** ClinicalDocument/id/@extension: the registration's localUid. */
  localUid: string;
  setId: string;
  versionNumber: number;
  /** ISO 8601 with offset, to the second: ClinicalDocument/effectiveTime and the registration's creationDateTime. */
  createdAt: string;
  examination: { periodic: boolean; from: string; to: string; employer: string; occupation: string };
  patient: Semd194Patient;
  doctor: Semd194Doctor;
  /** Fit for the work (no contraindications found) or not. */
  fit: boolean;
}

const EMPLOYERS = ['ООО «Синтетика и партнёры»', 'АО «Тестовый завод № 1»', 'ООО «Рога & Копыта»'];
const OCCUPATIONS = ['оператор станков с ЧПУ', 'водитель погрузчика', 'лаборант химического анализа', 'электромонтёр'];

/**
 * One kind-194 examination: a clinic, its patient and doctor, a creation date inside the kind's window (or on
 * `createdOn`, to build a document outside it on purpose).
 */
export function generateSemd194(rng: SeededRandom, books: ReferenceBooks, options: { createdOn?: string } = {}): Semd194 {
  const kind = books.kind(SEMD_194_KIND);
  if (!kind) throw new RangeError(`the kinds book has no kind ${SEMD_194_KIND}`);
  const clinic = syntheticClinic(rng.fork('clinic'));
  const day = options.createdOn ?? dateBetween(rng.fork('date'), kind.validFrom, kind.validTo ?? kind.validFrom);
  const time = `${String(rng.int(8, 17)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}:${String(rng.int(0, 59)).padStart(2, '0')}`;
  const from = new Date(Date.parse(`${day}T00:00:00Z`) - rng.int(0, 14) * 86_400_000).toISOString().slice(0, 10);
  const person = syntheticPerson(rng.fork('patient'), { bornFrom: '1960-01-01', bornTo: '2004-12-31' });
  const doctor = syntheticPerson(rng.fork('doctor'), { bornFrom: '1955-01-01', bornTo: '1990-12-31' });
  const positions = books.current(BOOK.position).entries.map((e) => e.code);
  return {
    kind,
    clinic,
    localUid: rng.uuid(),
    setId: rng.uuid(),
    versionNumber: 1,
    createdAt: `${day}T${time}${OFFSET}`,
    examination: { periodic: rng.int(0, 1) === 1, from, to: day, employer: rng.pick(EMPLOYERS), occupation: rng.pick(OCCUPATIONS) },
    patient: { ...person, localId: String(rng.int(1, 9_999_999)), enp: generateEnp(rng.fork('enp')), passport: syntheticPassport(rng.fork('passport'), person.birthDate) },
    doctor: { ...doctor, localId: String(rng.int(1, 99_999)), position: rng.pick(positions) },
    fit: rng.int(0, 4) !== 0,
  };
}

/** `2023-10-15T10:30:00+03:00` → `20231015103000+0300`; `2023-10-15` → `20231015`. */
export function cdaTs(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})([+-])(\d{2}):(\d{2}))?$/.exec(iso);
  if (!m) throw new RangeError(`cdaTs: not a date or a date-time with offset: ${iso}`);
  return m[4] === undefined ? `${m[1]}${m[2]}${m[3]}` : `${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}${m[6]}${m[7]}${m[8]}${m[9]}`;
}

const ruDate = (d: string): string => `${d.slice(8, 10)}.${d.slice(5, 7)}.${d.slice(0, 4)}`;

/** A coded element with every attribute from the book. */
function coded(name: string, books: ReferenceBooks, oid: string, code: string, typed = false): TextElement {
  const c = books.coded(oid, code);
  return x(name, [
    ['xsi:type', typed ? 'CD' : undefined],
    ['code', c.code],
    ['codeSystem', c.codeSystem],
    ['codeSystemVersion', c.codeSystemVersion],
    ['codeSystemName', c.codeSystemName],
    ['displayName', c.displayName],
  ]);
}

const name = (p: SyntheticPerson): TextElement => x('name', [], [x('family', [], p.family), x('given', [], p.given), x('identity:Patronymic', [], p.patronymic)]);
const organization = (tag: string, clinic: SyntheticClinic): TextElement => x(tag, [], [x('id', [['root', clinic.moOid]]), x('name', [], clinic.name)]);

function staff(tag: string, doc: Semd194, books: ReferenceBooks, time: TextElement[]): TextElement {
  const entity = tag === 'author' ? 'assignedAuthor' : 'assignedEntity';
  return x(
    tag,
    [],
    [
      ...time,
      x(
        entity,
        [],
        [
          x('id', [
            ['root', localIdRoot(doc.clinic, 70)],
            ['extension', doc.doctor.localId],
          ]),
          x('id', [
            ['root', SNILS_ROOT],
            ['extension', doc.doctor.snils],
          ]),
          coded('code', books, BOOK.position, doc.doctor.position),
          x('assignedPerson', [], [name(doc.doctor)]),
          organization('representedOrganization', doc.clinic),
        ],
      ),
    ],
  );
}

function section(books: ReferenceBooks, code: string, title: string, paragraphs: string[]): TextElement {
  return x(
    'component',
    [],
    [
      x(
        'section',
        [],
        [
          coded('code', books, BOOK.section, code),
          x('title', [], title),
          x(
            'text',
            [],
            paragraphs.map((p) => x('paragraph', [], p)),
          ),
        ],
      ),
    ],
  );
}

/** The CDA R2 text of a kind-194 SEMD. */
export function semd194Xml(doc: Semd194, books: ReferenceBooks): string {
  const { clinic, patient, examination } = doc;
  const created = cdaTs(doc.createdAt);
  const type = books.coded(BOOK.documentType, doc.kind.documentType);
  const conclusion = doc.fit ? 'Медицинские противопоказания к работе не выявлены.' : `Выявлены медицинские противопоказания к работе (${examination.occupation}); острота зрения < 0,5 с коррекцией.`;
  return writeDocument(
    x(
      'ClinicalDocument',
      [
        ['xmlns', CDA_NS],
        ['xmlns:xsi', 'http://www.w3.org/2001/XMLSchema-instance'],
        ['xmlns:identity', IDENTITY_NS],
      ],
      [
        x('realmCode', [['code', 'RU']]),
        x('typeId', [
          ['root', '2.16.840.1.113883.1.3'],
          ['extension', 'POCD_MT000040'],
        ]),
        x('templateId', [['root', doc.kind.templateId]]),
        x('id', [
          ['root', localIdRoot(clinic, 51)],
          ['extension', doc.localUid],
        ]),
        coded('code', books, BOOK.documentType, doc.kind.documentType),
        x('title', [], type.displayName),
        x('effectiveTime', [['value', created]]),
        coded('confidentialityCode', books, BOOK.confidentiality, 'N'),
        x('languageCode', [['code', 'ru-RU']]),
        x('setId', [
          ['root', localIdRoot(clinic, 50)],
          ['extension', doc.setId],
        ]),
        x('versionNumber', [['value', String(doc.versionNumber)]]),
        x(
          'recordTarget',
          [],
          [
            x(
              'patientRole',
              [],
              [
                x('id', [
                  ['root', localIdRoot(clinic, 10)],
                  ['extension', patient.localId],
                ]),
                x('id', [
                  ['root', SNILS_ROOT],
                  ['extension', patient.snils],
                ]),
                x(
                  'identity:IdentityDoc',
                  [],
                  [
                    coded('identity:IdentityCardType', books, BOOK.identityDocument, '1', true),
                    x('identity:Series', [['xsi:type', 'ST']], patient.passport.series),
                    x('identity:Number', [['xsi:type', 'ST']], patient.passport.number),
                    x('identity:IssueOrgName', [['xsi:type', 'ST']], patient.passport.issuedBy),
                    x('identity:IssueOrgCode', [['xsi:type', 'ST']], patient.passport.issuerCode),
                    x('identity:IssueDate', [
                      ['xsi:type', 'TS'],
                      ['value', cdaTs(patient.passport.issueDate)],
                    ]),
                  ],
                ),
                x('identity:InsurancePolicy', [], [coded('identity:InsurancePolicyType', books, BOOK.insurancePolicy, '3', true), x('identity:Number', [['xsi:type', 'ST']], patient.enp)]),
                x('patient', [], [name(patient), coded('administrativeGenderCode', books, BOOK.gender, patient.gender), x('birthTime', [['value', cdaTs(patient.birthDate)]])]),
                organization('providerOrganization', clinic),
              ],
            ),
          ],
        ),
        staff('author', doc, books, [x('time', [['value', created]])]),
        x('custodian', [], [x('assignedCustodian', [], [organization('representedCustodianOrganization', clinic)])]),
        x(
          'informationRecipient',
          [],
          [x('intendedRecipient', [], [x('receivedOrganization', [], [x('id', [['root', EGISZ_RECIPIENT_OID]]), x('name', [], 'Министерство здравоохранения Российской Федерации')])])],
        ),
        staff('legalAuthenticator', doc, books, [x('time', [['value', created]]), x('signatureCode', [['code', 'S']])]),
        x(
          'componentOf',
          [],
          [
            x(
              'encompassingEncounter',
              [],
              [
                x('effectiveTime', [], [x('low', [['value', cdaTs(examination.from)]]), x('high', [['value', cdaTs(examination.to)]])]),
                x('location', [], [x('healthCareFacility', [], [x('serviceProviderOrganization', [], [x('id', [['root', clinic.department.oid]]), x('name', [], clinic.department.name)])])]),
              ],
            ),
          ],
        ),
        x(
          'component',
          [],
          [
            x(
              'structuredBody',
              [],
              [
                section(books, 'DOCINFO', 'Сведения о документе', [
                  `Вид осмотра: ${examination.periodic ? 'периодический' : 'предварительный'}.`,
                  `Период осмотра: с ${ruDate(examination.from)} по ${ruDate(examination.to)}.`,
                  `Место работы: ${examination.employer}; должность (профессия): ${examination.occupation}.`,
                ]),
                section(books, 'RESINFO', 'Заключение', [conclusion]),
              ],
            ),
          ],
        ),
      ],
    ),
  );
}
