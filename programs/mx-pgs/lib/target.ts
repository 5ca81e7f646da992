import type { TargetFile } from '../../../src/programs/program.ts';
import type { Institucion } from './types.ts';

/** RFC 6749 §2.3.1: Basic is the client authentication every token endpoint must accept; the form body is optional. */
export type TokenClientAuth = 'basic' | 'body';

export interface ClientSecretPair {
  clientId: string;
  clientSecret: string;
}

/** An mx-pgs target file (target.schema.json next to program.ts). */
export interface MxPgsTarget extends TargetFile {
  program: 'mx-pgs';
  sut: { role: 'imss' | 'issste' | 'ssa'; name?: string; baseUrl: string; tokenUrl: string; tokenClientAuth?: TokenClientAuth };
  credentials?: Partial<Record<Institucion, ClientSecretPair>>;
  mocks?: { host?: string; ports?: Partial<Record<Institucion, number>> };
  timeouts?: { requestMs?: number; propagationMs?: number };
}
