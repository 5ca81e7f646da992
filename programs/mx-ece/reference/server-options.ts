import type Hapi from '@hapi/hapi';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { roleOfInstitution } from '../lib/contract.ts';

/** What every mx-ece reference role is started with: where it listens, what it journals, which defects it plants. */
export interface EceServerOptions {
  journal: ExchangeJournal;
  host?: string;
  port?: number;
  /** Planted faults of the role (profiles/planted-defects.json), to prove the suite catches a broken implementation. */
  faults?: readonly string[];
  /** Journal party of a client this process does not run (Sello's own clients journal themselves): the SUT's role. */
  externalParty?: string;
  /** Bound on each request this role sends (the target's requestMs). */
  timeoutMs?: number;
}

/**
 * Who sent a request to a role that institutions call (imss-ece, ssa-pgs): the role its X-Institucion names, else that
 * code as sent, else the system under test (the one client outside this process).
 */
export const institutionParty =
  (options: Pick<EceServerOptions, 'externalParty'>) =>
  (request: Hapi.Request): string | undefined => {
    const code = request.headers['x-institucion'] as string | undefined;
    return roleOfInstitution(code) ?? code ?? options.externalParty;
  };
