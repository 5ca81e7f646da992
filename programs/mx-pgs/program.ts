import { createRequire } from 'node:module';
import { defineProgram } from '../../src/programs/program.ts';
import type { MxPgsTarget } from './lib/target.ts';

export default defineProgram({
  id: 'mx-pgs',
  title: 'México — Padrón General de Salud (IMSS, ISSSTE, SSA)',
  locale: 'es-MX',
  roles: ['imss', 'issste', 'ssa'],
  targetSchema: createRequire(import.meta.url)('./target.schema.json') as object,
  sutEndpoints: (target) => {
    const sut = (target as MxPgsTarget).sut;
    return [sut.baseUrl, sut.tokenUrl];
  },
  mocksOptions: [{ name: 'central-index', valueName: 'url', description: 'the central index a stand-in node reports to' }],
  startMocks: async (request) => (await import('./reference/mocks.ts')).startMxPgsMocks(request),
});
