/**
 * SIHCE's FHIR REST API (hapi plugin): the CapabilityStatement, and create, read, update, delete and search of the
 * types SIHCE serves. Bad input gets an OperationOutcome with 4xx whose issues name their rule and FHIRPath; nothing
 * stored is touched by a refused request. The planted defects of the CRUD scenarios live here.
 */
import type Hapi from '@hapi/hapi';
import type { Resource } from '../../../../src/fhir-server/store.ts';
import type { Finding } from '../../../../src/findings/finding.ts';
import { isObject } from '../../../../src/util/is-object.ts';
import { checkResource, simpleOutcome } from '../../judges/triage-check.ts';
import { badJson, FHIR_BASE_PATH, notFound, parseBody, RAW_PAYLOAD, refuse, reply, replyJsonText, SIHCE_TYPES, type SihceContext } from './context.ts';
import { sameSubscription } from './subscriptions.ts';

/** Types only the CRUD scenarios touch: the read-drops-element defect stays off the journey's resources. */
const CRUD_ONLY = new Set(['Encounter', 'Observation', 'Condition', 'ServiceRequest']);

const typeOf = (request: Hapi.Request): string | undefined => {
  const type = String(request.params.type);
  return SIHCE_TYPES.has(type) ? type : undefined;
};

/** The body of a create or update, when it is a resource of the URL's type; else the answer that refuses it. */
function resourceOf(ctx: SihceContext, request: Hapi.Request, h: Hapi.ResponseToolkit, type: string): Record<string, unknown> | Hapi.ResponseObject {
  const body = parseBody(request.payload);
  if (!body.ok) return badJson(ctx, h, body.error);
  const resource = body.value;
  if (!isObject(resource) || resource.resourceType !== type) {
    return reply(h, 400, simpleOutcome('invalid', `Se esperaba un recurso ${type}.`, `Expected a ${type} resource.`, 'FHIR-RESOURCE-TYPE', type));
  }
  return resource;
}

/**
 * Page size of a searchset when `_count` is absent. Every search of a certification is one patient's, a handful of
 * matches; a store a run has filled with thousands of Tasks is never sent whole (FHIR R4 http.html#paging).
 */
export const SEARCH_DEFAULT_PAGE_SIZE = 50;
/** The largest `_count` honoured: a bigger one is served at this size, with `next` links for the rest. */
export const SEARCH_MAX_PAGE_SIZE = 500;

/** `_count` (0 = the total only) and `_offset` of a search; a string says what is wrong with them. */
function pageOf(params: URLSearchParams): { count: number; offset: number } | string {
  const number = (name: string, fallback: number): number | string => {
    const values = params.getAll(name);
    if (values.length === 0) return fallback;
    if (values.length > 1 || !/^\d{1,9}$/.test(values[0]!)) return `${name} must be one non-negative integer`;
    return Number(values[0]);
  };
  const count = number('_count', SEARCH_DEFAULT_PAGE_SIZE);
  const offset = number('_offset', 0);
  if (typeof count === 'string') return count;
  if (typeof offset === 'string') return offset;
  return { count: Math.min(count, SEARCH_MAX_PAGE_SIZE), offset };
}

const isResponse = (x: Record<string, unknown> | Hapi.ResponseObject): x is Hapi.ResponseObject => typeof (x as { code?: unknown }).code === 'function';

const problemsOf = (ctx: SihceContext, resource: Record<string, unknown>): Finding[] =>
  ctx.faults.has('accept-invalid-resources') ? [] : checkResource(resource, ctx.validator).concat(ctx.subscriptions.problems(resource));

