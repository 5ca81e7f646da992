import type { Institucion } from './types.ts';

/** Where a node of a run is, whoever plays it: what the clients and steps need to reach it. */
export interface PgsEndpoint {
  institucion: Institucion;
  baseUrl: string;
  tokenUrl: string;
  /** How Sello authenticates at this token endpoint; Basic unless the target says `body`. */
  tokenClientAuth?: 'basic' | 'body';
  /** `reference`: Sello's own node standing in for the SUT; `mock`: a peer Sello plays; `external`: the vendor's SUT. */
  kind: 'reference' | 'mock' | 'external';
}
