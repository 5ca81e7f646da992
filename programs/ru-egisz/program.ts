import { createRequire } from 'node:module';
import { defineProgram } from '../../src/programs/program.ts';
import { RU_ROLES } from './lib/contract.ts';
import type { RuEgiszTarget } from './lib/target.ts';

export default defineProgram({
  id: 'ru-egisz',
  title: 'Россия — ЕГИСЗ: регистрация СЭМД в РЭМД (SOAP 1.2, CDA R2, XMLDSig, асинхронный ответ)',
  locale: 'ru-RU',
  roles: RU_ROLES,
  targetSchema: createRequire(import.meta.url)('./target.schema.json') as object,
  sutEndpoints: (target) => {
    const s = (target as RuEgiszTarget).sut;
    return [s.serviceUrl, s.callbackUrl, s.documentFileUrl, s.controlUrl].filter((u): u is string => u !== undefined);
  },
  startMocks: async (request) => (await import('./reference/mocks.ts')).startRuEgiszMocks(request),
});
