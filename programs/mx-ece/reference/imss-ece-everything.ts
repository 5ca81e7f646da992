/**
 * imss-ece's `Patient/$everything` (CONTRACT.md "One patient"): the checks in the contract's order — 400 malformed,
 * 403 consent not in force (RE-01, read at ssa-pgs), 404 no record, 422 padrón unknown or disagreeing (RE-03) — then
 * the record of the last 7 years before the request (RE-02) as a document Bundle, streamed as it is written so that
 * a 50,000-note record is never one string.
 */
import { randomUUID } from 'node:crypto';
import Boom from '@hapi/boom';
import type Hapi from '@hapi/hapi';
import { FaultSet } from '../../../src/mock/faults.ts';
import { STIMULUS_HEADER } from '../lib/contract.ts';
import { documentBundle, documentBundleChunks } from '../lib/expediente.ts';
import type { PatientRecord } from '../lib/record.ts';
import { withinRetention } from '../lib/retention.ts';
import { consentId, consentProblem, padronDisagreements } from './consent.ts';
import { plantBundleFaults } from './ece-bundle-faults.ts';
import { BUNDLE_FAULTS, plantRecordFaults, TRUNCATED_NOTES } from './ece-faults.ts';
import { curpOfIdentifier, type EceContext, type EceRequestApp, institutionOf, parametersOf, single } from './imss-ece-context.ts';
import type { HeldRecord } from './imss-ece-store.ts';
import { FHIR_JSON, refuse } from './outcome.ts';
import { consultaPadron, readConsent } from './pgs-client.ts';
import { streamedAnswer } from './streamed-answer.ts';

const DAY = 86_400_000;
/** Chunks of the Bundle text are gathered to about this size before they are written. */
const WRITE_BYTES = 64 * 1024;

interface Ask {
  curp?: string;
  /** The instance-level form names the Patient by the id the source gave. */
  held?: HeldRecord;
  consent?: string;
}

export function everythingPlugin(ctx: EceContext): Hapi.Plugin<void> {
  return {
    name: 'mx-ece-everything',
    register(server) {
      const answer = async (request: Hapi.Request, h: Hapi.ResponseToolkit, ask: Ask | string) => {
        if (typeof ask === 'string') return refuse(h, 400, { es: ask, en: ask });
        return everything(ctx, request, h, ask);
      };
      server.route({
        method: 'GET',
        path: '/fhir/Patient/$everything',
        handler: (request, h) => answer(request, h, fromQuery(request.query)),
      });
      server.route({
        method: 'POST',
        path: '/fhir/Patient/$everything',
        options: {
          payload: {
            // A body that is not JSON is the client's error (RE-14.1); the planted fault crashes on it instead.
            failAction: (_request, _h, error) => {
              if (ctx.faults.has('ece-crash-on-bad-json')) throw new Error('unreadable body');
              throw Boom.badRequest(error instanceof Error ? error.message : 'unreadable body');
            },
          },
        },
        handler: (request, h) => {
          const params = parametersOf(request.payload);
          if (!params) {
            if (ctx.faults.has('ece-crash-on-bad-json')) throw new Error('not a Parameters resource');
            return refuse(h, 400, { es: 'el cuerpo debe ser un recurso Parameters', en: 'the body must be a Parameters resource' });
          }
          return answer(request, h, fromParams(params));
        },
      });
      server.route({
        method: 'GET',
        path: '/fhir/Patient/{id}/$everything',
        handler: (request, h) => {
          const consent = single(request.query.consent);
          if (consent === null) return refuse(h, 400, { es: 'consent repetido', en: 'consent given twice' });
          const held = ctx.records.byId(String(request.params.id));
          if (!held) return answer(request, h, { ...(consent ? { consent } : {}) });
          return answer(request, h, { held, curp: held.record.curp, ...(consent ? { consent } : {}) });
        },
      });
    },
  };
}

function fromQuery(query: Hapi.RequestQuery): Ask | string {
  const identifier = single(query.identifier);
  const consent = single(query.consent);
  if (identifier === null || consent === null) return 'parámetro repetido / parameter given twice';
  return fromParams(new Map([...(identifier ? [['identifier', identifier] as const] : []), ...(consent ? [['consent', consent] as const] : [])]));
}

function fromParams(params: Map<string, string>): Ask | string {
  const identifier = params.get('identifier');
  if (identifier === undefined) return 'falta identifier / identifier is missing';
  const curp = curpOfIdentifier(identifier);
  if (!curp) return `identifier no es una CURP válida: ${identifier} / identifier is not a valid CURP`;
  const consent = params.get('consent');
  return { curp, ...(consent ? { consent } : {}) };
}

