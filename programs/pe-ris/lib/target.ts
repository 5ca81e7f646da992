import type { TargetFile } from '../../../src/programs/program.ts';

/** pe-ris: the SUT is SIHCE (FHIR server + MLLP listener), Qhali (notification endpoint + test-control API) or the engine. */
export interface PeRisTarget extends TargetFile {
  program: 'pe-ris';
  sut: {
    role: 'sihce' | 'qhali' | 'engine';
    name?: string;
    /** sihce: its FHIR base; engine: the FHIR endpoint Qhali posts triage Bundles to. */
    fhirBaseUrl?: string;
    /** sihce: its MLLP listener. */
    mllp?: { host: string; port: number };
    /** qhali: its rest-hook endpoint; engine: where SIHCE notifies it. */
    notificationUrl?: string;
    /** qhali: its Sello test-control API. */
    controlUrl?: string;
  };
  mocks?: { host?: string; ports?: { sihce?: number; sihceMllp?: number; engine?: number; qhali?: number } };
  timeouts?: { requestMs?: number; propagationMs?: number };
}
