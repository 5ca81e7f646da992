/**
 * The mx-ece wire contract (profiles/CONTRACT.md) as constants and types: the reference roles, Sello's stand-ins and
 * the judges must agree on every path, header and system URI, so each is written here once.
 */

export const ECE_ROLES = ['imss-ece', 'issste', 'imss-bienestar', 'ssa-pgs'] as const;
export type EceRole = (typeof ECE_ROLES)[number];

export const RECEIVER_ROLES = ['issste', 'imss-bienestar'] as const;
export type ReceiverRole = (typeof RECEIVER_ROLES)[number];

/** Institution codes carried in `X-Institucion` and in a consent's recipient. */
export type Institution = 'IMSS' | 'ISSSTE' | 'IMSS-BIENESTAR' | 'SSA';
export const INSTITUTION_OF: Readonly<Record<EceRole, Institution>> = {
  'imss-ece': 'IMSS',
  issste: 'ISSSTE',
  'imss-bienestar': 'IMSS-BIENESTAR',
  'ssa-pgs': 'SSA',
};

/**
 * Journal parties are role ids (the report matches a party to the role it plays by name); requests carry the
 * institution code in `X-Institucion`, which names the sending role.
 */
export function roleOfInstitution(code: string | undefined): EceRole | undefined {
  const c = code?.trim().toUpperCase();
  return ECE_ROLES.find((r) => INSTITUTION_OF[r] === c);
}

/** Default ports of `sello mocks --program mx-ece` (mx-pgs 7101…, pe-ris 7201…, ru-egisz 7301…). */
export const DEFAULT_PORTS: Readonly<Record<EceRole, number>> = { 'imss-ece': 7401, issste: 7402, 'imss-bienestar': 7403, 'ssa-pgs': 7404 };

export const HEADER = { institution: 'x-institucion', messageId: 'x-message-id' } as const;

/**
 * Sello's own imss-ece marks an answer that carries a stimulus (a defect planted to see how a receiver under test
 * reacts) with this header; judges honour it only when imss-ece is not the system under test.
 */
export const STIMULUS_HEADER = 'x-sello-estimulo';

export const SYSTEM = {
  curp: 'urn:oid:2.16.840.1.113883.4.629',
  clues: 'urn:oid:2.16.840.1.113883.4.631',
  cie10: 'http://hl7.org/fhir/sid/icd-10',
  loinc: 'http://loinc.org',
  ucum: 'http://unitsofmeasure.org',
  cnis: 'urn:sello:mx-ece:cnis',
  institution: 'urn:sello:mx-ece:institucion',
  /** OperationOutcome.issue.details.coding of a refusal names the rule here (code `RE-nn`). */
  rules: 'http://sello.example/fhir/mx-ece/CodeSystem/reglas',
} as const;

export const OID = {
  curp: '2.16.840.1.113883.4.629',
  clues: '2.16.840.1.113883.4.631',
  giisA001Template: '2.16.840.1.113883.3.215.11.1.1',
} as const;

export const PROFILE_BASE = 'http://sello.example/fhir/mx-ece/StructureDefinition/';
export const PROFILE = {
  patient: `${PROFILE_BASE}PacienteMx`,
  bundle: `${PROFILE_BASE}ExpedienteBundle`,
  condition: `${PROFILE_BASE}CondicionMx`,
  encounter: `${PROFILE_BASE}EncuentroMx`,
  medicationRequest: `${PROFILE_BASE}PrescripcionMx`,
  observation: `${PROFILE_BASE}LaboratorioMx`,
  note: `${PROFILE_BASE}NotaMedicaMx`,
  cdaSummary: `${PROFILE_BASE}ResumenCdaMx`,
  consent: `${PROFILE_BASE}ConsentimientoMx`,
} as const;

/** Paths under a role's base URL. */
export const PATH = {
  /** imss-ece: FHIR base. */
  fhir: '/fhir',
  everything: '/fhir/Patient/$everything',
  export: '/fhir/Patient/$export',
  /** ssa-pgs: mx-pgs's consulta and the consent registry. */
  padron: (curp: string) => `/pgs/v1/beneficiarios/${encodeURIComponent(curp)}`,
  consent: (id: string) => `/fhir/Consent/${encodeURIComponent(id)}`,
  consentSearch: '/fhir/Consent',
  /** Control APIs (test equipment), under a role's `controlUrl`; Sello's reference roles serve them at `/control`. */
  control: '/control',
  loadRecord: '/expedientes',
  loadBeneficiario: '/beneficiarios',
  loadConsent: '/consentimientos',
  transfer: '/transferencias',
  exportRun: '/exportaciones',
} as const;

export const NDJSON_TYPES = ['application/fhir+ndjson', 'application/ndjson', 'ndjson'] as const;

/** RE-02: how far back a record reaches, in calendar years before the request's instant. */
export const RETENTION_YEARS = 7;

/** RE-05: the size of the large record. */
export const LARGE_RECORD_NOTES = 50_000;

/** What a receiver's control API answers after a transfer (`POST …/transferencias`). */
export interface TransferOutcome {
  estado: 'importado' | 'rechazado';
  regla?: string;
  recursos: Record<string, number>;
}

/** What a receiver's control API answers after a Bulk export (`POST …/exportaciones`). */
export interface ExportOutcome {
  estado: 'completado' | 'cancelado' | 'fallido';
  recursos: Record<string, number>;
  errores: number;
}

export interface TransferCommand {
  curp: string;
  consentimiento: string;
  fuente: string;
}

export interface ExportCommand {
  fuente: string;
  _type?: string;
  _since?: string;
  cancelar?: boolean;
}
