/**
 * Bulk exports. IMSS under test: Sello's ISSSTE runs the export through its control API (its requests are ISSSTE's
 * own, judged as such), or Sello sends the deliberate ones itself (a malformed _since, an unknown status URL).
 * A receiver under test: Sello tells it to export from Sello's IMSS. The Thens read the export's exchanges and what
 * the judges made of them.
 */
import { Then, When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { isRecord, jsonBody, pathOf, queryOf, roleOfParty } from '../judges/judged.ts';
import { type ExportFile, type ExportJob, urlKey } from '../judges/wire-state.ts';
import { type ExportCommand, INSTITUTION_OF, type Institution, PATH, type ReceiverRole } from '../lib/contract.ts';
import { type EceScenario, ece, journal, SELLO, selloAs } from './ece-context.ts';
import { expectStatus, fails } from './expectations.ts';
import { EXPORTING, REQUESTING } from './timeouts.ts';
import { scenarioFindings, wire, wireFindingsUnder } from './wire-findings.ts';

const receiverOf = (institution: Institution): ReceiverRole => (institution === 'ISSSTE' ? 'issste' : 'imss-bienestar');

/** A receiver runs an export through its control API; its outcome is kept for the Thens. */
export async function commandExport(context: EceScenario, institution: Institution, command: Omit<ExportCommand, 'fuente'>): Promise<void> {
  const role = receiverOf(institution);
  context.exportMark = journal.mark();
  const answer = await context.send({
    method: 'POST',
    url: `${context.control(role)}${PATH.exportRun}`,
    body: { fuente: context.fhirBaseUrl, ...command },
    from: SELLO,
    to: role,
    timeoutMs: context.exportMs + context.requestMs,
  });
  context.outcome = { status: answer.status, body: answer.json, exchange: answer.exchange };
}

const exportUrl = (context: EceScenario, query: Record<string, string> = {}): string => {
  const q = new URLSearchParams(query).toString();
  return `${context.fhirBaseUrl}${PATH.export.replace(/^\/fhir/, '')}${q ? `?${q}` : ''}`;
};

async function kickOff(context: EceScenario, query: Record<string, string>, stimulus: boolean): Promise<ExchangeEntry> {
  const answer = await context.send({
    method: 'GET',
    url: exportUrl(context, query),
    headers: { accept: 'application/fhir+json', prefer: 'respond-async', 'x-institucion': 'ISSSTE' },
    from: stimulus ? selloAs('ISSSTE') : 'issste',
    to: 'imss-ece',
  });
  context.last = answer.exchange;
  const location = answer.headers['content-location'];
  if (location) context.statusUrl = new URL(location, answer.exchange.url).href;
  return answer.exchange;
}

When('ISSSTE exporta su cohorte de IMSS', EXPORTING, async function (this: SelloWorld) {
  await commandExport(ece(this), 'ISSSTE', {});
});

When('ISSSTE exporta su cohorte de IMSS con _type {string}', EXPORTING, async function (this: SelloWorld, types: string) {
  await commandExport(ece(this), 'ISSSTE', { _type: types });
});

When('ISSSTE exporta su cohorte de IMSS desde el instante anotado', EXPORTING, async function (this: SelloWorld) {
  const context = ece(this);
  if (!context.noted) throw new Error('no instant was noted in this scenario');
  await commandExport(context, 'ISSSTE', { _since: context.noted });
});

When('ISSSTE inicia una exportación en IMSS con _since {string}', REQUESTING, async function (this: SelloWorld, since: string) {
  await kickOff(ece(this), { _since: since }, true);
});

When('ISSSTE inicia una exportación en IMSS', REQUESTING, async function (this: SelloWorld) {
  const context = ece(this);
  const x = await kickOff(context, {}, false);
  expectStatus(this, x, [202], 'RE-08');
  if (!context.statusUrl) this.report([fails(this, x, 'RE-08', 'header:Content-Location', 'IMSS aceptó la exportación sin Content-Location.', 'IMSS accepted the export without Content-Location.')]);
});

When('ISSSTE cancela la exportación', REQUESTING, async function (this: SelloWorld) {
  const context = ece(this);
  if (!context.statusUrl) throw new Error('no export was kicked off in this scenario');
  const headers = { accept: 'application/fhir+json', 'x-institucion': 'ISSSTE' };
  const deleted = await context.send({ method: 'DELETE', url: context.statusUrl, headers, from: 'issste', to: 'imss-ece' });
  const after = await context.send({ method: 'GET', url: context.statusUrl, headers, from: 'issste', to: 'imss-ece' });
  context.lastBatch = [deleted.exchange, after.exchange];
});

When('ISSSTE consulta en IMSS una URL de estado que no existe', REQUESTING, async function (this: SelloWorld) {
  const context = ece(this);
  if (!context.statusUrl) throw new Error('no export was kicked off in this scenario');
  // A job named in the query (…/$export-poll-status?_jobId=…) or in the path: the name is changed where it is.
  const url = new URL(context.statusUrl);
  if ([...url.searchParams].length > 0) for (const [name, value] of [...url.searchParams]) url.searchParams.set(name, `${value}-no-existe`);
  else url.pathname = `${url.pathname.replace(/\/$/, '')}-no-existe`;
  const answer = await context.send({ method: 'GET', url: url.href, headers: { accept: 'application/fhir+json', 'x-institucion': 'ISSSTE' }, from: selloAs('ISSSTE'), to: 'imss-ece' });
  context.last = answer.exchange;
});

When('Sello pide a {institucion} exportar su cohorte de IMSS', EXPORTING, async function (this: SelloWorld, institution: Institution) {
  await commandExport(ece(this), institution, {});
});

When('Sello pide a {institucion} exportar su cohorte de IMSS con _type {string} y _since de hace una hora', EXPORTING, async function (this: SelloWorld, institution: Institution, types: string) {
  const context = ece(this);
  context.noted = new Date(Date.now() - 3_600_000).toISOString();
  await commandExport(context, institution, { _type: types, _since: context.noted });
});

When('Sello pide a {institucion} exportar su cohorte de IMSS y cancelarla', EXPORTING, async function (this: SelloWorld, institution: Institution) {
  await commandExport(ece(this), institution, { cancelar: true });
});

/** The export the scenario ran: its kick-off by `institution` (ISSSTE unless said), its job, files and their summaries. */
async function theExport(world: SelloWorld, rule: string, institution: Institution = 'ISSSTE') {
  const context = ece(world);
  await scenarioFindings(world);
  const since = context.exportMark ?? context.mark;
  const exchanges = context.exchanges(since);
  const kickoff = exchanges.find((x) => pathOf(x.url).endsWith('/Patient/$export') && roleOfParty(x.from) === receiverOf(institution));
  if (!kickoff) {
    world.report([fails(world, context.outcome?.exchange, rule, PATH.export, `${institution} no inició ninguna exportación en IMSS.`, `${institution} kicked off no export at IMSS.`)]);
    throw new Error('unreachable');
  }
  const location = kickoff.response?.headers['content-location'];
  const job: ExportJob | undefined = location ? wire.jobs.get(urlKey(location, kickoff.url)) : undefined;
  const files: ExportFile[] = job ? [...wire.files.values()].filter((f) => f.job === job) : [];
  const downloads = (file: ExportFile) => exchanges.filter((x) => x.method === 'GET' && urlKey(x.url) === file.key);
  const summaries = files.flatMap((f) => downloads(f).flatMap((x) => (wire.fileSummaries.has(x.id) ? [{ file: f, summary: wire.fileSummaries.get(x.id)! }] : [])));
  return { context, exchanges, kickoff, job, files, downloads, summaries };
}

Then('IMSS aceptó la exportación con 202 y Content-Location', REQUESTING, async function (this: SelloWorld) {
  const { kickoff } = await theExport(this, 'RE-08');
  expectStatus(this, kickoff, [202], 'RE-08');
  this.report(await wireFindingsUnder(this, 'RE-08'));
});

Then('IMSS terminó la exportación con un manifiesto completo', REQUESTING, async function (this: SelloWorld) {
  const { job, kickoff } = await theExport(this, 'RE-09');
  this.report(await wireFindingsUnder(this, 'RE-09'));
  if (!job?.manifest) this.report([fails(this, kickoff, 'RE-09', 'status', 'La exportación no terminó con un manifiesto (estado 200).', 'The export did not end with a manifest (status 200).')]);
});

Then('cada archivo de la exportación es NDJSON de su tipo', REQUESTING, async function (this: SelloWorld) {
  const { files, downloads, kickoff } = await theExport(this, 'RE-10');
  this.report(await wireFindingsUnder(this, 'RE-10'));
  const output = files.filter((f) => f.kind === 'output');
  if (output.length === 0) this.report([fails(this, kickoff, 'RE-10', '/output', 'El manifiesto no lista ningún archivo de salida.', 'The manifest lists no output file.')]);
  const missed = output.filter((f) => downloads(f).length === 0);
  if (missed.length > 0) throw new Error(`Sello's ISSSTE did not download ${missed.map((f) => f.url).join(', ')}`);
});

function exportedCurps(summaries: Array<{ file: ExportFile; summary: { curps: string[] } }>): Set<string> {
  return new Set(summaries.filter((s) => s.file.kind === 'output').flatMap((s) => s.summary.curps));
}

function expectCohort(world: SelloWorld, present: string[], absent: string[], rule: string, exported: Set<string>, x: ExchangeEntry): void {
  const context = ece(world);
  const wrong = [
    ...present.filter((a) => !exported.has(context.patient(a).curp)).map((a) => ({ es: `no trae a «${a}» (${context.patient(a).curp})`, en: `does not carry "${a}" (${context.patient(a).curp})` })),
    ...absent
      .filter((a) => exported.has(context.patient(a).curp))
      .map((a) => ({ es: `trae a «${a}» (${context.patient(a).curp}), que no debía`, en: `carries "${a}" (${context.patient(a).curp}), who should not be there` })),
  ];
  if (wrong.length > 0) world.report([fails(world, x, rule, '/output', `La exportación ${wrong.map((w) => w.es).join('; ')}.`, `The export ${wrong.map((w) => w.en).join('; ')}.`)]);
}

Then('la exportación trae a {string} y {string} y no a {string} ni {string}', REQUESTING, async function (this: SelloWorld, a: string, b: string, c: string, d: string) {
  const { summaries, kickoff } = await theExport(this, 'RE-01');
  expectCohort(this, [a, b], [c, d], 'RE-01', exportedCurps(summaries), kickoff);
});

Then('la exportación trae a {string} y no a {string}', REQUESTING, async function (this: SelloWorld, a: string, b: string) {
  const rule = this.primaryRequirement;
  const { summaries, kickoff } = await theExport(this, rule);
  expectCohort(this, [a], [b], rule, exportedCurps(summaries), kickoff);
});

Then('la exportación trae a {string}', REQUESTING, async function (this: SelloWorld, a: string) {
  const rule = this.primaryRequirement;
  const { summaries, kickoff } = await theExport(this, rule);
  expectCohort(this, [a], [], rule, exportedCurps(summaries), kickoff);
});

Then('ninguna línea de la exportación tiene más de 7 años', REQUESTING, async function (this: SelloWorld) {
  const { summaries, kickoff } = await theExport(this, 'RE-02');
  this.report(await wireFindingsUnder(this, 'RE-02'));
  if (!summaries.some((s) => s.file.kind === 'output' && s.summary.lines > 0))
    this.report([fails(this, kickoff, 'RE-02', '/output', 'La exportación no trae ninguna línea.', 'The export carries no line.')]);
});

Then('la exportación solo trae archivos de Patient y Condition', REQUESTING, async function (this: SelloWorld) {
  const { files, kickoff } = await theExport(this, 'RE-11');
  const others = [...new Set(files.filter((f) => f.kind === 'output' && f.type !== 'Patient' && f.type !== 'Condition').map((f) => f.type))];
  if (others.length > 0)
    this.report([
      fails(
        this,
        kickoff,
        'RE-11',
        '/output',
        `Con _type=Patient,Condition el manifiesto trae además ${others.join(', ')}.`,
        `With _type=Patient,Condition the manifest also lists ${others.join(', ')}.`,
      ),
    ]);
});

Then('un archivo de error de la exportación trae un OperationOutcome con la CURP de {string}', REQUESTING, async function (this: SelloWorld, alias: string) {
  const { summaries, kickoff, context } = await theExport(this, 'RE-13');
  const curp = context.patient(alias).curp;
  const named = summaries.filter((s) => s.file.kind === 'error').some((s) => s.summary.named.some((text) => text.includes(curp)));
  if (!named)
    this.report([fails(this, kickoff, 'RE-13', '/error', `Ningún archivo de error trae un OperationOutcome que nombre ${curp}.`, `No error file carries an OperationOutcome naming ${curp}.`)]);
});

Then('IMSS aceptó la cancelación y la URL de estado responde 404', REQUESTING, async function (this: SelloWorld) {
  const context = ece(this);
  const [deleted, after] = context.lastBatch;
  expectStatus(this, deleted, [200, 202, 204], 'RE-12');
  expectStatus(this, after, [404], 'RE-12');
  this.report(await wireFindingsUnder(this, 'RE-12'));
});

/** The receiver's export: what it sent and what it reported. */
async function receiverExport(world: SelloWorld, institution: Institution, rule: string) {
  const found = await theExport(world, rule, institution);
  const outcome = found.context.outcome;
  const body = isRecord(outcome?.body) ? outcome.body : {};
  return { ...found, body };
}

Then('{institucion} inició la exportación con Accept application\\/fhir+json y Prefer respond-async', REQUESTING, async function (this: SelloWorld, institution: Institution) {
  await receiverExport(this, institution, 'RE-08');
  this.report(await wireFindingsUnder(this, 'RE-08'));
});

Then('{institucion} esperó al menos Retry-After entre dos consultas', REQUESTING, async function (this: SelloWorld, institution: Institution) {
  const { job, kickoff } = await receiverExport(this, institution, 'RE-09');
  this.report(await wireFindingsUnder(this, 'RE-09'));
  const polls = (job?.polls ?? []).filter((p) => p.role === receiverOf(institution));
  if (polls.length < 2)
    this.report([
      fails(
        this,
        kickoff,
        'RE-09',
        'status',
        `${institution} consultó el estado ${polls.length} vez/veces; IMSS respondió 202 antes del manifiesto.`,
        `${institution} polled the status ${polls.length} time(s); IMSS answered 202 before the manifest.`,
      ),
    ]);
});

Then('{institucion} descargó todos los archivos del manifiesto e importó todas sus líneas', REQUESTING, async function (this: SelloWorld, institution: Institution) {
  const { files, downloads, summaries, body, kickoff } = await receiverExport(this, institution, 'RE-10');
  const missed = files.filter((f) => downloads(f).every((x) => roleOfParty(x.from) !== receiverOf(institution)));
  if (files.length === 0 || missed.length > 0) {
    this.report([
      fails(
        this,
        kickoff,
        'RE-10',
        '/output',
        `${institution} no descargó ${files.length === 0 ? 'ningún archivo' : missed.map((f) => f.url).join(', ')}.`,
        `${institution} did not download ${files.length === 0 ? 'any file' : missed.map((f) => f.url).join(', ')}.`,
      ),
    ]);
  }
  const served = new Map<string, number>();
  for (const s of summaries.filter((s) => s.file.kind === 'output')) served.set(s.file.type, (served.get(s.file.type) ?? 0) + s.summary.lines);
  const recursos = isRecord(body.recursos) ? body.recursos : {};
  const short = [...served].filter(([type, lines]) => Number(recursos[type] ?? 0) < lines);
  if (short.length > 0) {
    this.report([
      fails(
        this,
        kickoff,
        'RE-10',
        '/recursos',
        `${institution} importó menos de lo servido: ${short.map(([t, n]) => `${t} ${String(recursos[t] ?? 0)}/${n}`).join(', ')}.`,
        `${institution} imported less than was served: ${short.map(([t, n]) => `${t} ${String(recursos[t] ?? 0)}/${n}`).join(', ')}.`,
      ),
    ]);
  }
});

Then('{institucion} contó los errores del archivo de error', REQUESTING, async function (this: SelloWorld, institution: Institution) {
  const { summaries, body, kickoff } = await receiverExport(this, institution, 'RE-13');
  const errors = summaries.filter((s) => s.file.kind === 'error').reduce((n, s) => n + s.summary.lines, 0);
  if (errors === 0) throw new Error("Sello's IMSS listed no error line: the scenario needs a cohort member the padrón does not know");
  if (body.errores !== errors)
    this.report([
      fails(
        this,
        kickoff,
        'RE-13',
        '/errores',
        `${institution} informa errores ${String(body.errores)}; el archivo de error trae ${errors}.`,
        `${institution} reports errores ${String(body.errores)}; the error file has ${errors}.`,
      ),
    ]);
});

Then('{institucion} inició la exportación con ese _type y ese _since', REQUESTING, async function (this: SelloWorld, institution: Institution) {
  const { kickoff, context } = await receiverExport(this, institution, 'RE-11');
  const query = queryOf(kickoff.url);
  const body = jsonBody(kickoff.request);
  const fromBody = (name: string) => (isRecord(body) && Array.isArray(body.parameter) ? body.parameter.find((p) => isRecord(p) && p.name === name) : undefined) as Record<string, unknown> | undefined;
  const value = (name: string) => query.get(name) ?? (fromBody(name)?.valueString as string | undefined) ?? (fromBody(name)?.valueInstant as string | undefined);
  const typeGiven = (value('_type') ?? '')
    .split(',')
    .map((t) => t.trim())
    .sort()
    .join(',');
  const since = value('_since');
  const ok = typeGiven === 'Observation,Patient' && since !== undefined && Date.parse(since) === Date.parse(context.noted ?? '');
  if (!ok)
    this.report([
      fails(
        this,
        kickoff,
        'RE-11',
        'query',
        `El inicio lleva _type «${value('_type') ?? ''}» y _since «${since ?? ''}»; se pidieron Patient,Observation y ${context.noted}.`,
        `The kick-off carries _type "${value('_type') ?? ''}" and _since "${since ?? ''}"; Patient,Observation and ${context.noted} were asked for.`,
      ),
    ]);
});

Then('{institucion} canceló la exportación con DELETE y no consultó más', REQUESTING, async function (this: SelloWorld, institution: Institution) {
  const { job, exchanges, kickoff, body } = await receiverExport(this, institution, 'RE-12');
  const role = receiverOf(institution);
  const statusKey = job?.statusKey;
  const deleted = exchanges.find((x) => x.method === 'DELETE' && urlKey(x.url) === statusKey && roleOfParty(x.from) === role);
  if (!deleted) {
    this.report([fails(this, kickoff, 'RE-12', 'DELETE', `${institution} no envió DELETE a la URL de estado.`, `${institution} sent no DELETE to the status URL.`)]);
    return;
  }
  const later = exchanges.filter((x) => x.method === 'GET' && urlKey(x.url) === statusKey && roleOfParty(x.from) === role && Date.parse(x.startedAt) > Date.parse(deleted.finishedAt));
  if (later.length > 0)
    this.report([
      fails(
        this,
        later[0],
        'RE-12',
        'status',
        `${institution} siguió consultando el estado después del DELETE (${later.length} vez/veces).`,
        `${institution} kept polling the status after the DELETE (${later.length} time(s)).`,
      ),
    ]);
  if (body.estado !== 'cancelado')
    this.report([
      fails(
        this,
        kickoff,
        'RE-12',
        '/estado',
        `${institution} informa estado «${String(body.estado)}»; se esperaba cancelado.`,
        `${institution} reports estado "${String(body.estado)}"; cancelado was expected.`,
      ),
    ]);
});
