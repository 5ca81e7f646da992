import type { TargetFile } from '../../../src/programs/program.ts';
import type { EceRole } from './contract.ts';

/** mx-ece target file (target.schema.json): the SUT's role and endpoints; Sello plays the other roles at mocks.ports. */
export interface MxEceTarget extends TargetFile {
  program: 'mx-ece';
  sut: {
    role: EceRole;
    name?: string;
    /** imss-ece: its FHIR R4 base (…/fhir). */
    fhirBaseUrl?: string;
    /** ssa-pgs: the base of its padrón consulta and consent registry. */
    baseUrl?: string;
    /** Every role: its Sello control API (CONTRACT.md "Control APIs"). */
    controlUrl?: string;
  };
  mocks?: { host?: string; ports?: Partial<Record<EceRole, number>> };
  timeouts?: { requestMs?: number; propagationMs?: number; exportMs?: number };
}
