/**
 * The Bulk Data legs (RE-08, RE-09, RE-12) as the FHIR Bulk Data Access IG 2.0.0 states them and CONTRACT.md reads
 * them: what a receiver's kick-off and polls carry and when they come, what the source's kick-off, status and
 * DELETE answers are. The files themselves are judged in files-leg.ts.
 */
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { RECEIVER_ROLES } from '../lib/contract.ts';
import { retryAfterMs } from '../lib/retry-after.ts';
import { fail, isRecord, type JudgedFinding, jsonBody, type Verdict } from './judged.ts';
import type { EceWireState, ExportJob } from './wire-state.ts';

/** Timers and clocks: a poll may come this much before Retry-After has run out and still have waited for it. */
const POLL_TOLERANCE_MS = 100;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const isReceiver = (role: string | undefined): boolean => (RECEIVER_ROLES as readonly string[]).includes(role ?? '');

/** RE-08.3: a receiver's kick-off asks for an asynchronous answer in FHIR JSON. */
export function judgeKickoffRequest(x: ExchangeEntry, role: Verdict['role']): JudgedFinding[] {
  if (!isReceiver(role)) return [];
  const v: Verdict = { rule: 'RE-08', role, x, side: 'request' };
  const out: JudgedFinding[] = [];
  const accept = x.request.headers.accept ?? '';
  if (!/application\/fhir\+json/i.test(accept)) {
    out.push(
      fail(
        v,
        'required',
        'header:Accept',
        `El inicio de $export lleva Accept «${accept}»; la Bulk Data pide application/fhir+json.`,
        `The $export kick-off carries Accept "${accept}"; Bulk Data asks for application/fhir+json.`,
      ),
    );
  }
  const prefer = x.request.headers.prefer ?? '';
  if (!/(^|[,;\s])respond-async($|[,;\s])/i.test(prefer)) {
    out.push(
      fail(
        v,
        'required',
        'header:Prefer',
        `El inicio de $export lleva Prefer «${prefer}»; la Bulk Data pide respond-async.`,
        `The $export kick-off carries Prefer "${prefer}"; Bulk Data asks for respond-async.`,
      ),
    );
  }
  return out;
}

/** RE-08.1: an accepted kick-off is 202 with the status URL in Content-Location. */
export function judgeKickoffResponse(x: ExchangeEntry, role: Verdict['role']): JudgedFinding[] {
  if (x.status !== 202) return [];
  const location = x.response?.headers['content-location'];
  if (location) return [];
  return [
    fail(
      { rule: 'RE-08', role, x, side: 'response' },
      'required',
      'header:Content-Location',
      'IMSS aceptó la exportación (202) sin Content-Location: no hay URL de estado que consultar.',
      'IMSS accepted the export (202) without Content-Location: there is no status URL to poll.',
    ),
  ];
}

/** The Retry-After of a status answer, in milliseconds after it was answered. */
const retryAfterOf = (x: ExchangeEntry): number | undefined => retryAfterMs(x.response?.headers['retry-after'], Date.parse(x.finishedAt));

/** RE-09.1: the status answers — in progress 202 (Retry-After is a SHOULD: a warning), done 200 with a manifest. */
export function judgeStatusResponse(x: ExchangeEntry, role: Verdict['role'], job: ExportJob | undefined): JudgedFinding[] {
  const v: Verdict = { rule: 'RE-09', role, x, side: 'response' };
  if (job?.deletedAt !== undefined && Date.parse(x.startedAt) > job.deletedAt) {
    return x.status === 404
      ? []
      : [
          fail(
            { ...v, rule: 'RE-12' },
            'processing',
            'status',
            `La URL de estado de una exportación cancelada responde ${x.status}; después del DELETE responde 404.`,
            `The status URL of a cancelled export answers ${x.status}; after the DELETE it answers 404.`,
          ),
        ];
  }
  if (x.status === 202) {
    return retryAfterOf(x) === undefined
      ? [
          fail(
            v,
            'informational',
            'header:Retry-After',
            'La respuesta 202 de estado no trae Retry-After (la Bulk Data lo recomienda).',
            'The 202 status answer carries no Retry-After (Bulk Data recommends it).',
            'http',
            'warning',
          ),
        ]
      : [];
  }
  if (x.status !== 200) return [];
  return manifestFindings(jsonBody(x.response), v);
}

