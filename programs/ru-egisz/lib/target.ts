import type { TargetFile } from '../../../src/programs/program.ts';
import type { RuRole } from './contract.ts';

/** An organization as a target file describes it: FRMO lists it, FRMR its staff, its MIS numbers its local ids. */
export interface TargetOrganization {
  oid: string;
  ogrn?: string;
  misNumber?: number;
  instance?: number;
  departments: string[];
  staff: Array<{ snils: string; position: string }>;
}

export interface PemPair {
  certificate: string;
  privateKey: string;
}

/** ru-egisz target file (target.schema.json): the SUT's role and SOAP endpoints, and who Sello's stand-ins are. */
export interface RuEgiszTarget extends TargetFile {
  program: 'ru-egisz';
  sut: {
    role: RuRole;
    name?: string;
    serviceUrl?: string;
    callbackUrl?: string;
    documentFileUrl?: string;
    controlUrl?: string;
    clientEntityId?: string;
    organization?: TargetOrganization;
    limits?: { requestsPerSecond?: number };
    signing?: { trusted?: string[] };
  };
  sello?: {
    clientEntityId?: string;
    organization?: TargetOrganization;
    certificates?: { doctor?: PemPair; organization?: PemPair };
  };
  mocks?: { host?: string; ports?: { remd?: number; gateway?: number; mis?: number } };
  timeouts?: { requestMs?: number; callbackMs?: number; propagationMs?: number };
}
