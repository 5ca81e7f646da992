import { createRequire } from 'node:module';
import { defineProgram } from '../../src/programs/program.ts';
import type { PeRisTarget } from './lib/target.ts';

export default defineProgram({
  id: 'pe-ris',
  title: 'Perú — Cajamarca: Qhali, motor de integración y SIHCE (FHIR R4 y HL7 v2/MLLP)',
  locale: 'es-PE',
  roles: ['sihce', 'qhali', 'engine'],
  targetSchema: createRequire(import.meta.url)('./target.schema.json') as object,
  sutEndpoints: (target) => {
    const s = (target as PeRisTarget).sut;
    return [s.fhirBaseUrl, s.mllp ? `mllp://${s.mllp.host}:${s.mllp.port}` : undefined, s.notificationUrl, s.controlUrl].filter((u): u is string => u !== undefined);
  },
  mocksOptions: [{ name: 'mllp-port', valueName: 'n', description: 'the MLLP port of a stand-in SIHCE' }],
  startMocks: async (request) => (await import('./reference/mocks.ts')).startPeRisMocks(request),
  hl7v2: async () => (await import('./lib/v2-contract.ts')).PE_RIS_V2,
});
