/**
 * The ru-egisz wire contract as Sello reads Contract v1.1: namespaces, operations, actions, journal party names and
 * the data each SOAP body carries. One place, because the reference roles, Sello's stand-ins and the judges must
 * agree on it; field names follow public integrator material (v1.1 calls them "not normative", so readers accept the
 * spellings listed here as alternatives).
 */
import type { LocalizedText } from '../../../src/findings/finding.ts';
import type { RegisterDocumentMetadata } from './register-document.ts';

export const EGIS_NS = 'http://egisz.rosminzdrav.ru';
export const SERVICE_NS = 'http://egisz.rosminzdrav.ru/iehr/emdr/service/';
export const CALLBACK_NS = 'http://egisz.rosminzdrav.ru/iehr/emdr/callback/';

export const RU_ROLES = ['mis', 'gateway', 'remd'] as const;
export type RuRole = (typeof RU_ROLES)[number];

/** Journal party names: the role that sent a message. Sello's deliberate stimuli go out as `sello (<role>)`, unjudged. */
export const PARTY: Readonly<Record<RuRole, string>> = { mis: 'mis', gateway: 'gateway', remd: 'remd' };
export const stimulusParty = (role: RuRole): string => `sello (${role})`;

/** Operations: the Body's element is the operation's name, its answer `<operation>Response` in the same namespace. */
export const OPERATION = {
  registerDocument: { ns: SERVICE_NS, local: 'registerDocument' },
  getRegistryItem: { ns: SERVICE_NS, local: 'getRegistryItem' },
  searchRegistryItem: { ns: SERVICE_NS, local: 'searchRegistryItem' },
  registerDocumentResult: { ns: CALLBACK_NS, local: 'registerDocumentResult' },
  getDocumentFile: { ns: CALLBACK_NS, local: 'getDocumentFile' },
} as const;
export type OperationName = keyof typeof OPERATION;

/** wsa:Action of each request: its namespace followed by the operation's name. A reader accepts any Action. */
export const ACTION: Readonly<Record<OperationName, string>> = Object.fromEntries(Object.entries(OPERATION).map(([name, q]) => [name, `${q.ns}${q.local}`])) as Record<OperationName, string>;

/** The synchronous answer to registerDocument: `success` means only "accepted" (RR-10). */
export interface RegisterDocumentAccepted {
  status: 'success';
}

export interface RemdError {
  /** A code of classifier 1.2.643.5.1.13.13.99.2.305 (profiles/error-codes.json). */
  code: string;
  message: string;
}

/** The asynchronous outcome REMD (or a gateway relaying it) delivers to the registering system. */
export interface RegisterDocumentResult {
  /** The registerDocument request's wsa:MessageID, as the request spelled it. */
  relatesToMessage: string;
  status: 'success' | 'error';
  localUid: string;
  kind: string;
  organization: string;
  /** Only on success, e.g. `16.62.23.09.000014523`. */
  emdrId?: string;
  /** Only on success; ISO 8601 with offset. */
  registrationDate?: string;
  /** Only on error; in the order found. */
  errors: RemdError[];
}

export type SignatureRole = 'DOCTOR' | 'ORGANIZATION';

/** What getDocumentFile returns: the CDA's exact bytes and its detached XMLDSig signatures, each as its own XML text. */
export interface DocumentFile {
  localUid: string;
  file: Buffer;
  signatures: Array<{ role: SignatureRole; signature: string }>;
}

/** A registry entry as getRegistryItem and searchRegistryItem return it (RR-18). */
export interface RegistryItem {
  emdrId: string;
  localUid: string;
  kind: string;
  organization: string;
  patientSnils: string;
  creationDateTime: string;
  registrationDate: string;
}

export interface RegistrySearch {
  organization: string;
  kind?: string;
  /** Inclusive, dates (YYYY-MM-DD) of creationDateTime. */
  dateFrom: string;
  dateTo: string;
  patientSnils?: string;
}

/** A fault's classifier code and text, read from env:Detail (or the Subcode when Detail has none). */
export interface RemdFault {
  code?: string;
  reason: LocalizedText;
}

export type { RegisterDocumentMetadata };
