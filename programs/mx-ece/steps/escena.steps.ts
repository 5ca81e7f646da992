/**
 * Setting the scene: synthetic IMSS patients loaded at the source, their padrón records and consents at the SSA —
 * through the control APIs, whoever plays those roles — and the stimuli Sello's own imss-ece answers a receiver with.
 */
import { Given } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import { type Institution, LARGE_RECORD_NOTES, PATH } from '../lib/contract.ts';
import { transactionBundle } from '../lib/expediente.ts';
import type { Beneficiario, PatientRecord } from '../lib/record.ts';
import { withinRetention } from '../lib/retention.ts';
import { beneficiarioOf, consentFor, generateRecord } from '../lib/synthetic-record.ts';
import { type EceScenario, ece, type ScenarioPatient, SELLO } from './ece-context.ts';
import { LARGE_LOAD_REQUESTS, REQUESTING } from './timeouts.ts';

type PadronVariant = 'conoce' | 'no-conoce' | 'otra-fecha';

async function loadPatient(context: EceScenario, alias: string, opts: { large?: boolean; padron?: PadronVariant }): Promise<ScenarioPatient> {
  const now = new Date();
  const rng = opts.large ? largeRecordRng(context) : context.rng(alias);
  const record = opts.large ? largeRecord(context, now) : completeHistory(rng, now, undefined);
  await loadRecord(context, alias, record, opts.large === true);
  const patient: ScenarioPatient = { alias, record, curp: record.curp, consents: new Map(), loadedAt: now };
  const padron = opts.padron ?? 'conoce';
  if (padron !== 'no-conoce') {
    const beneficiario: Beneficiario = beneficiarioOf(record, rng.fork('padron'));
    if (padron === 'otra-fecha') beneficiario.fechaNacimiento = otherBirthDate(beneficiario.fechaNacimiento);
    const registered = await context.send({ method: 'POST', url: `${context.control('ssa-pgs')}${PATH.loadBeneficiario}`, body: beneficiario, from: SELLO, to: 'ssa-pgs' });
    if (registered.status >= 300) throw new Error(`the SSA's control API did not register "${alias}" in the padrón (${registered.status}): ${registered.text.slice(0, 300)}`);
    patient.beneficiario = beneficiario;
  }
  context.patients.set(alias, patient);
  return patient;
}

/**
 * The source gets the record through its control API, as a vendor's imss-ece must. Sello's own imss-ece, in this
 * process, takes a large record from the hand instead: posting 60 MB of JSON to it costs seconds of serialising,
 * parsing and journaling on the one thread that also serves and judges the scenario, and proves nothing (no rule
 * judges a control API). The small records keep the control API, so its path runs in every reference run too.
 */
async function loadRecord(context: EceScenario, alias: string, record: PatientRecord, large: boolean): Promise<void> {
  const own = context.deployment.imss;
  if (large && own) {
    own.load(record);
    return;
  }
  const loaded = await context.send({
    method: 'POST',
    url: `${context.control('imss-ece')}${PATH.loadRecord}`,
    body: transactionBundle(record),
    from: SELLO,
    to: 'imss-ece',
    headers: { 'content-type': 'application/fhir+json' },
    // Test equipment taking a whole history: a large one is several requests' worth of work at the source.
    ...(large ? { timeoutMs: LARGE_LOAD_REQUESTS * context.requestMs } : {}),
  });
  if (loaded.status >= 300) throw new Error(`IMSS's control API did not load "${alias}" (${loaded.status}): ${loaded.text.slice(0, 300)}`);
}

/**
 * The 50,000-note record, drawn once per worker from the run's seed alone (not the scenario's): every scenario that
 * needs it gets the same one, as it would if each drew its own from that seed, without 0.7 s of generation and
 * ~100 MB of heap per scenario. Its patient is one person: each scenario registers and revokes its own consent.
 */
let large: { seed: string; record: PatientRecord } | undefined;
const largeRecordRng = (context: EceScenario): SeededRandom => new SeededRandom(`${context.world.run.seed}:expediente-grande`);
function largeRecord(context: EceScenario, now: Date): PatientRecord {
  const seed = context.world.run.seed;
  if (large?.seed !== seed) large = { seed, record: completeHistory(largeRecordRng(context), now, LARGE_RECORD_NOTES) };
  return large.record;
}

/**
 * A history with something of every kind inside the 7-year window (diagnoses, labs, prescriptions, notes), so that a
 * scenario judging codes always has codes to judge: the seeded draws are tried in turn, the same ones on every run.
 */
function completeHistory(rng: SeededRandom, now: Date, notes: number | undefined): PatientRecord {
  for (let attempt = 0; ; attempt++) {
    const record = generateRecord(rng.fork(attempt === 0 ? 'historial' : `historial-${attempt}`), { now, ...(notes !== undefined ? { notes } : {}) });
    const kinds = new Set(record.clinical.filter((r) => withinRetention(r, now)).map((r) => r.resourceType));
    if (['Encounter', 'Condition', 'Observation', 'MedicationRequest', 'DocumentReference'].every((k) => kinds.has(k)) || attempt === 20) return record;
  }
}

/** A birth date a year earlier: the CURP's date no longer agrees, which is what the padrón must then show. */
function otherBirthDate(date: string): string {
  const year = Number(date.slice(0, 4)) - 1;
  const day = date.slice(5) === '02-29' ? '02-28' : date.slice(5);
  return `${year}-${day}`;
}