function manifestFindings(manifest: unknown, v: Verdict): JudgedFinding[] {
  const out: JudgedFinding[] = [];
  const missing = (pointer: string, es: string, en: string) => out.push(fail(v, 'required', pointer, es, en, 'json-pointer'));
  if (!isRecord(manifest)) {
    missing('', 'El estado 200 no trae un manifiesto JSON.', 'The 200 status answer carries no JSON manifest.');
    return out;
  }
  if (typeof manifest.transactionTime !== 'string' || !INSTANT.test(manifest.transactionTime))
    missing('/transactionTime', 'El manifiesto no trae transactionTime como instant FHIR.', 'The manifest has no transactionTime as a FHIR instant.');
  if (typeof manifest.request !== 'string' || manifest.request === '') missing('/request', 'El manifiesto no trae request (la URL del inicio).', 'The manifest has no request (the kick-off URL).');
  if (typeof manifest.requiresAccessToken !== 'boolean') missing('/requiresAccessToken', 'El manifiesto no trae requiresAccessToken booleano.', 'The manifest has no boolean requiresAccessToken.');
  for (const list of ['output', 'error'] as const) {
    const items = manifest[list];
    if (!Array.isArray(items)) {
      missing(`/${list}`, `El manifiesto no trae el arreglo ${list}.`, `The manifest has no ${list} array.`);
      continue;
    }
    items.forEach((item, i) => {
      if (!isRecord(item) || typeof item.type !== 'string' || typeof item.url !== 'string') missing(`/${list}/${i}`, `${list}[${i}] no trae type y url.`, `${list}[${i}] has no type and url.`);
      else if (item.count !== undefined && !(Number.isInteger(item.count) && (item.count as number) >= 0))
        missing(`/${list}/${i}/count`, `${list}[${i}].count no es un entero no negativo.`, `${list}[${i}].count is not a non-negative integer.`);
    });
  }
  return out;
}

/** RE-12.1: a DELETE of a status URL is accepted. */
export function judgeDeleteResponse(x: ExchangeEntry, role: Verdict['role']): JudgedFinding[] {
  if (x.status === undefined || [200, 202, 204].includes(x.status)) return [];
  return [
    fail(
      { rule: 'RE-12', role, x, side: 'response' },
      'processing',
      'status',
      `El DELETE de la exportación responde ${x.status}; se espera 202 (o 200/204).`,
      `The export's DELETE answers ${x.status}; 202 (or 200/204) is expected.`,
    ),
  ];
}

/**
 * RE-09.2: a receiver's polls of one job never come sooner than the Retry-After of the answer before; judged once per
 * job when its polling is over (a job seen again in a later scenario is not judged twice for the same poll).
 */
export function judgePollTiming(job: ExportJob): JudgedFinding[] {
  const out: JudgedFinding[] = [];
  const polls = job.polls.filter((p) => isReceiver(p.role));
  for (let i = job.pollsJudged; i < polls.length; i++) {
    const previous = polls[i - 1];
    const poll = polls[i]!;
    if (!previous || !poll.role || previous.role !== poll.role) continue;
    const wait = retryAfterOf(previous.x);
    if (wait === undefined || previous.x.status !== 202) continue;
    const waited = Date.parse(poll.x.startedAt) - Date.parse(previous.x.finishedAt);
    if (waited + POLL_TOLERANCE_MS < wait) {
      out.push(
        fail(
          { rule: 'RE-09', role: poll.role, x: poll.x, side: 'request' },
          'business-rule',
          'header:Retry-After',
          `Consultó el estado ${waited} ms después de una respuesta con Retry-After de ${wait / 1000} s.`,
          `It polled the status ${waited} ms after an answer with Retry-After of ${wait / 1000} s.`,
        ),
      );
    }
  }
  job.pollsJudged = polls.length;
  return out;
}
