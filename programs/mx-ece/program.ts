import { createRequire } from 'node:module';
import { defineProgram } from '../../src/programs/program.ts';
import { ECE_ROLES } from './lib/contract.ts';
import type { MxEceTarget } from './lib/target.ts';

export default defineProgram({
  id: 'mx-ece',
  title: 'México — transferencia del Expediente Clínico Electrónico del IMSS (FHIR R4 $everything y Bulk $export, consentimiento, padrón)',
  locale: 'es-MX',
  roles: ECE_ROLES,
  targetSchema: createRequire(import.meta.url)('./target.schema.json') as object,
  sutEndpoints: (target) => {
    const s = (target as MxEceTarget).sut;
    return [s.fhirBaseUrl, s.baseUrl, s.controlUrl].filter((u): u is string => u !== undefined);
  },
  startMocks: async (request) => (await import('./reference/mocks.ts')).startMxEceMocks(request),
});
