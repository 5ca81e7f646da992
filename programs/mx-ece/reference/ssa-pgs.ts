/**
 * Sello's reference ssa-pgs: the padrón consulta (mx-pgs's `GET /pgs/v1/beneficiarios/{curp}`, `{acuse,
 * beneficiario}`) and the consent registry (`GET /fhir/Consent/{id}`, `GET /fhir/Consent?destinatario=&status=active`),
 * seeded with the scene's padrón records and consents.
 *
 * Control API: `POST /control/beneficiarios` (an mx-pgs beneficiario) → 201; `POST /control/consentimientos` (a
 * ConsentimientoMx) → `201 {id}`.
 */
import { randomUUID } from 'node:crypto';
import type Hapi from '@hapi/hapi';
import { isBlocking } from '../../../src/findings/finding.ts';
import { validateCurp } from '../../../src/identifiers/mx/index.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { startMockServer } from '../../../src/mock/mock-server.ts';
import { PATH } from '../lib/contract.ts';
import type { Beneficiario, FhirResource } from '../lib/record.ts';
import { consentProblem, consentRecipients, inPeriod } from './consent.ts';
import { badCommand, controlRoute, isObject } from './control.ts';
import { eceErrorShape, FHIR_JSON, refuse } from './outcome.ts';
import { type EceServerOptions, institutionParty } from './server-options.ts';

export interface SsaPgsOptions extends EceServerOptions {
  beneficiarios?: readonly Beneficiario[];
  consents?: readonly FhirResource[];
}

export interface RunningSsaPgs {
  url: string;
  controlUrl: string;
  faults: FaultSet;
  addBeneficiario(b: Beneficiario): void;
  addConsent(c: FhirResource): string;
  stop(): Promise<void>;
}

const CONSENT_ID = /^[A-Za-z0-9\-.]{1,64}$/;

export async function startSsaPgs(options: SsaPgsOptions): Promise<RunningSsaPgs> {
  const faults = new FaultSet(options.faults);
  const padron = new Map<string, Beneficiario>();
  const consents = new Map<string, FhirResource>();
  const addBeneficiario = (b: Beneficiario): void => void padron.set(b.curp, b);
  const addConsent = (c: FhirResource): string => {
    const id = typeof c.id === 'string' && CONSENT_ID.test(c.id) ? c.id : randomUUID();
    consents.set(id, { ...c, id });
    return id;
  };
  for (const b of options.beneficiarios ?? []) addBeneficiario(b);
  for (const c of options.consents ?? []) addConsent(c);

  const acuse = (request: Hapi.Request, estatus: 'ACEPTADO' | 'RECHAZADO', codigo: string, errores: Array<{ regla: string; campo: string; mensaje: string }> = []) => ({
    messageId: String(request.headers['x-message-id'] ?? randomUUID()),
    estatus,
    codigo,
    errores,
  });
  const consulta: Hapi.Lifecycle.Method = (request, h) => {
    const curp = request.params.curp as string;
    const echo = (r: Hapi.ResponseObject) => r.header('x-message-id', String(request.headers['x-message-id'] ?? ''));
    if (validateCurp(curp).some(isBlocking)) {
      if (faults.has('pgs-crash-on-bad-curp')) throw new Error(`malformed CURP ${curp}`);
      return echo(h.response({ acuse: acuse(request, 'RECHAZADO', 'PGS-101', [{ regla: 'RN-01', campo: '/curp', mensaje: 'CURP mal formada' }]) }).code(400));
    }
    const found = padron.get(curp);
    if (!found) {
      if (faults.has('pgs-consulta-unknown-200')) return echo(h.response({ acuse: acuse(request, 'ACEPTADO', 'PGS-000'), beneficiario: {} }));
      return echo(h.response({ acuse: acuse(request, 'RECHAZADO', 'PGS-404', [{ regla: 'PGS-404', campo: '/curp', mensaje: 'CURP sin registro en el padrón' }]) }).code(404));
    }
    return echo(h.response({ acuse: acuse(request, 'ACEPTADO', 'PGS-000'), beneficiario: found }));
  };
  const served = (c: FhirResource): FhirResource => {
    if (!faults.has('pgs-consent-drops-period')) return c;
    const { period: _dropped, ...provision } = c.provision as Record<string, unknown>;
    return { ...c, provision };
  };
  const server = await startMockServer(
    {
      name: 'ssa-pgs',
      ...(options.host ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      journal: options.journal,
      errorShape: eceErrorShape,
      partyOf: institutionParty(options),
    },
    async (hapi) => {
      hapi.route({ method: 'GET', path: '/pgs/v1/beneficiarios/{curp}', handler: consulta });
      hapi.route({
        method: 'GET',
        path: '/fhir/Consent/{id}',
        handler: (request, h) => {
          const c = consents.get(String(request.params.id));
          if (!c) return refuse(h, 404, { rule: 'RE-01', es: `no hay Consent/${request.params.id}`, en: `no Consent/${request.params.id}`, code: 'not-found' });
          return h.response(served(c)).type(FHIR_JSON);
        },
      });
      hapi.route({
        method: 'GET',
        path: PATH.consentSearch,
        handler: (request, h) => {
          const to = request.query.destinatario;
          const status = request.query.status;
          if (typeof to !== 'string' || to === '' || (status !== undefined && status !== 'active')) {
            return refuse(h, 400, { es: 'se busca por destinatario (una vez) y status=active', en: 'search by destinatario (once) and status=active' });
          }
          const now = new Date();
          const found = [...consents.values()].filter(
            (c) => (faults.has('pgs-search-includes-expired') ? c.status === 'active' && consentRecipients(c).includes(to) && !inPeriod(c, now) : false) || !consentProblem(c, undefined, to, now),
          );
          return h
            .response({
              resourceType: 'Bundle',
              type: 'searchset',
              total: found.length,
              entry: found.map((c) => ({ fullUrl: `${request.url.protocol}//${request.info.host}${PATH.consent(c.id!)}`, resource: served(c), search: { mode: 'match' } })),
            })
            .type(FHIR_JSON);
        },
      });
      hapi.route(
        controlRoute(PATH.loadBeneficiario, (request, h) => {
          const b = request.payload;
          if (!isObject(b) || typeof b.curp !== 'string' || validateCurp(b.curp).some(isBlocking))
            return badCommand(h, 'se espera un beneficiario con CURP válida / a beneficiario with a valid CURP is expected');
          addBeneficiario(b as unknown as Beneficiario);
          return h.response({ curp: b.curp }).code(201);
        }),
      );
      hapi.route(
        controlRoute(PATH.loadConsent, (request, h) => {
          const c = request.payload;
          if (!isObject(c) || c.resourceType !== 'Consent' || !isObject(c.provision)) return badCommand(h, 'se espera un Consent con provision / a Consent with a provision is expected');
          return h.response({ id: addConsent(c as FhirResource) }).code(201);
        }),
      );
    },
  );
  return { url: server.url, controlUrl: `${server.url}${PATH.control}`, faults, addBeneficiario, addConsent, stop: () => server.stop() };
}
