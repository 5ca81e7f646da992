/**
 * SIHCE's transaction intake (hapi plugin): a triage Bundle POSTed to the base is checked against TriageBundle and
 * RP-01…RP-08 and refused whole with an OperationOutcome, or applied whole.
 */

import { randomUUID } from 'node:crypto';
import type Hapi from '@hapi/hapi';
import type { FhirStore, Resource } from '../../../../src/fhir-server/store.ts';
import { isObject } from '../../../../src/util/is-object.ts';
import { checkTriageBundle } from '../../judges/triage-check.ts';
import { badJson, FHIR_BASE_PATH, parseBody, RAW_PAYLOAD, refuse, reply, type SihceContext } from './context.ts';

export const transactionPlugin: Hapi.Plugin<SihceContext> = {
  name: 'sihce-transaction',
  register: (server, ctx) => {
    // fhir-kit-client posts a transaction to the base with a trailing slash: both forms are the base.
    for (const path of [FHIR_BASE_PATH, `${FHIR_BASE_PATH}/`])
      server.route({
        method: 'POST',
        path,
        options: RAW_PAYLOAD,
        handler: (request, h) => {
          const body = parseBody(request.payload);
          if (!body.ok) return badJson(ctx, h, body.error);
          const subscriptionRefused = ctx.subscriptions.refuseInTransaction(request, h, body.value);
          if (subscriptionRefused) return subscriptionRefused;
          const findings = checkTriageBundle(body.value, { validator: ctx.validator, skip: ctx.skip });
          if (findings.length > 0) return refuse(h, findings);
          return reply(
            h,
            200,
            applyTransaction(ctx.store, body.value as Resource, (previous, current) => ctx.subscriptions.statusChanged(previous, current)),
          );
        },
      });
  },
};

/**
 * Applies a (checked) transaction: conditional creates (`ifNoneExist`) reuse the stored resource — a patient already
 * registered by DNI is not registered twice —, every other entry is created, and references to the Bundle's fullUrls
 * become references to the stored resources.
 */
export function applyTransaction(store: FhirStore, bundle: Resource, statusChanged: (previous: Resource | undefined, current: Resource) => void): Resource {
  const entries = (Array.isArray(bundle.entry) ? bundle.entry : []).filter(isObject);
  const idFor = new Map<string, string>();
  const plan = entries.map((entry) => {
    const resource = entry.resource as Resource;
    const request = isObject(entry.request) ? entry.request : {};
    const ifNoneExist = typeof request.ifNoneExist === 'string' ? request.ifNoneExist : undefined;
    const existing = ifNoneExist ? store.search(resource.resourceType, new URLSearchParams(ifNoneExist)).resources[0] : undefined;
    const id = existing ? String(existing.id) : store.nextId();
    if (typeof entry.fullUrl === 'string') idFor.set(entry.fullUrl, `${resource.resourceType}/${id}`);
    return { resource, id, existing };
  });
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (!isObject(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'reference' && typeof v === 'string' && idFor.has(v) ? idFor.get(v) : rewrite(v)]));
  };
  const responses = plan.map(({ resource, id, existing }) => {
    if (existing) return { response: { status: '200 OK', location: `${resource.resourceType}/${id}/_history/${String((existing.meta as { versionId?: string }).versionId ?? '1')}` } };
    const stored = store.create(rewrite(resource) as Resource, id);
    statusChanged(undefined, stored);
    return { response: { status: '201 Created', location: `${resource.resourceType}/${id}/_history/1`, etag: 'W/"1"' } };
  });
  return { resourceType: 'Bundle', id: randomUUID(), type: 'transaction-response', entry: responses };
}
