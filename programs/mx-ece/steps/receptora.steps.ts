/**
 * A receiving institution (ISSSTE or IMSS-Bienestar) told through its control API to transfer one patient's record
 * from IMSS: the Thens read its `$everything` on the wire and what it reports having imported.
 */
import { Then, When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { isRecord, jsonBody, pathOf, queryOf, roleOfParty } from '../judges/judged.ts';
import { INSTITUTION_OF, type Institution, PATH, type ReceiverRole } from '../lib/contract.ts';
import { CLINICAL_TYPES, isSummary, withinRetention } from '../lib/retention.ts';
import { type EceScenario, ece, SELLO } from './ece-context.ts';
import { fails } from './expectations.ts';
import { EXPORTING, REQUESTING } from './timeouts.ts';
import { wireFindingsUnder } from './wire-findings.ts';

const receiverOf = (institution: Institution): ReceiverRole => (institution === 'ISSSTE' ? 'issste' : 'imss-bienestar');

async function commandTransfer(context: EceScenario, institution: Institution, alias: string): Promise<void> {
  const patient = context.patient(alias);
  const consent = patient.consents.get(institution);
  if (!consent) throw new Error(`"${alias}" has no consent to ${institution} in this scenario`);
  const role = receiverOf(institution);
  const answer = await context.send({
    method: 'POST',
    url: `${context.control(role)}${PATH.transfer}`,
    body: { curp: patient.curp, consentimiento: consent, fuente: context.fhirBaseUrl },
    from: SELLO,
    to: role,
    timeoutMs: 3 * context.requestMs,
  });
  context.outcome = { status: answer.status, body: answer.json, exchange: answer.exchange };
}

When('Sello pide a {institucion} transferir el expediente de {string}', EXPORTING, async function (this: SelloWorld, institution: Institution, alias: string) {
  await commandTransfer(ece(this), institution, alias);
});

When('Sello envía a {institucion} una orden de transferencia que no es JSON y otra sin curp', REQUESTING, async function (this: SelloWorld, institution: Institution) {
  const context = ece(this);
  const role = receiverOf(institution);
  const url = `${context.control(role)}${PATH.transfer}`;
  const notJson = await context.send({ method: 'POST', url, body: '{"curp": ', headers: { 'content-type': 'application/json' }, from: SELLO, to: INSTITUTION_OF[role] });
  const noCurp = await context.send({ method: 'POST', url, body: { consentimiento: 'x', fuente: context.fhirBaseUrl }, from: SELLO, to: INSTITUTION_OF[role] });
  context.lastBatch = [notJson.exchange, noCurp.exchange];
});

/** The receiver's report of its last transfer: `{estado, regla?, recursos}`. */
function outcomeOf(world: SelloWorld, rule: string): Record<string, unknown> {
  const context = ece(world);
  const body = context.outcome?.body;
  if (context.outcome?.status !== 200 || !isRecord(body)) {
    world.report([
      fails(
        world,
        context.outcome?.exchange,
        rule,
        'status',
        `La API de control respondió ${context.outcome?.status ?? 'nada'} sin {estado, recursos}.`,
        `The control API answered ${context.outcome?.status ?? 'nothing'} without {estado, recursos}.`,
      ),
    ]);
    throw new Error('unreachable');
  }
  return body;
}

const count = (recursos: unknown, type: string): number => (isRecord(recursos) ? Number(recursos[type] ?? 0) : 0);

Then('{institucion} pidió el expediente de {string} con ese consentimiento y su propia X-Institucion', REQUESTING, async function (this: SelloWorld, institution: Institution, alias: string) {
  const context = ece(this);
  const patient = context.patient(alias);
  const consent = patient.consents.get(institution)!;
  const asked = context.exchanges().filter((x) => pathOf(x.url).endsWith('/$everything') && roleOfParty(x.from) === receiverOf(institution));
  this.report(await wireFindingsUnder(this, 'RE-01'));
  if (asked.length === 0) {
    this.report([fails(this, context.outcome?.exchange, 'RE-01', PATH.everything, `${institution} no pidió el expediente a IMSS.`, `${institution} did not ask IMSS for the record.`)]);
    return;
  }
  const presented = asked.map((x) => {
    const body = jsonBody(x.request);
    const inBody = isRecord(body) && Array.isArray(body.parameter) ? body.parameter.find((p) => isRecord(p) && p.name === 'consent') : undefined;
    return queryOf(x.url).get('consent') ?? (isRecord(inBody) ? String(inBody.valueString ?? (isRecord(inBody.valueReference) ? inBody.valueReference.reference : '')) : '');
  });
  // The id, `Consent/<id>` or its URL at the registry: CONTRACT.md accepts the three.
  if (!presented.some((p) => p === consent || p.endsWith(`Consent/${consent}`))) {
    this.report([
      fails(
        this,
        asked[0],
        'RE-01',
        'query:consent',
        `${institution} presentó «${presented.join(', ')}»; se le dio el consentimiento ${consent}.`,
        `${institution} presented "${presented.join(', ')}"; it was given consent ${consent}.`,
      ),
    ]);
  }
});

Then('{institucion} importó el expediente de {string}', REQUESTING, async function (this: SelloWorld, institution: Institution, alias: string) {
  const body = outcomeOf(this, 'RE-01');
  if (body.estado !== 'importado')
    this.report([
      fails(
        this,
        ece(this).outcome?.exchange,
        'RE-01',
        '/estado',
        `${institution} informa estado «${String(body.estado)}» (${String(body.regla ?? '')}) para «${alias}», con un consentimiento vigente.`,
        `${institution} reports estado "${String(body.estado)}" (${String(body.regla ?? '')}) for "${alias}", with a consent in force.`,
      ),
    ]);
});

Then('{institucion} importó el expediente de {string} con sus {int} notas médicas', REQUESTING, async function (this: SelloWorld, institution: Institution, alias: string, _notes: number) {
  const context = ece(this);
  const body = outcomeOf(this, 'RE-05');
  const at = new Date(context.outcome!.exchange.startedAt);
  const due = context.patient(alias).record.clinical.filter((r) => r.resourceType === 'DocumentReference' && !isSummary(r) && withinRetention(r, at)).length;
  const imported = count(body.recursos, 'DocumentReference');
  if (body.estado !== 'importado' || imported < due) {
    this.report([
      fails(
        this,
        context.outcome?.exchange,
        'RE-05',
        '/recursos/DocumentReference',
        `${institution} informa estado «${String(body.estado)}» con ${imported} DocumentReference; el expediente trae ${due} notas.`,
        `${institution} reports estado "${String(body.estado)}" with ${imported} DocumentReference; the record carries ${due} notes.`,
      ),
    ]);
  }
});

Then('{institucion} no importó ninguna entrada de más de 7 años de {string}', REQUESTING, async function (this: SelloWorld, institution: Institution, alias: string) {
  const context = ece(this);
  const body = outcomeOf(this, 'RE-02');
  if (body.estado === 'rechazado' && body.regla === 'RE-02') return;
  const at = new Date(context.outcome!.exchange.startedAt);
  const clinical = context.patient(alias).record.clinical;
  const over: string[] = [];
  for (const type of CLINICAL_TYPES) {
    // The summary DocumentReference is not a clinical entry: one more DocumentReference than the notes is allowed.
    const allowed = clinical.filter((r) => r.resourceType === type && withinRetention(r, at)).length + (type === 'DocumentReference' ? 1 : 0);
    const imported = count(body.recursos, type);
    if (imported > allowed) over.push(`${type} ${imported} > ${allowed}`);
  }
  if (over.length > 0)
    this.report([
      fails(
        this,
        context.outcome?.exchange,
        'RE-02',
        '/recursos',
        `${institution} importó entradas de más de 7 años: ${over.join(', ')}.`,
        `${institution} imported entries older than 7 years: ${over.join(', ')}.`,
      ),
    ]);
});

Then('{institucion} rechazó el expediente de {string} nombrando RE-03', REQUESTING, async function (this: SelloWorld, institution: Institution, alias: string) {
  const body = outcomeOf(this, 'RE-03');
  const imported = isRecord(body.recursos) ? Object.values(body.recursos).reduce((n: number, v) => n + Number(v ?? 0), 0) : 0;
  if (body.estado !== 'rechazado' || body.regla !== 'RE-03' || imported > 0) {
    this.report([
      fails(
        this,
        ece(this).outcome?.exchange,
        'RE-03',
        '/estado',
        `${institution} informa estado «${String(body.estado)}», regla «${String(body.regla ?? '')}», ${imported} recursos para «${alias}», cuyo paciente no concuerda con el padrón.`,
        `${institution} reports estado "${String(body.estado)}", regla "${String(body.regla ?? '')}", ${imported} resources for "${alias}", whose patient disagrees with the padrón.`,
      ),
    ]);
  }
});

Then('{institucion} responde 400 con un error a las dos', REQUESTING, async function (this: SelloWorld, institution: Institution) {
  for (const x of ece(this).lastBatch) {
    const body = jsonBody(x.response);
    if (x.status !== 400 || !isRecord(body) || typeof body.error !== 'string') {
      this.report([
        fails(
          this,
          x,
          'RE-14',
          'status',
          `${institution} respondió ${x.status ?? x.error ?? 'nada'} a una orden mal formada; se espera 400 con {error}.`,
          `${institution} answered ${x.status ?? x.error ?? 'nothing'} to a malformed command; 400 with {error} is expected.`,
        ),
      ]);
    }
  }
});
