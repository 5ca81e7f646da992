/**
 * imss-ece's Bulk `Patient/$export` (CONTRACT.md "Cohorts", FHIR Bulk Data Access IG 2.0.0): kick-off, status,
 * NDJSON files, error file and cancel. The cohort is read from ssa-pgs at kick-off and worked out in the background;
 * the status answers 202 with Retry-After a configured number of times, then the manifest.
 */
import { randomUUID } from 'node:crypto';
import Boom from '@hapi/boom';
import type Hapi from '@hapi/hapi';
import { NDJSON_TYPES } from '../lib/contract.ts';
import { type CohortJob, EXPORT_TYPES, runCohort } from './imss-ece-cohort.ts';
import { type EceContext, institutionOf, parametersOf, single } from './imss-ece-context.ts';
import { FHIR_JSON, operationOutcome, refuse } from './outcome.ts';
import { streamedAnswer } from './streamed-answer.ts';

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** Jobs kept at once; past it the oldest go (a receiver reads its files right after the manifest). */
const MAX_JOBS = 200;

/**
 * How long a status poll of an unfinished job waits for it to finish before answering 202: well under any client's
 * request timeout, and longer than a small cohort takes to write.
 */
const STATUS_HOLD_MS = 2000;

/** Resolves when `work` settles or after `ms`, whichever comes first. */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

interface Job {
  id: string;
  request: string;
  pollsLeft: number;
  work: Promise<CohortJob>;
  done?: CohortJob;
  failed?: string;
}

export function exportPlugin(ctx: EceContext): Hapi.Plugin<void> {
  const jobs = new Map<string, Job>();
  const statusPath = (id: string) => `/fhir/_export/${id}`;
  return {
    name: 'mx-ece-export',
    register(server) {
      const kickOff = (request: Hapi.Request, h: Hapi.ResponseToolkit, params: Map<string, string> | string) => {
        if (typeof params === 'string') return refuse(h, 400, { es: params, en: params });
        const problem = kickOffProblem(ctx, request, params);
        if (problem) return refuse(h, 400, { rule: 'RE-08', es: problem.es, en: problem.en, expression: problem.at });
        const institution = institutionOf(request)!;
        const since = INSTANT.test(params.get('_since') ?? '') && !ctx.faults.has('ece-ignores-since') ? params.get('_since') : undefined;
        const types =
          params.has('_type') && !ctx.faults.has('ece-ignores-type')
            ? new Set(
                params
                  .get('_type')!
                  .split(',')
                  .map((t) => t.trim()),
              )
            : undefined;
        const id = randomUUID();
        const job: Job = {
          id,
          request: request.url.href,
          pollsLeft: ctx.exportPolls(),
          work: runCohort(ctx, { institution, now: new Date(), ...(since ? { since } : {}), ...(types ? { types } : {}) }),
        };
        job.work.then(
          (done) => {
            job.done = done;
          },
          (error: Error) => {
            job.failed = error.message;
          },
        );
        jobs.set(id, job);
        if (jobs.size > MAX_JOBS) jobs.delete(jobs.keys().next().value!);
        const answer = h.response().code(202);
        return ctx.faults.has('ece-export-no-content-location') ? answer : answer.header('content-location', `${baseOf(request)}${statusPath(id)}`);
      };
      server.route({ method: 'GET', path: '/fhir/Patient/$export', handler: (request, h) => kickOff(request, h, queryParams(request.query)) });
      server.route({
        method: 'POST',
        path: '/fhir/Patient/$export',
        handler: (request, h) => kickOff(request, h, parametersOf(request.payload) ?? 'el cuerpo debe ser un recurso Parameters / the body must be a Parameters resource'),
      });
      const unknown = (h: Hapi.ResponseToolkit, id: string) => {
        if (ctx.faults.has('ece-unknown-job-500')) throw Boom.internal(`no job ${id}`);
        return refuse(h, 404, { es: `no hay exportación ${id}`, en: `no export job ${id}`, code: 'not-found' });
      };
      server.route({
        method: 'GET',
        path: '/fhir/_export/{job}',
        handler: async (request, h) => {
          const job = jobs.get(String(request.params.job));
          if (!job) return unknown(h, String(request.params.job));
          // A job about to finish is answered when it has, not with "come back in a second" (Retry-After's least).
          if (job.pollsLeft === 0 && !job.done && !job.failed) await settledWithin(job.work, STATUS_HOLD_MS);
          if (job.failed) return refuse(h, 500, { es: `la exportación falló: ${job.failed}`, en: `the export failed: ${job.failed}`, code: 'exception' });
          if (job.pollsLeft > 0 || !job.done) {
            job.pollsLeft = Math.max(0, job.pollsLeft - 1);
            return h
              .response()
              .code(202)
              .header('retry-after', String(ctx.retryAfterSeconds))
              .header('x-progress', job.done ? 'listo' : 'en proceso');
          }
          return h.response(manifest(ctx, job, `${baseOf(request)}${statusPath(job.id)}`)).type('application/json; charset=utf-8');
        },
      });
      server.route({
        method: 'DELETE',
        path: '/fhir/_export/{job}',
        handler: (request, h) => {
          const job = jobs.get(String(request.params.job));
          if (!job) return unknown(h, String(request.params.job));
          if (!ctx.faults.has('ece-cancel-ignored')) jobs.delete(job.id);
          return h
            .response(operationOutcome(202, { es: 'exportación cancelada', en: 'export cancelled', code: 'informational' }, 'error'))
            .code(202)
            .type(FHIR_JSON);
        },
      });
      server.route({
        method: 'GET',
        path: '/fhir/_export/{job}/{file}',
        handler: (request, h) => {
          const job = jobs.get(String(request.params.job));
          const file = job?.done?.files.get(String(request.params.file));
          if (!job || !file) return unknown(h, `${String(request.params.job)}/${String(request.params.file)}`);
          const type = ctx.faults.has('ece-ndjson-wrong-content-type') ? 'application/json' : 'application/fhir+ndjson';
          return h.response(streamedAnswer(request, file.lines(), 'text')).type(type);
        },
      });
    },
  };
}