export const restPlugin: Hapi.Plugin<SihceContext> = {
  name: 'sihce-rest',
  register: (server, ctx) => {
    const { store, faults } = ctx;

    server.route({
      method: 'GET',
      path: `${FHIR_BASE_PATH}/metadata`,
      handler: (_request, h) =>
        reply(h, 200, {
          resourceType: 'CapabilityStatement',
          status: 'active',
          date: new Date().toISOString(),
          kind: 'instance',
          fhirVersion: '4.0.1',
          format: ['json'],
          software: { name: 'Sello reference SIHCE (pe-ris)' },
          rest: [
            {
              mode: 'server',
              resource: [...SIHCE_TYPES].map((type) => ({
                type,
                interaction: ['read', 'create', 'update', 'delete', 'search-type'].map((code) => ({ code })),
              })),
              interaction: [{ code: 'transaction' }],
            },
          ],
        }),
    });

    server.route({
      method: 'GET',
      path: `${FHIR_BASE_PATH}/{type}`,
      handler: (request, h) => {
        const type = typeOf(request);
        if (!type) return notFound(ctx, h, `El tipo de recurso ${String(request.params.type)}`);
        const params = new URLSearchParams(request.url.search);
        const page = pageOf(params);
        if (typeof page === 'string') return reply(h, 400, simpleOutcome('invalid', `Paginación inválida: ${page}`, `Invalid paging: ${page}`, 'FHIR-SEARCHPARAMETER'));
        params.delete('_offset');
        const found = store.search(type, params);
        const { unknown } = found;
        const resources = faults.has('search-ignores-patient') && params.has('patient') ? [] : found.resources;
        if (unknown.length > 0) {
          return reply(
            h,
            400,
            simpleOutcome('not-supported', `Parámetro de búsqueda no soportado: ${unknown.join(', ')}`, `Unsupported search parameter: ${unknown.join(', ')}`, 'FHIR-SEARCHPARAMETER'),
          );
        }
        const baseUrl = ctx.baseUrl();
        const pageUrl = (offset: number): string => {
          const q = new URLSearchParams(params);
          q.set('_count', String(page.count));
          q.set('_offset', String(offset));
          return `${baseUrl}/${type}?${q}`;
        };
        const link = [{ relation: 'self', url: `${baseUrl}/${type}${request.url.search}` }];
        if (page.offset > 0) link.push({ relation: 'previous', url: pageUrl(Math.max(0, page.offset - page.count)) });
        if (page.count > 0 && page.offset + page.count < resources.length) link.push({ relation: 'next', url: pageUrl(page.offset + page.count) });
        return reply(h, 200, {
          resourceType: 'Bundle',
          type: 'searchset',
          total: resources.length,
          link,
          entry: resources.slice(page.offset, page.offset + page.count).map((resource) => ({ fullUrl: `${baseUrl}/${type}/${String(resource.id)}`, resource, search: { mode: 'match' } })),
        });
      },
    });

    server.route({
      method: 'POST',
      path: `${FHIR_BASE_PATH}/{type}`,
      options: RAW_PAYLOAD,
      handler: (request, h) => {
        const type = typeOf(request);
        if (!type) return notFound(ctx, h, `El tipo de recurso ${String(request.params.type)}`);
        const unauthenticated = type === 'Subscription' ? ctx.subscriptions.refuseUnauthenticated(request, h) : undefined;
        if (unauthenticated) return unauthenticated;
        const resource = resourceOf(ctx, request, h, type);
        if (isResponse(resource)) return resource;
        const findings = problemsOf(ctx, resource);
        if (findings.length > 0) return refuse(h, findings);
        const toStore = { ...resource, resourceType: type } as Resource;
        const baseUrl = ctx.baseUrl();
        if (type === 'Subscription') {
          toStore.status = 'active';
          // The same active rest-hook (endpoint and criteria) twice is one subscription: its subscriber would
          // otherwise get every change twice, as two distinct events.
          const same = faults.has('duplicate-subscription') ? undefined : sameSubscription(store, toStore);
          if (same) return reply(h, 200, same, { location: `${baseUrl}/Subscription/${String(same.id)}` });
        }
        const created = store.create(toStore);
        ctx.subscriptions.statusChanged(undefined, created);
        if (faults.has('create-200')) return reply(h, 200, created, { location: `${baseUrl}/${type}/${String(created.id)}/_history/1` });
        return reply(h, 201, created, faults.has('no-location') ? {} : { location: `${baseUrl}/${type}/${String(created.id)}/_history/1` });
      },
    });

    server.route({
      method: 'GET',
      path: `${FHIR_BASE_PATH}/{type}/{id}`,
      handler: (request, h) => {
        const type = typeOf(request);
        if (!type) return notFound(ctx, h, `El tipo de recurso ${String(request.params.type)}`);
        const id = String(request.params.id);
        const dropsElement = faults.has('read-drops-element') && CRUD_ONLY.has(type);
        // The stored text as it is (a read under load is otherwise a clone and a serialisation of the same resource).
        const stored = dropsElement ? undefined : store.readJson(type, id);
        if (stored) return replyJsonText(h, 200, stored.text, { etag: `W/"${String(stored.versionId)}"` });
        const resource = dropsElement ? store.read(type, id) : undefined;
        if (resource) {
          // A server that does not persist an element it accepted: the last one written is gone on read.
          const keys = Object.keys(resource).filter((k) => !['resourceType', 'id', 'meta'].includes(k));
          const { [keys.at(-1) ?? '']: _dropped, ...rest } = resource;
          return reply(h, 200, rest);
        }
        if (store.wasDeleted(type, id)) return reply(h, 410, simpleOutcome('deleted' as Finding['code'], `${type}/${id} fue eliminado.`, `${type}/${id} was deleted.`, 'FHIR-API'));
        return notFound(ctx, h, `${type}/${id}`);
      },
    });

    server.route({
      method: 'PUT',
      path: `${FHIR_BASE_PATH}/{type}/{id}`,
      options: RAW_PAYLOAD,
      handler: (request, h) => {
        const type = typeOf(request);
        if (!type) return notFound(ctx, h, `El tipo de recurso ${String(request.params.type)}`);
        const unauthenticated = type === 'Subscription' ? ctx.subscriptions.refuseUnauthenticated(request, h) : undefined;
        if (unauthenticated) return unauthenticated;
        const id = String(request.params.id);
        const resource = resourceOf(ctx, request, h, type);
        if (isResponse(resource)) return resource;
        if (resource.id !== id && !faults.has('update-ignores-id')) {
          return reply(
            h,
            400,
            simpleOutcome(
              'invalid',
              `El id del cuerpo (${String(resource.id)}) no es el de la URL (${id}).`,
              `The body's id (${String(resource.id)}) is not the URL's (${id}).`,
              'FHIR-API',
              `${type}.id`,
            ),
          );
        }
        const findings = problemsOf(ctx, resource);
        if (findings.length > 0) return refuse(h, findings);
        const change = store.update(type, id, { ...resource, id } as Resource, faults.has('no-version-bump') && CRUD_ONLY.has(type));
        ctx.subscriptions.statusChanged(change.previous, change.current);
        return reply(h, change.created ? 201 : 200, change.current);
      },
    });

    server.route({
      method: 'DELETE',
      path: `${FHIR_BASE_PATH}/{type}/{id}`,
      handler: (request, h) => {
        const type = typeOf(request);
        if (!type) return notFound(ctx, h, `El tipo de recurso ${String(request.params.type)}`);
        const unauthenticated = type === 'Subscription' ? ctx.subscriptions.refuseUnauthenticated(request, h) : undefined;
        if (unauthenticated) return unauthenticated;
        const id = String(request.params.id);
        if (faults.has('delete-keeps') && CRUD_ONLY.has(type) && store.read(type, id)) return h.response().code(204);
        if (!store.delete(type, id) && !store.wasDeleted(type, id)) return notFound(ctx, h, `${type}/${id}`);
        if (type === 'Subscription') ctx.subscriptions.dropped(id);
        return h.response().code(204);
      },
    });
  },
};
