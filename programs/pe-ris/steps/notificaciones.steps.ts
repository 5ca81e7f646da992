import { Given, Then, When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { WaitTimeoutError, waitFor } from '../../../src/util/wait.ts';
import { type Aviso, checkAvisos, checkBackoff, checkLeg, fail, failedAttempts, type JudgedFinding, legEvents } from '../judges/expectations.ts';
import { subscriptionResource } from '../judges/notifications.ts';
import { PARTY, TOPIC_SEGUIMIENTO } from '../lib/constants.ts';
import { onRoleExchange, type RisScenario, reportRootCause, ris } from './ris-context.ts';
import { WAITING } from './timeouts.ts';

function local<K extends 'qhali' | 'engine' | 'sihce'>(context: RisScenario, role: K): NonNullable<RisScenario['deployment']['local'][K]> {
  const running = context.deployment.local[role];
  // Scenarios that need this are not tagged with the role, so they do not run when the role is the SUT.
  if (!running) throw new Error(`${role} is the system under test: Sello cannot control it in this scenario`);
  return running as NonNullable<RisScenario['deployment']['local'][K]>;
}

/** What was already on its way (the booking) reaches the citizen first, so an outage covers only the changes that follow. */
async function settled(world: SelloWorld): Promise<void> {
  const context = ris(world);
  const c = context.lastAlias ? context.citizen(context.lastAlias) : undefined;
  if (c?.followUpId) await avisosOf(world, c.followUpId, c.statuses.length);
}

Given('que Qhali deja de recibir notificaciones', WAITING, async function (this: SelloWorld) {
  const qhali = local(ris(this), 'qhali');
  await settled(this);
  await qhali.down();
});

Given('que el motor deja de recibir notificaciones del SIHCE', WAITING, async function (this: SelloWorld) {
  const engine = local(ris(this), 'engine');
  await settled(this);
  await engine.down();
});

/**
 * The receiver comes back once the notifier has retried an event `retries` times while it was down: the event the
 * outage waits for, not a fixed time. One retry is enough for the back-off check: two failed attempts and the one
 * that gets through are two waits to compare. Bounded by propagationMs: a notifier that never retries leaves the
 * receiver down that long, and the Then steps say so.
 */
async function downUntilRetried(world: SelloWorld, from: string, to: string, retries: number): Promise<void> {
  const context = ris(world);
  const followUpId = lastFollowUp(context);
  try {
    await waitFor(
      () => {
        const most = Math.max(0, ...legEvents(context.exchanges(), from, to, followUpId).events.map(failedAttempts));
        return most > retries ? true : { pending: `${most} failed attempt(s) of one event` };
      },
      { what: `${retries} retries of a notification ${from} → ${to} of ${followUpId} while the receiver is down`, timeoutMs: context.propagationMs, wakeOn: onRoleExchange },
    );
  } catch (error) {
    // No retry is a finding of the Then steps (RIS-NOT-01), judged on the wire, not an error of this step.
    if (!(error instanceof WaitTimeoutError)) throw error;
  }
}

When('Qhali vuelve a recibir notificaciones después de {int} reintento(s) del motor', WAITING, async function (this: SelloWorld, retries: number) {
  const qhali = local(ris(this), 'qhali');
  await downUntilRetried(this, PARTY.engine, PARTY.qhali, retries);
  await qhali.up();
});

When('el motor vuelve a recibir notificaciones después de {int} reintento(s) del SIHCE', WAITING, async function (this: SelloWorld, retries: number) {
  const engine = local(ris(this), 'engine');
  await downUntilRetried(this, PARTY.sihce, PARTY.engine, retries);
  await engine.up();
});

Given('que la suscripción del motor se registra otra vez en el SIHCE, con el mismo criterio y el mismo endpoint', async function (this: SelloWorld) {
  const context = ris(this);
  const endpoint = context.deployment.endpoints.engine.notificationUrl;
  const sent = await context.client.sihce('POST', 'Subscription', subscriptionResource(endpoint, { criteria: TOPIC_SEGUIMIENTO, payload: 'full-resource' }));
  context.last = sent.exchange;
  if (sent.result.status >= 300) {
    reportRootCause(this, [
      {
        ...fail(
          'RIS-NOT-02',
          'processing',
          'Subscription',
          `El SIHCE no aceptó la misma suscripción otra vez: HTTP ${sent.result.status}.`,
          `SIHCE did not accept the same subscription again: HTTP ${sent.result.status}.`,
        ),
        exchangeId: sent.exchange.id,
        side: 'response',
        role: 'sihce',
      },
    ]);
  }
});

Given('que el motor entrega a Qhali las notificaciones repetidas y en desorden', function (this: SelloWorld) {
  local(ris(this), 'engine').toQhali.setChaos(true);
  ris(this).chaos = true;
});

/**
 * Qhali's notices for the citizen, once they are as many as the changes (a bounded wait, woken by each delivery on the
 * wire), and once the notifiers Sello runs have nothing left to send: what they still had queued — a redelivery, a
 * second copy — is on the record before Qhali's notices are read for the verdict. A notifier under test gives no such
 * event and the pe-ris contract no quiet window, so its notices are judged as they stand then.
 */
async function avisosOf(world: SelloWorld, followUpId: string, expected: number): Promise<Aviso[]> {
  const context = ris(world);
  const deadline = Date.now() + context.propagationMs;
  let last: Aviso[] = [];
  try {
    await waitFor(
      async () => {
        last = await context.client.qhaliAvisos(followUpId);
        return last.length >= expected ? last : { pending: `${last.length} notice(s): ${last.map((a) => a.estado).join(', ')}` };
      },
      { what: `Qhali's ${expected} notices of follow-up ${followUpId}`, timeoutMs: context.propagationMs, intervalMs: 150, wakeOn: onRoleExchange },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
  }
  // SIHCE's notifiers first: what they deliver, the engine queues towards Qhali before it answers.
  const { sihce, engine } = context.deployment.local;
  for (const notifier of [...(sihce?.notifiers() ?? []), ...(engine ? [engine.toQhali] : [])]) await notifier.drain(Math.max(0, deadline - Date.now()));
  return context.client.qhaliAvisos(followUpId);
}

Then('Qhali avisa a {string} de cada cambio una sola vez y en orden', WAITING, async function (this: SelloWorld, alias: string) {
  const context = ris(this);
  const c = context.citizen(alias);
  if (!c.followUpId) throw new Error(`no triage of ${alias} in this scenario`);
  const expected = c.statuses;
  const avisos = await avisosOf(this, c.followUpId, expected.length);
  // The wire first: each notifier's leg, then what the citizen was told.
  const xs = context.exchanges();
  const sihceLeg = legEvents(xs, PARTY.sihce, PARTY.engine, c.followUpId);
  const engineLeg = legEvents(xs, PARTY.engine, PARTY.qhali, c.followUpId);
  const as = (role: string, findings: readonly JudgedFinding[]): JudgedFinding[] => findings.map((f) => ({ ...f, role }));
  // Each notifier's leg first: a change lost or repeated on the way is the notifier's, not Qhali's.
  reportRootCause(this, as('sihce', [...sihceLeg.findings, ...checkLeg(sihceLeg.events, expected, 'SIHCE → motor')]));
  reportRootCause(this, as('engine', [...engineLeg.findings, ...checkLeg(engineLeg.events, expected, 'motor → Qhali', { redeliveryAllowed: context.chaos })]));
  reportRootCause(this, as('qhali', checkAvisos(avisos, expected, alias)));
});

Then('el motor reintentó las notificaciones a Qhali con espera creciente', function (this: SelloWorld) {
  const context = ris(this);
  const followUpId = lastFollowUp(context);
  this.report(checkBackoff(legEvents(context.exchanges(), PARTY.engine, PARTY.qhali, followUpId).events, 'motor → Qhali').map((f) => ({ ...f, role: 'engine' })));
});

Then('el SIHCE reintentó las notificaciones al motor con espera creciente', function (this: SelloWorld) {
  const context = ris(this);
  const followUpId = lastFollowUp(context);
  this.report(checkBackoff(legEvents(context.exchanges(), PARTY.sihce, PARTY.engine, followUpId).events, 'SIHCE → motor').map((f) => ({ ...f, role: 'sihce' })));
});

/** The follow-up of the citizen the scenario last triaged. */
function lastFollowUp(context: RisScenario): string {
  const id = context.lastAlias ? context.citizen(context.lastAlias).followUpId : undefined;
  if (!id) throw new Error('no triage in this scenario');
  return id;
}