function queryParams(query: Hapi.RequestQuery): Map<string, string> | string {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(query)) {
    const one = single(value);
    if (one === null) return `parámetro repetido: ${name} / parameter given twice: ${name}`;
    if (one !== undefined) out.set(name, one);
  }
  return out;
}

function kickOffProblem(ctx: EceContext, request: Hapi.Request, params: Map<string, string>): { es: string; en: string; at: string } | undefined {
  if (!institutionOf(request)) return { es: 'falta la cabecera X-Institucion', en: 'the X-Institucion header is missing', at: 'X-Institucion' };
  if (!/respond-async/i.test(String(request.headers.prefer ?? ''))) return { es: 'falta Prefer: respond-async', en: 'Prefer: respond-async is missing', at: 'Prefer' };
  const format = params.get('_outputFormat');
  if (format !== undefined && !(NDJSON_TYPES as readonly string[]).includes(format))
    return { es: `_outputFormat no soportado: ${format}`, en: `unsupported _outputFormat: ${format}`, at: '_outputFormat' };
  const types = params.get('_type');
  const unknownType = types?.split(',').find((t) => !EXPORT_TYPES.includes(t.trim()));
  if (types !== undefined && unknownType !== undefined && !ctx.faults.has('ece-ignores-type'))
    return { es: `_type no exportado: ${unknownType}`, en: `_type not exported: ${unknownType}`, at: '_type' };
  const since = params.get('_since');
  if (since !== undefined && !ctx.faults.has('ece-accepts-bad-since') && (!INSTANT.test(since) || Number.isNaN(Date.parse(since))))
    return { es: `_since no es un instant FHIR: ${since}`, en: `_since is not a FHIR instant: ${since}`, at: '_since' };
  return undefined;
}

function manifest(ctx: EceContext, job: Job, statusUrl: string): object {
  const done = job.done!;
  const url = (name: string) => `${statusUrl}/${name}`;
  return {
    transactionTime: done.transactionTime,
    ...(ctx.faults.has('ece-manifest-incomplete') ? {} : { request: job.request, requiresAccessToken: false }),
    output: [...done.files].filter(([, f]) => f.type !== 'OperationOutcome').map(([name, f]) => ({ type: f.type, url: url(name), count: f.count })),
    error: [...done.files].filter(([, f]) => f.type === 'OperationOutcome').map(([name]) => ({ type: 'OperationOutcome', url: url(name) })),
  };
}

/** The URL base the client reached this server at (its Host header), so that links work from wherever it called. */
function baseOf(request: Hapi.Request): string {
  return `${request.url.protocol}//${request.info.host}`;
}
