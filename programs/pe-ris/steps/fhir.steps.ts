import { Given, Then, When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { isObject } from '../../../src/util/is-object.ts';
import { checkRefusal, fail, urlPath } from '../judges/expectations.ts';
import { subscriptionResource } from '../judges/notifications.ts';
import { type CrudType, changedResource, pacientePe, sampleResource } from '../lib/test-data.ts';
import { report, ris } from './ris-context.ts';

/** Content as sent, without what the server assigns (id, meta, and a narrative it generated: FHIR lets servers add one). */
function content(resource: unknown): string {
  if (!isObject(resource)) return JSON.stringify(resource);
  const { id: _id, meta: _meta, ...rest } = resource;
  if (isObject(rest.text) && rest.text.status === 'generated') delete rest.text;
  return JSON.stringify(sortKeys(rest));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isObject(value))
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  return value;
}

const version = (r: unknown): string | undefined => (isObject(r) && isObject(r.meta) && typeof r.meta.versionId === 'string' ? r.meta.versionId : undefined);

Given('que el SIHCE tiene registrada/registrado a(l) {persona} {string}', async function (this: SelloWorld, sexo: 'female' | 'male', alias: string) {
  const context = ris(this);
  const c = context.citizen(alias, sexo);
  const sent = await context.client.sihce('POST', 'Patient', pacientePe(c.person));
  if (sent.result.status !== 201 || !isObject(sent.result.json)) {
    report(this, [
      {
        ...fail(
          'RIS-FHIR-02',
          'processing',
          'Patient',
          `El SIHCE no registró el Patient de ${alias}: HTTP ${sent.result.status}.`,
          `SIHCE did not register ${alias}'s Patient: HTTP ${sent.result.status}.`,
        ),
        exchangeId: sent.exchange.id,
        side: 'response',
      },
    ]);
    return;
  }
  c.patientId = String(sent.result.json.id);
  c.patient = sent.result.json;
});

When('se crea en el SIHCE un/una {word} de {string}', async function (this: SelloWorld, type: CrudType, alias: string) {
  const context = ris(this);
  const c = context.citizen(alias);
  const resource = sampleResource(type, `Patient/${c.patientId}`);
  const sent = await context.client.sihce('POST', type, resource);
  context.last = sent.exchange;
  context.resource = { type, sent: resource, ...(await storedOf(context, type, sent.exchange)) };
});

/**
 * What the server stored on a create: its answer's body, or — a server may answer with no body (Prefer
 * return=minimal is its choice) — what its Location reads.
 */
async function storedOf(context: ReturnType<typeof ris>, type: string, x: ExchangeEntry): Promise<{ stored?: Record<string, unknown>; id?: string }> {
  const body = x.response?.body;
  if (isObject(body) && body.resourceType === type) return { stored: body, id: String(body.id) };
  const id = /\/([^/]+?)(?:\/_history\/[^/]+)?$/.exec(urlPath(x.response?.headers.location))?.[1];
  if (!id || x.status !== 201) return {};
  const read = await context.client.sihce('GET', `${type}/${id}`);
  return isObject(read.result.json) ? { stored: read.result.json, id } : { id };
}

/** The version a create or read names: meta.versionId, else the ETag (W/"v"), else the Location's _history/v. */
function versionOf(x: ExchangeEntry | undefined, body: unknown = x?.response?.body): string | undefined {
  return version(body) ?? /^W\/"(.+)"$/.exec(x?.response?.headers.etag ?? '')?.[1] ?? /\/_history\/([^/]+)$/.exec(x?.response?.headers.location ?? '')?.[1];
}

When('se crea en el SIHCE una Subscription rest-hook hacia {string}', async function (this: SelloWorld, endpoint: string) {
  const context = ris(this);
  const resource = subscriptionResource(endpoint);
  const sent = await context.client.sihce('POST', 'Subscription', resource);
  context.last = sent.exchange;
  context.resource = { type: 'Subscription', sent: resource, ...(await storedOf(context, 'Subscription', sent.exchange)) };
});