export async function registerConsent(context: EceScenario, alias: string, to: Institution, expired: boolean): Promise<string> {
  const patient = context.patient(alias);
  const id = context.idFor('consentimiento', alias, to);
  const consent = consentFor(patient.record, to, { now: new Date(), id, ...(expired ? { expired } : {}) });
  const answer = await context.send({
    method: 'POST',
    url: `${context.control('ssa-pgs')}${PATH.loadConsent}`,
    body: consent,
    from: SELLO,
    to: 'ssa-pgs',
    headers: { 'content-type': 'application/fhir+json' },
  });
  if (answer.status >= 300) throw new Error(`the SSA's control API did not register the consent of "${alias}" (${answer.status}): ${answer.text.slice(0, 300)}`);
  const given = (answer.json as { id?: unknown } | undefined)?.id;
  const registered = typeof given === 'string' && given !== '' ? given : id;
  patient.consents.set(to, registered);
  context.consents.push({ patient, to, id: registered });
  return registered;
}

/** When a scenario ends its consents are registered again as inactive: a consent posted with the same id replaces it. */
export async function revokeConsents(context: EceScenario): Promise<void> {
  await Promise.allSettled(
    context.consents.map(({ patient, to, id }) => {
      const revoked = { ...consentFor(patient.record, to, { now: new Date(), id }), status: 'inactive' };
      return context.send({ method: 'POST', url: `${context.control('ssa-pgs')}${PATH.loadConsent}`, body: revoked, from: SELLO, to: 'ssa-pgs', headers: { 'content-type': 'application/fhir+json' } });
    }),
  );
}

Given('un paciente {string} de IMSS con {int} años de historial', REQUESTING, async function (this: SelloWorld, alias: string, years: number) {
  if (years !== 9) throw new Error('the synthetic histories reach back 9 years (some entries older than the 7-year window)');
  await loadPatient(ece(this), alias, {});
});

Given('un paciente {string} de IMSS con entradas apenas dentro de los 7 años', REQUESTING, async function (this: SelloWorld, alias: string) {
  // Every synthetic history has an encounter two days inside the window (lib/synthetic-record.ts).
  await loadPatient(ece(this), alias, {});
});

Given('un paciente {string} de IMSS con {int} notas médicas', REQUESTING, async function (this: SelloWorld, alias: string, notes: number) {
  if (notes !== LARGE_RECORD_NOTES) throw new Error(`the large record has ${LARGE_RECORD_NOTES} notes`);
  await loadPatient(ece(this), alias, { large: true });
});

Given('un paciente {string} de IMSS que el padrón no conoce', REQUESTING, async function (this: SelloWorld, alias: string) {
  await loadPatient(ece(this), alias, { padron: 'no-conoce' });
});

Given('un paciente {string} de IMSS cuyo registro en el padrón tiene otra fecha de nacimiento', REQUESTING, async function (this: SelloWorld, alias: string) {
  await loadPatient(ece(this), alias, { padron: 'otra-fecha' });
});

Given('que {string} consintió la transferencia a {institucion}', REQUESTING, async function (this: SelloWorld, alias: string, to: Institution) {
  await registerConsent(ece(this), alias, to, false);
});

Given('que el consentimiento de {string} a {institucion} venció', REQUESTING, async function (this: SelloWorld, alias: string, to: Institution) {
  await registerConsent(ece(this), alias, to, true);
});

/** Resolves once the clock has reached `at` (epoch ms): the event a whole-second timestamp needs, not a guess. */
async function clockReaches(at: number): Promise<void> {
  while (Date.now() < at) await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
}

Given('que Sello anota el instante presente', async function (this: SelloWorld) {
  const context = ece(this);
  // meta.lastUpdated has whole seconds at most sources (truncated or rounded): what was loaded before carries at most
  // the next whole second S, so the noted instant is S + 0.5 s, and what is loaded after must be stamped S + 1 or
  // later — the clock reaching S + 1 is the event each waits for (between 1 and 2 s in all, not 2.2 s).
  const next = Math.floor(Date.now() / 1000) * 1000 + 1000;
  await clockReaches(next + 500);
  context.noted = new Date(next + 500).toISOString();
  await clockReaches(next + 1000);
});

/** Stimuli: only Sello's imss-ece can be told to answer wrongly, and only a receiver is tested that way. */
function standInImss(context: EceScenario) {
  const imss = context.deployment.imss;
  if (!imss) throw new Error('imss-ece is the system under test: Sello cannot plant a stimulus in its answers');
  return imss;
}

Given('que IMSS entregará el expediente de {string} con sus entradas de más de 7 años', async function (this: SelloWorld, alias: string) {
  const context = ece(this);
  standInImss(context).stimulate(context.patient(alias).curp, ['ece-old-entries']);
});

Given('que IMSS entregará el expediente de {string} con otra fecha de nacimiento que la del padrón', async function (this: SelloWorld, alias: string) {
  const context = ece(this);
  standInImss(context).stimulate(context.patient(alias).curp, ['ece-patient-birthdate-off']);
});

Given('que IMSS responderá 202 con Retry-After de 1 segundo una vez antes del manifiesto', async function (this: SelloWorld) {
  // One in-progress answer gives the two polls RE-09.2 compares; Retry-After: 1 is the contract's least.
  standInImss(ece(this)).setExportPolls(1);
});
