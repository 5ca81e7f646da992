import type { MllpTarget } from '../../../src/transport/mllp-client.ts';

/** `reference`: Sello's implementation standing in for the SUT; `mock`: a peer Sello plays; `external`: the vendor's SUT. */
export type EndpointKind = 'reference' | 'mock' | 'external';

export interface RisEndpoints {
  /** `authorization`: the header Sello's SIHCE wants on Subscription writes, when it wants one. */
  sihce: { fhirBaseUrl: string; mllp: MllpTarget; kind: EndpointKind; authorization?: string };
  engine: { fhirBaseUrl: string; notificationUrl: string; kind: EndpointKind };
  qhali: { notificationUrl: string; controlUrl: string; kind: EndpointKind };
}