Then('el SIHCE responde 201 con Location y la versión 1', function (this: SelloWorld) {
  const context = ris(this);
  const x = context.lastExchange();
  const problems: string[] = [];
  if (x.status !== 201) problems.push(`HTTP ${x.status ?? x.error}`);
  if (!x.response?.headers.location) problems.push('sin cabecera Location / no Location header');
  // versionId is opaque in FHIR ("1" is only a habit): a create must name one, in its body, ETag or Location.
  const created = versionOf(x);
  if (created === undefined) problems.push('sin meta.versionId / no meta.versionId');
  else if (context.resource) context.resource.version = created;
  if (problems.length > 0) {
    report(this, [
      {
        ...fail(
          'RIS-FHIR-02',
          'processing',
          context.resource?.type ?? '',
          `La creación no respondió como manda FHIR: ${problems.join('; ')}.`,
          `The create did not answer as FHIR requires: ${problems.join('; ')}.`,
        ),
        exchangeId: x.id,
        side: 'response',
      },
    ]);
  }
});

Then('el/la {word} se lee en el SIHCE igual que se envió', async function (this: SelloWorld, _type: string) {
  const context = ris(this);
  const r = context.resource;
  if (!r?.id) throw new Error('nothing was created in this scenario');
  const sent = await context.client.sihce('GET', `${r.type}/${r.id}`);
  if (sent.result.status !== 200 || content(sent.result.json) !== content(r.sent)) {
    report(this, [
      {
        ...fail(
          'RIS-FHIR-02',
          'value',
          r.type,
          `Leer ${r.type}/${r.id} no devuelve lo enviado (HTTP ${sent.result.status}).`,
          `Reading ${r.type}/${r.id} does not return what was sent (HTTP ${sent.result.status}).`,
        ),
        exchangeId: sent.exchange.id,
        side: 'response',
      },
    ]);
  }
});

When('se actualiza el/la {word} en el SIHCE', async function (this: SelloWorld, _type: string) {
  const context = ris(this);
  const r = context.resource;
  if (!r?.id || !r.stored) throw new Error('nothing was created in this scenario');
  const next = changedResource(r.stored);
  const sent = await context.client.sihce('PUT', `${r.type}/${r.id}`, next);
  context.last = sent.exchange;
  r.sent = next;
});

Then('el/la {word} tiene la versión 2 en el SIHCE', async function (this: SelloWorld, _type: string) {
  const context = ris(this);
  const r = context.resource!;
  const x = context.lastExchange();
  const read = await context.client.sihce('GET', `${r.type}/${r.id}`);
  // A new version: another versionId than the create's (opaque: not necessarily "2").
  const now = versionOf(read.exchange, read.result.json);
  if (x.status !== 200 || now === undefined || now === r.version || content(read.result.json) !== content(r.sent)) {
    report(this, [
      {
        ...fail(
          'RIS-FHIR-02',
          'processing',
          r.type,
          `La actualización no dejó la versión 2 con lo enviado (PUT HTTP ${x.status}, versión ${String(version(read.result.json))}).`,
          `The update did not leave version 2 with what was sent (PUT HTTP ${x.status}, version ${String(version(read.result.json))}).`,
        ),
        exchangeId: read.exchange.id,
        side: 'response',
      },
    ]);
  }
});

Then('la búsqueda de {word} de {string} en el SIHCE lo/la encuentra', async function (this: SelloWorld, type: string, alias: string) {
  const context = ris(this);
  const c = context.citizen(alias);
  const sent = await context.client.sihce('GET', `${type}?patient=Patient/${c.patientId}`);
  const body = sent.result.json;
  const ids = isObject(body) && Array.isArray(body.entry) ? body.entry.map((e: { resource?: { id?: string } }) => e.resource?.id) : [];
  if (sent.result.status !== 200 || !isObject(body) || body.type !== 'searchset' || !ids.includes(context.resource?.id)) {
    report(this, [
      {
        ...fail(
          'RIS-FHIR-02',
          'not-found',
          type,
          `La búsqueda ${type}?patient=… no devuelve ${type}/${String(context.resource?.id)} (HTTP ${sent.result.status}).`,
          `Search ${type}?patient=… does not return ${type}/${String(context.resource?.id)} (HTTP ${sent.result.status}).`,
        ),
        exchangeId: sent.exchange.id,
        side: 'response',
      },
    ]);
  }
});