async function everything(ctx: EceContext, request: Hapi.Request, h: Hapi.ResponseToolkit, ask: Ask): Promise<Hapi.ResponseObject> {
  const now = new Date();
  let { faults } = ctx;
  const institution = institutionOf(request);
  const skipConsent = faults.has('ece-no-consent-check');
  if (!institution) return refuse(h, 400, { es: 'falta la cabecera X-Institucion', en: 'the X-Institucion header is missing', expression: 'X-Institucion' });
  if (!ask.consent && !skipConsent) return refuse(h, 400, { rule: 'RE-01', es: 'falta el parámetro consent', en: 'the consent parameter is missing', expression: 'consent', code: 'required' });
  if (!ask.curp) return refuse(h, 404, { es: `no hay Patient/${request.params.id ?? ''}`, en: `no Patient/${request.params.id ?? ''}` });
  const curp = ask.curp;
  const stimulus = ctx.stimuli.get(curp);
  if (stimulus) {
    // A defect a scenario plants to see how a receiver under test reacts: served, and journaled as Sello's.
    (request.app as EceRequestApp).stimulus = true;
    faults = new FaultSet([...faults.list(), ...stimulus]);
  }
  if (!skipConsent) {
    const id = consentId(ask.consent ?? '');
    const consent = id ? await readConsent(ctx.pgs, id) : undefined;
    const lenient = { ignorePeriod: faults.has('ece-accepts-expired-consent'), ignoreRecipient: faults.has('ece-ignores-consent-recipient') };
    const problem = consent ? consentProblem(consent, curp, institution, now, lenient) : 'unknown to the registry';
    const refused = faults.has('ece-refuses-consented') ? 'refused' : problem;
    if (refused) {
      return refuse(h, 403, {
        rule: 'RE-01',
        es: `el consentimiento ${ask.consent} no está vigente para ${curp} y ${institution} (${refused})`,
        en: `consent ${ask.consent} is not in force for ${curp} and ${institution} (${refused})`,
        code: 'forbidden',
      });
    }
  }
  const held = ask.held ?? ctx.records.byCurp(curp);
  if (!held) return refuse(h, 404, { es: `no hay expediente de ${curp}`, en: `no record of ${curp}`, expression: 'identifier', code: 'not-found' });
  const beneficiario = await consultaPadron(ctx.pgs, curp);
  if (!beneficiario && !faults.has('ece-ignores-unknown-padron')) {
    return refuse(h, 422, { rule: 'RE-03', es: `el padrón no conoce la CURP ${curp}`, en: `the padrón does not know CURP ${curp}`, expression: 'identifier', code: 'business-rule' });
  }
  const disagreements = beneficiario ? padronDisagreements(held.record.patient, beneficiario, { ignoreBirthDate: faults.has('ece-ignores-padron-birthdate') }) : [];
  if (disagreements.length > 0) {
    const list = disagreements.join('; ');
    return refuse(h, 422, { rule: 'RE-03', es: `el expediente no coincide con el padrón: ${list}`, en: `the record disagrees with the padrón: ${list}`, expression: 'Patient', code: 'business-rule' });
  }
  const record = recordToSend(faults, held.record, now);
  const opts = { now, bundleId: randomUUID() };
  if (BUNDLE_FAULTS.some((f) => faults.has(f))) {
    const old = held.record.clinical.filter((r) => !withinRetention(r, now));
    const planted = h.response(JSON.stringify(plantBundleFaults(documentBundle(record, opts), faults, curp, old))).type(FHIR_JSON);
    // Said on the wire too: a client-side record of a stimulus must not count against imss-ece either.
    return stimulus ? planted.header(STIMULUS_HEADER, stimulus.join(',')) : planted;
  }
  // On the record as it goes out: the judges read the whole answer back as a stream.
  const streamed = h.response(streamedAnswer(request, gathered(documentBundleChunks(record, opts)), 'json')).type(FHIR_JSON);
  return stimulus ? streamed.header(STIMULUS_HEADER, stimulus.join(',')) : streamed;
}

/** What the source sends of a record at `now`: its last 7 years (RE-02), with the record faults planted. */
function recordToSend(faults: FaultSet, record: PatientRecord, now: Date): PatientRecord {
  // Too strict: judged as if a month later, which drops the entries of the window's first month.
  const judgedAt = faults.has('ece-retention-too-strict') ? new Date(now.getTime() + 30 * DAY) : now;
  let clinical = record.clinical.filter((r) => withinRetention(r, judgedAt));
  if (faults.has('ece-truncates-large-record')) {
    let notes = 0;
    clinical = clinical.filter((r) => r.resourceType !== 'DocumentReference' || ++notes <= TRUNCATED_NOTES);
  }
  return plantRecordFaults({ ...record, clinical }, faults);
}

/** Small chunks gathered into writes of about WRITE_BYTES: one socket write per resource would be slow. */
export function* gathered(chunks: Iterable<string>): Generator<string> {
  let pending: string[] = [];
  let size = 0;
  for (const chunk of chunks) {
    pending.push(chunk);
    size += chunk.length;
    if (size >= WRITE_BYTES) {
      yield pending.join('');
      pending = [];
      size = 0;
    }
  }
  if (pending.length > 0) yield pending.join('');
}
