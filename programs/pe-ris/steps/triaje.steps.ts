import { Given, Then, When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { parseEr7, valueAt } from '../../../src/hl7v2/index.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { ackCode } from '../../../src/transport/mllp-client.ts';
import { WaitTimeoutError, waitFor } from '../../../src/util/wait.ts';
import { checkRefusal, fail, isTriagePost, type JudgedFinding, judgeTriage, v2Exchanges } from '../judges/expectations.ts';
import { outcomeIssues } from '../judges/triage-check.ts';
import { judgeEngineV2, judgeSihceAck, roleOf } from '../judges/wire.ts';
import { PARTY, type PrioridadNts, SYSTEM } from '../lib/constants.ts';
import { DEFECT_EXPECTATION, plantTriageDefect, type TriageDefect } from '../lib/test-data.ts';
import { buildTriageBundle } from '../lib/triage-bundle.ts';
import { triageFacts } from '../lib/v2-messages.ts';
import { type Citizen, type RisScenario, report, reportRootCause, ris } from './ris-context.ts';
import { WAITING } from './timeouts.ts';

/**
 * The engine's messages SIHCE did not accept. When the wire shows nothing wrong with them (reportRootCause looks
 * first), the refusal is the party's that Sello does not play: SIHCE refusing a conformant message (RIS-V2-01), or —
 * when Sello's SIHCE refused an engine under test — a defect of the engine's message Sello's profile did not name.
 */
function sihceRefusals(context: RisScenario, since: string, xs = v2Exchanges(context.exchanges()).filter((x) => x.from === PARTY.engine && x.startedAt >= since)): JudgedFinding[] {
  const engineUnderTest = context.sutRole === 'engine';
  return xs.flatMap((x): JudgedFinding[] => {
    const ack = typeof x.response?.body === 'string' ? ackCode(x.response.body).code : '';
    if (ack === 'AA' || ack === 'CA') return [];
    const err =
      typeof x.response?.body === 'string' ? valueAt(parseEr7(x.response.body), { segment: 'ERR', field: 8 }) || valueAt(parseEr7(x.response.body), { segment: 'ERR', field: 3, component: 2 }) : '';
    const what = `${x.method ?? 'HL7 v2'} (MSA-1 «${ack}»${err ? `: ${err}` : ''}${x.error ? `, ${x.error}` : ''})`;
    return [
      engineUnderTest
        ? {
            ...fail('RIS-V2-04', 'business-rule', 'MSH', `El SIHCE de referencia rechazó el ${what} del motor.`, `The reference SIHCE refused the engine's ${what}.`, 'hl7v2'),
            exchangeId: x.id,
            side: 'request',
            role: 'engine',
          }
        : {
            ...fail('RIS-V2-01', 'business-rule', 'MSA-1', `El SIHCE rechazó un ${what} conforme del motor.`, `SIHCE refused a conformant ${what} of the engine.`, 'hl7v2'),
            exchangeId: x.id,
            side: 'response',
            role: 'sihce',
          },
    ];
  });
}

/** Any success: FHIR and Sello's control API leave 200, 201 or 202 to the server. */
const ok2xx = (status: number | undefined): boolean => status !== undefined && status >= 200 && status < 300;

/** Waits (bounded) for exchanges of this scenario that `pick` accepts; what it waited for is in the finding. */
async function awaitExchanges(context: RisScenario, pick: (xs: readonly ExchangeEntry[]) => ExchangeEntry[] | undefined, what: string): Promise<ExchangeEntry[] | undefined> {
  try {
    return await waitFor(() => pick(context.exchanges()) ?? { pending: `${context.exchanges().length} exchanges so far` }, { what, timeoutMs: context.propagationMs });
  } catch (error) {
    if (error instanceof WaitTimeoutError) return undefined;
    throw error;
  }
}

/**
 * Qhali triages `alias` (through its test-control API: the reference Qhali or the vendor's), and Sello judges what
 * went over the wire: the triage Bundle (RP-01…RP-08, TriageBundle), the engine's answer to it, and the engine's
 * ADT^A04, ORU^R01 and SIU^S12 to SIHCE with SIHCE's ACKs.
 */
async function triageThroughQhali(world: SelloWorld, alias: string, sexo: 'female' | 'male', prioridad: PrioridadNts, opts: { engineLeg: 'judge' | 'delivered' | 'none' }): Promise<Citizen> {
  const context = ris(world);
  const c = context.citizen(alias, sexo);
  context.lastAlias = alias;
  c.triages = (c.triages ?? 0) + 1;
  const since = new Date().toISOString();
  const sent = await context.client.qhaliTriage({ persona: c.person, prioridad, renipress: context.renipress, semilla: `${world.run.seed}:${alias}:${c.triages}` });
  const answer = sent.result.json as { enviado?: boolean; seguimiento?: string; motivo?: string } | undefined;
  // What went wrong downstream is a consequence: reported only when the wire shows no defective message causing it.
  const consequences: JudgedFinding[] = [];
  if (!ok2xx(sent.result.status) || answer?.enviado !== true) {
    consequences.push({
      ...fail(
        'RIS-FLOW-01',
        'processing',
        '',
        `Qhali no envió el triaje de ${alias}: HTTP ${sent.result.status} ${answer?.motivo ?? ''}`,
        `Qhali did not send ${alias}'s triage: HTTP ${sent.result.status} ${answer?.motivo ?? ''}`,
      ),
      exchangeId: sent.exchange.id,
    });
  }
  const triage = (
    await awaitExchanges(
      context,
      (xs) => {
        const found = xs.filter(isTriagePost).filter((x) => x.startedAt >= since && (x.response !== undefined || x.error !== undefined));
        return found.length > 0 ? found : undefined;
      },
      `Qhali's triage of ${alias} on the wire`,
    )
  )?.at(-1);
  if (!triage) {
    reportRootCause(world, [
      ...consequences,
      {
        ...fail(
          'RIS-FLOW-01',
          'timeout',
          '',
          `No se vio en ${context.propagationMs} ms el triaje de ${alias} enviado por Qhali.`,
          `Qhali's triage of ${alias} was not seen within ${context.propagationMs} ms.`,
        ),
        role: 'qhali',
      },
    ]);
    return c;
  }
  context.last = triage;
  report(
    world,
    judgeTriage(triage).map((f) => ({ ...f, role: 'qhali' })),
  );
  const facts = triageFacts(triage.request.body);
  if (facts) {
    c.facts = facts;
    c.followUpId = facts.followUpId;
  }
  const refusedV2 = triage.status !== undefined && triage.status >= 300 ? sihceRefusals(context, triage.startedAt) : [];
  if (refusedV2.length > 0) {
    consequences.push(...refusedV2);
  } else if (triage.status === undefined || triage.status >= 300) {
    // A valid triage refused: blame the rule the receiver claimed, else the journey.
    const claimed = outcomeIssues(triage.response?.body)[0]?.ruleId;
    const receiver = roleOf(triage.to);
    consequences.push({
      ...fail(
        claimed && /^RP-0\d$/.test(claimed) ? claimed : 'RIS-FLOW-01',
        'processing',
        'Bundle',
        `El triaje válido de ${alias} fue rechazado: HTTP ${triage.status ?? triage.error}.`,
        `${alias}'s valid triage was refused: HTTP ${triage.status ?? triage.error}.`,
      ),
      exchangeId: triage.id,
      side: 'response',
      ...(receiver ? { role: receiver } : {}),
    });
  }
  reportRootCause(world, consequences);
  if (opts.engineLeg !== 'none') await judgeEngineLeg(world, c, opts.engineLeg === 'judge' ? 'judge' : 'delivered', triage.startedAt);
  return c;
}

/**
 * The engine's three messages for this citizen reached SIHCE and were accepted; with `judge`, also that they conform to
 * their profiles, carry the triage, and were ACKed right. A precondition only asks the first: the other defects are
 * the business of the scenarios that test them.
 */
async function judgeEngineLeg(world: SelloWorld, c: Citizen, depth: 'judge' | 'delivered', since = ''): Promise<void> {
  const context = ris(world);
  const types = ['ADT^A04', 'ORU^R01', 'SIU^S12'];
  // This triage's messages: from the engine, about this DNI, sent once the triage had started.
  const mine = (xs: readonly ExchangeEntry[]) =>
    v2Exchanges(xs).filter((x) => x.from === PARTY.engine && x.startedAt >= since && typeof x.request.body === 'string' && c.facts !== undefined && x.request.body.includes(c.facts.dni));
  const seen = await awaitExchanges(
    context,
    (xs) => {
      const ours = mine(xs);
      return types.every((t) => ours.some((x) => x.method === t && (x.response !== undefined || x.error !== undefined))) ? ours : undefined;
    },
    `the engine's ADT^A04, ORU^R01 and SIU^S12 for ${c.alias} at SIHCE`,
  );
  const got = seen ?? mine(context.exchanges());
  const wire: JudgedFinding[] = [];
  const flow: JudgedFinding[] = [];
  for (const type of types) {
    const x = got.filter((e) => e.method === type).at(-1);
    if (!x) {
      flow.push({
        ...fail(
          'RIS-FLOW-01',
          'timeout',
          'MSH-9',
          `El motor no envió al SIHCE el ${type} de ${c.alias} (esperado ${context.propagationMs} ms).`,
          `The engine did not send SIHCE the ${type} of ${c.alias} (waited ${context.propagationMs} ms).`,
          'hl7v2',
        ),
        role: 'engine',
      });
      continue;
    }
    if (depth === 'judge') {
      wire.push(...judgeEngineV2(x, c.facts), ...judgeSihceAck(x));
      continue;
    }
    flow.push(...sihceRefusals(context, since, [x]));
  }
  report(world, wire);
  reportRootCause(world, flow);
}

Given('que Qhali ha triado a(l) {persona} {string} con prioridad {prioridad}', WAITING, async function (this: SelloWorld, sexo: 'female' | 'male', alias: string, prioridad: PrioridadNts) {
  await triageThroughQhali(this, alias, sexo, prioridad, { engineLeg: 'delivered' });
});

When('Qhali tria a(l) {persona} {string} con prioridad {prioridad}', WAITING, async function (this: SelloWorld, sexo: 'female' | 'male', alias: string, prioridad: PrioridadNts) {
  await triageThroughQhali(this, alias, sexo, prioridad, { engineLeg: 'delivered' });
});

When('Qhali envía el triaje de(l) {persona} {string} con prioridad {prioridad}', WAITING, async function (this: SelloWorld, sexo: 'female' | 'male', alias: string, prioridad: PrioridadNts) {
  await triageThroughQhali(this, alias, sexo, prioridad, { engineLeg: 'none' });
});

/** The triage was judged as it crossed the wire (RP-01…RP-08 and TriageBundle): here only that it was seen. */
Then('el triaje de {string} cumple TriageBundle y las reglas RP-01 a RP-08', function (this: SelloWorld, alias: string) {
  const context = ris(this);
  if (!context.citizen(alias).facts) {
    report(this, [fail('RIS-FLOW-01', 'not-found', 'Bundle', `No hay un triaje legible de ${alias} que juzgar.`, `There is no readable triage of ${alias} to judge.`)]);
  }
});

Then('el motor entrega/entregó al SIHCE el ADT^A04, el ORU^R01 y el SIU^S12 de {string} conformes a su perfil y fieles al triaje', WAITING, async function (this: SelloWorld, alias: string) {
  const context = ris(this);
  const c = context.citizen(alias);
  const x = [...context.exchanges()].reverse().find((e) => isTriagePost(e) && triageFacts(e.request.body)?.followUpId === c.followUpId);
  if (x && !ok2xx(x.status)) {
    reportRootCause(this, [
      {
        ...fail(
          'RIS-FLOW-01',
          'processing',
          'Bundle',
          `El motor no aceptó el triaje válido de ${alias}: HTTP ${x.status ?? x.error}.`,
          `The engine did not accept ${alias}'s valid triage: HTTP ${x.status ?? x.error}.`,
        ),
        exchangeId: x.id,
        side: 'response',
        role: 'engine',
      },
    ]);
  }
  if (x) c.facts = triageFacts(x.request.body);
  await judgeEngineLeg(this, c, 'judge');
});

When('se pide a Qhali triar a(l) {persona} {string} sin su consentimiento', async function (this: SelloWorld, sexo: 'female' | 'male', alias: string) {
  const context = ris(this);
  const c = context.citizen(alias, sexo);
  const sent = await context.client.qhaliTriage({ persona: c.person, prioridad: 'III', renipress: context.renipress, consentimiento: false, semilla: `${this.run.seed}:${alias}` });
  context.last = sent.exchange;
});

Then('Qhali no envía ningún triaje', async function (this: SelloWorld) {
  const context = ris(this);
  const answer = context.lastExchange().response?.body as { enviado?: boolean } | undefined;
  // Whatever Qhali says, the wire decides. The control API answers once Qhali has sent the triage or decided not to
  // (its answer carries SIHCE's status when it sent one), so that answer is the event: a triage on its way is on the
  // record by then, and the contract gives no window in which one may still leave.
  const sent = context.exchanges().filter(isTriagePost);
  const findings = sent.map(
    (x): JudgedFinding => ({
      ...fail('RP-07', 'business-rule', 'Bundle', 'Qhali envió un triaje sin el consentimiento de la persona.', "Qhali sent a triage without the person's consent."),
      exchangeId: x.id,
      side: 'request',
    }),
  );
  if (sent.length === 0 && answer?.enviado === true) {
    findings.push(fail('RP-07', 'business-rule', '', 'Qhali dice haber enviado un triaje sin consentimiento.', 'Qhali says it sent a triage without consent.'));
  }
  this.report(findings);
});

/** Sello plays Qhali: a triage built from the scenario's citizen, valid or with one defect, POSTed to the receiver. */
async function sendTriage(world: SelloWorld, to: 'sihce' | 'engine', alias: string, sexo: 'female' | 'male' | undefined, defect?: TriageDefect): Promise<void> {
  const context = ris(world);
  const c = context.citizen(alias, sexo);
  const built = buildTriageBundle(context.rng.fork(`triaje:${alias}`), { person: c.person, prioridad: 'II', renipress: context.renipress, at: new Date() });
  c.followUpId = built.followUpId;
  const body = defect ? plantTriageDefect(built.bundle, defect, c.person) : built.bundle;
  const sent = await context.client.postTriage(to, body);
  context.last = sent.exchange;
}

When('Qhali envía {receptor} el triaje de(l) {persona} {string} {defecto}', async function (this: SelloWorld, to: 'sihce' | 'engine', sexo: 'female' | 'male', alias: string, defect: TriageDefect) {
  await sendTriage(this, to, alias, sexo, defect);
});

When('Qhali envía {receptor} el triaje de(l) {persona} {string}', async function (this: SelloWorld, to: 'sihce' | 'engine', sexo: 'female' | 'male', alias: string) {
  await sendTriage(this, to, alias, sexo);
});

When('Qhali envía {receptor} un cuerpo que no es JSON', async function (this: SelloWorld, to: 'sihce' | 'engine') {
  const context = ris(this);
  context.last = (await context.client.postTriage(to, '{"resourceType": "Bundle", "type": ')).exchange;
});

Then('{receptor} lo rechaza con un OperationOutcome {int} por la regla {string} en {string}', function (this: SelloWorld, _who: string, status: number, ruleId: string, at: string) {
  this.report(checkRefusal(ris(this).lastExchange(), { status, ruleId, at }, this.primaryRequirement));
});

Then('{receptor} lo rechaza con un OperationOutcome {int}', function (this: SelloWorld, _who: string, status: number) {
  this.report(checkRefusal(ris(this).lastExchange(), { status }, this.primaryRequirement));
});

Then('{receptor} lo rechaza con un OperationOutcome de error', function (this: SelloWorld, _who: string) {
  this.report(checkRefusal(ris(this).lastExchange(), { status: { from: 400, to: 599 } }, this.primaryRequirement));
});

Then('el rechazo nombra la regla del defecto {defecto}', function (this: SelloWorld, defect: TriageDefect) {
  this.report(checkRefusal(ris(this).lastExchange(), { status: 422, ...DEFECT_EXPECTATION[defect] }, this.primaryRequirement));
});

// ——— what SIHCE holds ———

async function patientsOf(world: SelloWorld, alias: string): Promise<{ count: number; x: ExchangeEntry; resources: Record<string, unknown>[] }> {
  const context = ris(world);
  const c = context.citizen(alias);
  const number = c.person.dni.slice(0, 8);
  const sent = await context.client.sihce('GET', `Patient?identifier=${encodeURIComponent(number)}`);
  const entries = (sent.result.json as { entry?: { resource?: Record<string, unknown> }[] } | undefined)?.entry ?? [];
  const resources = entries.map((e) => e.resource).filter((r): r is Record<string, unknown> => r !== undefined);
  return { count: resources.length, x: sent.exchange, resources };
}

Then('el SIHCE tiene registrada/registrado a {string} con su DNI', async function (this: SelloWorld, alias: string) {
  const { count, x, resources } = await patientsOf(this, alias);
  const c = ris(this).citizen(alias);
  if (count === 1) {
    const family = String((resources[0]?.name as { family?: string }[] | undefined)?.[0]?.family ?? '').toUpperCase();
    if (family !== `${c.person.apellidoPaterno} ${c.person.apellidoMaterno}`.toUpperCase()) {
      report(this, [
        {
          ...fail('RIS-MAP-01', 'value', 'Patient.name[0].family', `El SIHCE registró a ${alias} con el apellido «${family}».`, `SIHCE registered ${alias} with family name "${family}".`),
          exchangeId: x.id,
          side: 'response',
        },
      ]);
    }
    return;
  }
  report(this, [
    {
      ...fail(
        count === 0 ? 'RIS-FLOW-01' : 'RIS-V2-02',
        count === 0 ? 'not-found' : 'duplicate',
        'Bundle.entry',
        `El SIHCE tiene ${count} pacientes con el DNI de ${alias}; debe tener uno.`,
        `SIHCE holds ${count} patients with ${alias}'s DNI; it must hold one.`,
      ),
      exchangeId: x.id,
      side: 'response',
    },
  ]);
});

Then('el SIHCE no tiene registrada/registrado a {string}', async function (this: SelloWorld, alias: string) {
  const { count, x } = await patientsOf(this, alias);
  if (count > 0) {
    report(this, [
      {
        ...fail(this.primaryRequirement, 'business-rule', 'Bundle.entry', `Un triaje rechazado dejó a ${alias} registrada en el SIHCE.`, `A refused triage left ${alias} registered in SIHCE.`),
        exchangeId: x.id,
        side: 'response',
      },
    ]);
  }
});

/** SIHCE's follow-up Task of the citizen (by Qhali's follow-up id), waiting (bounded) for it to appear. */
export async function followUpTask(world: SelloWorld, alias: string): Promise<Record<string, unknown> | undefined> {
  const context = ris(world);
  const c = context.citizen(alias);
  if (!c.followUpId) throw new Error(`no triage of ${alias} in this scenario`);
  const query = `identifier=${encodeURIComponent(`${SYSTEM.qhaliTask}|${c.followUpId}`)}`;
  try {
    return await waitFor(
      async () => {
        const sent = await context.client.sihce('GET', `Task?${query}`);
        const task = (sent.result.json as { entry?: { resource?: Record<string, unknown> }[] } | undefined)?.entry?.[0]?.resource;
        return task ?? { pending: `HTTP ${sent.result.status}, no Task yet` };
      },
      { what: `SIHCE's follow-up Task of ${alias}`, timeoutMs: context.propagationMs, intervalMs: 200 },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    reportRootCause(world, [
      fail(
        'RIS-FLOW-01',
        'timeout',
        'Task',
        `El SIHCE no tiene, tras ${error.timeoutMs} ms, la Task de seguimiento de ${alias} (${c.followUpId}).`,
        `After ${error.timeoutMs} ms SIHCE has no follow-up Task of ${alias} (${c.followUpId}).`,
      ),
    ]);
    return undefined;
  }
}

Then('el seguimiento de {string} está reservado en el SIHCE', WAITING, async function (this: SelloWorld, alias: string) {
  const context = ris(this);
  const c = context.citizen(alias);
  const task = await followUpTask(this, alias);
  if (!task) return;
  if (c.statuses.length === 0 && typeof task.status === 'string') c.statuses.push(task.status);
  const appt = await context.client.sihce('GET', `Appointment?identifier=${encodeURIComponent(`${SYSTEM.qhaliTask}|${c.followUpId}`)}`);
  const appointment = (appt.result.json as { entry?: { resource?: Record<string, unknown> }[] } | undefined)?.entry?.[0]?.resource;
  const problems: string[] = [];
  if (task.status !== 'accepted') problems.push(`Task.status ${String(task.status)} ≠ accepted`);
  if (appointment?.status !== 'booked') problems.push(`Appointment.status ${String(appointment?.status)} ≠ booked`);
  if (problems.length > 0) {
    reportRootCause(this, [
      {
        ...fail(
          'RIS-FLOW-01',
          'business-rule',
          'Appointment',
          `El seguimiento de ${alias} no quedó reservado: ${problems.join('; ')}.`,
          `${alias}'s follow-up was not booked: ${problems.join('; ')}.`,
        ),
        exchangeId: appt.exchange.id,
        side: 'response',
      },
    ]);
  }
});

When('el SIHCE cambia el estado del seguimiento de {string} a {string}', WAITING, async function (this: SelloWorld, alias: string, status: string) {
  const context = ris(this);
  const c = context.citizen(alias);
  const task = await followUpTask(this, alias);
  if (!task) return;
  if (c.statuses.length === 0 && typeof task.status === 'string') c.statuses.push(task.status);
  const sent = await context.client.sihce('PUT', `Task/${String(task.id)}`, { ...task, status });
  context.last = sent.exchange;
  if (!ok2xx(sent.result.status)) {
    report(this, [
      {
        ...fail(
          'RIS-FHIR-02',
          'processing',
          'Task.status',
          `El SIHCE no aceptó el cambio de estado a «${status}»: HTTP ${sent.result.status}.`,
          `SIHCE did not accept the status change to "${status}": HTTP ${sent.result.status}.`,
        ),
        exchangeId: sent.exchange.id,
        side: 'response',
      },
    ]);
    return;
  }
  c.statuses.push(status);
});
