/**
 * The SSA's registry under test: Sello reads back the consents and padrón records it registered, and asks for what
 * does not exist or is malformed.
 */
import { randomUUID } from 'node:crypto';
import { Then, When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { generateCurp } from '../../../src/identifiers/mx/index.ts';
import { isRecord, jsonBody } from '../judges/judged.ts';
import { type Institution, PATH, SYSTEM } from '../lib/contract.ts';
import { type EceScenario, ece, SELLO } from './ece-context.ts';
import { expectRefusal, expectStatus, fails } from './expectations.ts';
import { REQUESTING } from './timeouts.ts';

const pgs = (context: EceScenario): string => context.deployment.endpoints.pgsUrl.replace(/\/$/, '');
const padronHeaders = () => ({ accept: 'application/json', 'x-message-id': randomUUID(), 'x-institucion': 'IMSS' });

When('Sello lee en la SSA el consentimiento de {string} y uno que no existe', REQUESTING, async function (this: SelloWorld, alias: string) {
  const context = ece(this);
  const id = context.patient(alias).consents.get('ISSSTE');
  if (!id) throw new Error(`"${alias}" has no consent to ISSSTE in this scenario`);
  const headers = { accept: 'application/fhir+json' };
  const known = await context.send({ method: 'GET', url: `${pgs(context)}${PATH.consent(id)}`, headers, from: SELLO, to: 'ssa-pgs' });
  const unknown = await context.send({ method: 'GET', url: `${pgs(context)}${PATH.consent(context.idFor('no-existe'))}`, headers, from: SELLO, to: 'ssa-pgs' });
  context.lastBatch = [known.exchange, unknown.exchange];
});

Then('la SSA sirve el consentimiento de {string} tal como se registró', REQUESTING, async function (this: SelloWorld, alias: string) {
  const context = ece(this);
  const x = expectStatus(this, context.lastBatch[0], [200], 'RE-01');
  const served = jsonBody(x.response);
  const patient = context.patient(alias);
  const id = patient.consents.get('ISSSTE');
  const differences: string[] = [];
  if (!isRecord(served) || served.resourceType !== 'Consent') differences.push('resourceType');
  else {
    if (served.id !== id) differences.push(`id ${String(served.id)}`);
    if (served.status !== 'active') differences.push(`status ${String(served.status)}`);
    const who = isRecord(served.patient) && isRecord(served.patient.identifier) ? served.patient.identifier : {};
    if (who.system !== SYSTEM.curp || who.value !== patient.curp) differences.push('patient.identifier');
    const provision = isRecord(served.provision) ? served.provision : {};
    if (provision.type !== 'permit') differences.push('provision.type');
    const period = isRecord(provision.period) ? provision.period : {};
    if (period.start === undefined || period.end === undefined) differences.push('provision.period');
    const actors = Array.isArray(provision.actor) ? provision.actor : [];
    const recipients = actors.map((a) => (isRecord(a) && isRecord(a.reference) && isRecord(a.reference.identifier) ? a.reference.identifier.value : undefined));
    if (!recipients.includes('ISSSTE' satisfies Institution)) differences.push('provision.actor');
  }
  if (differences.length > 0)
    this.report([
      fails(this, x, 'RE-01', '', `El consentimiento servido difiere del registrado: ${differences.join(', ')}.`, `The consent served differs from the one registered: ${differences.join(', ')}.`),
    ]);
});

Then('la SSA responde 404 con un OperationOutcome al que no existe', async function (this: SelloWorld) {
  expectRefusal(this, ece(this).lastBatch[1], [404]);
});

When('Sello busca en la SSA los consentimientos vigentes para ISSSTE', REQUESTING, async function (this: SelloWorld) {
  const context = ece(this);
  const answer = await context.send({
    method: 'GET',
    url: `${pgs(context)}${PATH.consentSearch}?destinatario=ISSSTE&status=active`,
    headers: { accept: 'application/fhir+json' },
    from: SELLO,
    to: 'ssa-pgs',
  });
  context.last = answer.exchange;
});

Then('la búsqueda trae el consentimiento de {string} y no los de {string} ni {string}', REQUESTING, async function (this: SelloWorld, yes: string, no1: string, no2: string) {
  const context = ece(this);
  const x = expectStatus(this, context.last, [200], 'RE-01');
  const bundle = jsonBody(x.response);
  const found = (isRecord(bundle) && Array.isArray(bundle.entry) ? bundle.entry : []).map((e) => (isRecord(e) && isRecord(e.resource) ? e.resource : {}));
  const curps = found.map((c) => (isRecord(c.patient) && isRecord(c.patient.identifier) ? c.patient.identifier.value : undefined));
  const wrong: string[] = [];
  if (!found.some((c) => c.id === context.patient(yes).consents.get('ISSSTE'))) wrong.push(`falta/missing ${yes}`);
  for (const alias of [no1, no2]) if (curps.includes(context.patient(alias).curp)) wrong.push(`${alias}`);
  if (wrong.length > 0)
    this.report([
      fails(this, x, 'RE-01', '/entry', `La búsqueda de vigentes para ISSSTE está mal: ${wrong.join(', ')}.`, `The search for consents in force for ISSSTE is wrong: ${wrong.join(', ')}.`),
    ]);
});

When('Sello consulta en el padrón la CURP de {string} y una CURP que no está registrada', REQUESTING, async function (this: SelloWorld, alias: string) {
  const context = ece(this);
  const unknown = generateCurp(context.rng('no-registrada'));
  const known = await context.send({ method: 'GET', url: `${pgs(context)}${PATH.padron(context.patient(alias).curp)}`, headers: padronHeaders(), from: SELLO, to: 'ssa-pgs' });
  const other = await context.send({ method: 'GET', url: `${pgs(context)}${PATH.padron(unknown)}`, headers: padronHeaders(), from: SELLO, to: 'ssa-pgs' });
  context.lastBatch = [known.exchange, other.exchange];
});

Then('el padrón responde el registro de {string} tal como se registró', REQUESTING, async function (this: SelloWorld, alias: string) {
  const context = ece(this);
  const x = expectStatus(this, context.lastBatch[0], [200], 'RE-03');
  const body = jsonBody(x.response);
  const served = isRecord(body) && isRecord(body.beneficiario) ? body.beneficiario : {};
  const registered = context.patient(alias).beneficiario!;
  const differences = (['curp', 'nombre', 'primerApellido', 'fechaNacimiento', 'sexo'] as const).filter((k) => served[k] !== registered[k]);
  if (differences.length > 0)
    this.report([
      fails(
        this,
        x,
        'RE-03',
        '/beneficiario',
        `El padrón responde distinto de lo registrado en: ${differences.join(', ')}.`,
        `The padrón answers other than what was registered in: ${differences.join(', ')}.`,
      ),
    ]);
});

Then('el padrón responde 404 con un acuse RECHAZADO a la CURP no registrada', async function (this: SelloWorld) {
  const context = ece(this);
  const x = expectStatus(this, context.lastBatch[1], [404], 'RE-03');
  const body = jsonBody(x.response);
  if (!isRecord(body) || !isRecord(body.acuse) || body.acuse.estatus !== 'RECHAZADO')
    this.report([fails(this, x, 'RE-03', '/acuse/estatus', 'La CURP no registrada no recibe un acuse RECHAZADO.', 'The unregistered CURP gets no acuse RECHAZADO.')]);
});

When('Sello consulta en el padrón una CURP mal formada y un consentimiento con id inválido', REQUESTING, async function (this: SelloWorld) {
  const context = ece(this);
  const curp = await context.send({ method: 'GET', url: `${pgs(context)}${PATH.padron('NO-ES-UNA-CURP')}`, headers: padronHeaders(), from: SELLO, to: 'ssa-pgs' });
  const consent = await context.send({
    method: 'GET',
    url: `${pgs(context)}/fhir/Consent/${encodeURIComponent('id con espacios y ñ')}`,
    headers: { accept: 'application/fhir+json' },
    from: SELLO,
    to: 'ssa-pgs',
  });
  context.lastBatch = [curp.exchange, consent.exchange];
});

Then('la SSA responde 4xx con cuerpo a las dos', async function (this: SelloWorld) {
  for (const x of ece(this).lastBatch) {
    const body = jsonBody(x.response);
    if (x.status === undefined || x.status < 400 || x.status >= 500 || !isRecord(body)) {
      this.report([
        fails(
          this,
          x,
          'RE-14',
          'status',
          `La SSA respondió ${x.status ?? x.error ?? 'nada'} ${isRecord(body) ? 'con' : 'sin'} cuerpo JSON; se espera 4xx con cuerpo.`,
          `The SSA answered ${x.status ?? x.error ?? 'nothing'} ${isRecord(body) ? 'with' : 'without'} a JSON body; 4xx with a body is expected.`,
        ),
      ]);
    }
  }
});
