/**
 * One patient's record: Sello, as ISSSTE, asks IMSS for it (a consented request is ISSSTE's own and judged as
 * such; the deliberate ones — no consent, another institution's, a body that is not JSON — are Sello's stimuli), and
 * the Thens read what came back: the wire judge's findings under the behaviour's rule, and what the record holds.
 */
import { Then, When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { sendHttpStreaming } from '../../../src/transport/http-client.ts';
import { type Institution, LARGE_RECORD_NOTES, PATH, RETENTION_YEARS, roleOfInstitution, SYSTEM } from '../lib/contract.ts';
import { isSummary, withinRetention } from '../lib/retention.ts';
import { type EceScenario, ece, journal, selloAs } from './ece-context.ts';
import { expectRefusal, expectStatus, fails } from './expectations.ts';
import { REQUESTING } from './timeouts.ts';
import { judgedRecord, wireFindingsUnder } from './wire-findings.ts';

async function askEverything(context: EceScenario, alias: string, consent: string | undefined, as: Institution, stimulus: boolean): Promise<void> {
  const patient = context.patient(alias);
  const query = new URLSearchParams({ identifier: `${SYSTEM.curp}|${patient.curp}`, ...(consent ? { consent } : {}) });
  const answer = await sendHttpStreaming(
    journal,
    {
      method: 'GET',
      url: `${context.fhirBaseUrl}${PATH.everything.replace(/^\/fhir/, '')}?${query}`,
      headers: { accept: 'application/fhir+json', 'x-institucion': as },
      from: stimulus ? selloAs(as) : (roleOfInstitution(as) ?? as),
      to: 'imss-ece',
      timeoutMs: context.requestMs,
    },
    // Read to the end and dropped: the journal keeps the bytes, the judges read them back as a stream.
    async ({ body }) => {
      for await (const _ of body);
    },
  );
  context.last = answer.exchange;
}

When('ISSSTE pide el expediente de {string} con su consentimiento', REQUESTING, async function (this: SelloWorld, alias: string) {
  const context = ece(this);
  const consent = context.patient(alias).consents.get('ISSSTE');
  if (!consent) throw new Error(`"${alias}" has no consent to ISSSTE in this scenario`);
  await askEverything(context, alias, consent, 'ISSSTE', false);
});

When('ISSSTE pide el expediente de {string} sin consentimiento', REQUESTING, async function (this: SelloWorld, alias: string) {
  await askEverything(ece(this), alias, undefined, 'ISSSTE', true);
});

When('ISSSTE pide el expediente de {string} con el consentimiento otorgado a IMSS-Bienestar', REQUESTING, async function (this: SelloWorld, alias: string) {
  const context = ece(this);
  const consent = context.patient(alias).consents.get('IMSS-BIENESTAR');
  if (!consent) throw new Error(`"${alias}" has no consent to IMSS-Bienestar in this scenario`);
  await askEverything(context, alias, consent, 'ISSSTE', true);
});

When('ISSSTE envía a IMSS un $everything cuyo cuerpo no es JSON', REQUESTING, async function (this: SelloWorld) {
  const context = ece(this);
  const answer = await context.send({
    method: 'POST',
    url: `${context.fhirBaseUrl}${PATH.everything.replace(/^\/fhir/, '')}`,
    headers: { accept: 'application/fhir+json', 'content-type': 'application/fhir+json', 'x-institucion': 'ISSSTE' },
    body: '{"resourceType": "Parameters", "parameter": [',
    from: selloAs('ISSSTE'),
    to: 'imss-ece',
  });
  context.last = answer.exchange;
});

Then('IMSS entrega el expediente de {string}', REQUESTING, async function (this: SelloWorld, alias: string) {
  const context = ece(this);
  const x = expectStatus(this, context.last, [200], 'RE-01');
  const record = await judgedRecord(this, x);
  const curp = context.patient(alias).curp;
  if (!record.patientCurps.includes(curp)) {
    this.report([fails(this, x, 'RE-03', '/entry', `El expediente no trae un Patient con la CURP ${curp}.`, `The record carries no Patient with CURP ${curp}.`)]);
  }
});

Then('IMSS rechaza la solicitud con {int} o {int} nombrando {word}', async function (this: SelloWorld, a: number, b: number, rule: string) {
  expectRefusal(this, ece(this).last, [a, b], rule);
});

Then('IMSS rechaza la solicitud con {int} nombrando {word}', async function (this: SelloWorld, status: number, rule: string) {
  expectRefusal(this, ece(this).last, [status], rule);
});

Then('IMSS rechaza la solicitud con {int} con un OperationOutcome', async function (this: SelloWorld, status: number) {
  expectRefusal(this, ece(this).last, [status]);
});

Then('IMSS responde 4xx con un OperationOutcome', async function (this: SelloWorld) {
  expectRefusal(this, ece(this).last, 'any-4xx');
});

Then('IMSS responde 404 con un OperationOutcome', async function (this: SelloWorld) {
  expectRefusal(this, ece(this).last, [404]);
});

Then('ninguna entrada clínica del expediente tiene más de {int} años', REQUESTING, async function (this: SelloWorld, years: number) {
  if (years !== RETENTION_YEARS) throw new Error(`the window is ${RETENTION_YEARS} years`);
  const context = ece(this);
  const record = await judgedRecord(this, expectStatus(this, context.last, [200], 'RE-02'));
  this.report(await wireFindingsUnder(this, 'RE-02'));
  if (record.clinical === 0) this.report([fails(this, context.last!, 'RE-02', '/entry', 'El expediente no trae ninguna entrada clínica.', 'The record carries no clinical entry.')]);
});

Then('el expediente trae todas las entradas de los últimos {int} años de {string}', REQUESTING, async function (this: SelloWorld, years: number, alias: string) {
  if (years !== RETENTION_YEARS) throw new Error(`the window is ${RETENTION_YEARS} years`);
  const context = ece(this);
  const x = expectStatus(this, context.last, [200], 'RE-02');
  const record = await judgedRecord(this, x);
  const askedAt = new Date(x.startedAt);
  const expected = context.patient(alias).record.clinical.filter((r) => withinRetention(r, askedAt)).length;
  if (record.clinical < expected) {
    this.report([
      fails(
        this,
        x,
        'RE-02',
        '/entry',
        `El expediente trae ${record.clinical} entradas clínicas de las ${expected} de los últimos 7 años que se cargaron.`,
        `The record carries ${record.clinical} clinical entries of the ${expected} of the last 7 years that were loaded.`,
      ),
    ]);
  }
});

Then('el paciente del expediente lleva la CURP de {string} y concuerda con el padrón', REQUESTING, async function (this: SelloWorld, _alias: string) {
  const context = ece(this);
  await judgedRecord(this, expectStatus(this, context.last, [200], 'RE-03'));
  this.report(await wireFindingsUnder(this, 'RE-03'));
});

Then('el expediente es un Bundle document con la Composition primero y cada entrada referida y resuelta', REQUESTING, async function (this: SelloWorld) {
  const context = ece(this);
  await judgedRecord(this, expectStatus(this, context.last, [200], 'RE-06'));
  this.report(await wireFindingsUnder(this, 'RE-06'));
});

Then('los diagnósticos, las CLUES, los estudios y las recetas vienen de los catálogos nacionales', REQUESTING, async function (this: SelloWorld) {
  const context = ece(this);
  const record = await judgedRecord(this, expectStatus(this, context.last, [200], 'RE-04'));
  this.report(await wireFindingsUnder(this, 'RE-04'));
  const missing = ['Condition', 'Observation', 'MedicationRequest', 'Encounter'].filter((t) => !record.types[t]);
  if (missing.length > 0) {
    this.report([
      fails(this, context.last!, 'RE-04', '/entry', `El expediente no trae ${missing.join(', ')}: no hay códigos que juzgar.`, `The record carries no ${missing.join(', ')}: no codes to judge.`),
    ]);
  }
});

Then('el resumen clínico CDA cumple la GIIS-A001 y lleva la CURP de {string}', REQUESTING, async function (this: SelloWorld, _alias: string) {
  const context = ece(this);
  const record = await judgedRecord(this, expectStatus(this, context.last, [200], 'RE-07'));
  this.report(await wireFindingsUnder(this, 'RE-07'));
  if (record.summaries === 0) this.report([fails(this, context.last!, 'RE-07', '/entry', 'El expediente no trae el resumen clínico CDA.', 'The record carries no CDA clinical summary.')]);
});

Then('el expediente trae las {int} notas médicas', REQUESTING, async function (this: SelloWorld, notes: number) {
  if (notes !== LARGE_RECORD_NOTES) throw new Error(`the large record has ${LARGE_RECORD_NOTES} notes`);
  const context = ece(this);
  const x = expectStatus(this, context.last, [200], 'RE-05');
  const record = await judgedRecord(this, x);
  // The whole record is its last 7 years (RE-02): the notes due are those the window keeps of the 50,000 loaded.
  const due = notesWithin(context, x);
  if (record.notes < due) {
    this.report([
      fails(
        this,
        x,
        'RE-05',
        '/entry',
        `El expediente trae ${record.notes} notas médicas de las ${due} de los últimos 7 años.`,
        `The record carries ${record.notes} progress notes of the ${due} of the last 7 years.`,
      ),
    ]);
  }
});

/** Notes of the scenario's large record that the 7-year window keeps at the request's instant. */
export function notesWithin(context: EceScenario, x: { startedAt: string }): number {
  const askedAt = new Date(x.startedAt);
  let due = 0;
  for (const p of context.patients.values()) for (const r of p.record.clinical) if (r.resourceType === 'DocumentReference' && !isSummary(r) && withinRetention(r, askedAt)) due++;
  return due;
}