When('se elimina el/la {word} del SIHCE', async function (this: SelloWorld, _type: string) {
  const context = ris(this);
  const r = context.resource!;
  context.last = (await context.client.sihce('DELETE', `${r.type}/${r.id}`)).exchange;
});

Then('el/la {word} ya no se lee en el SIHCE', async function (this: SelloWorld, _type: string) {
  const context = ris(this);
  const r = context.resource!;
  const del = context.lastExchange();
  const read = await context.client.sihce('GET', `${r.type}/${r.id}`);
  if ((del.status !== 200 && del.status !== 202 && del.status !== 204) || (read.result.status !== 410 && read.result.status !== 404)) {
    report(this, [
      {
        ...fail(
          'RIS-FHIR-02',
          'processing',
          r.type,
          `Tras DELETE (HTTP ${del.status}) la lectura responde ${read.result.status}; se esperaba 410 o 404.`,
          `After DELETE (HTTP ${del.status}) reading answers ${read.result.status}; expected 410 or 404.`,
        ),
        exchangeId: read.exchange.id,
        side: 'response',
      },
    ]);
  }
});

// ——— bad input ———

When('se envía al SIHCE un Patient que no es JSON', async function (this: SelloWorld) {
  const context = ris(this);
  context.last = (await context.client.sihce('POST', 'Patient', '{"resourceType": "Patient", "name": [')).exchange;
});

When('se crea en el SIHCE el Patient de(l) {persona} {string} sin fecha de nacimiento', async function (this: SelloWorld, sexo: 'female' | 'male', alias: string) {
  const context = ris(this);
  const patient = pacientePe(context.citizen(alias, sexo).person);
  delete patient.birthDate;
  context.last = (await context.client.sihce('POST', 'Patient', patient)).exchange;
});

When('se crea en el SIHCE un recurso de tipo {string}', async function (this: SelloWorld, type: string) {
  const context = ris(this);
  context.last = (await context.client.sihce('POST', type, { resourceType: type })).exchange;
});

When('se envía al SIHCE el Patient de {string} con el id de otro', async function (this: SelloWorld, alias: string) {
  const context = ris(this);
  const c = context.citizen(alias);
  context.last = (await context.client.sihce('PUT', `Patient/${c.patientId}`, { ...c.patient, id: `${c.patientId}0`, gender: 'unknown' })).exchange;
});

When('se lee en el SIHCE la Task {string}', async function (this: SelloWorld, id: string) {
  const context = ris(this);
  context.last = (await context.client.sihce('GET', `Task/${id}`)).exchange;
});

Then('el SIHCE responde {int} con un OperationOutcome', function (this: SelloWorld, status: number) {
  this.report(checkRefusal(ris(this).lastExchange(), { status }, this.primaryRequirement));
});

Then('el SIHCE responde {int} con un OperationOutcome de la regla {string} en {string}', function (this: SelloWorld, status: number, ruleId: string, at: string) {
  this.report(checkRefusal(ris(this).lastExchange(), { status, ruleId, at }, this.primaryRequirement));
});

Then('el SIHCE conserva a {string} sin cambios', async function (this: SelloWorld, alias: string) {
  const context = ris(this);
  const c = context.citizen(alias);
  const read = await context.client.sihce('GET', `Patient/${c.patientId}`);
  if (read.result.status !== 200 || content(read.result.json) !== content(c.patient) || version(read.result.json) !== version(c.patient)) {
    report(this, [
      {
        ...fail(
          'RIS-FHIR-01',
          'processing',
          'Patient',
          `Tras una petición rechazada el Patient de ${alias} cambió o se perdió (HTTP ${read.result.status}, versión ${String(version(read.result.json))}).`,
          `After a refused request ${alias}'s Patient changed or was lost (HTTP ${read.result.status}, version ${String(version(read.result.json))}).`,
        ),
        exchangeId: read.exchange.id,
        side: 'response',
      },
    ]);
  }
});
