import { Then, When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { sameMessageId } from '../../../src/soap/index.ts';
import {
  documentFileOf,
  envelopeOf,
  expectAccepted,
  expectBackoff,
  expectCallback,
  expectCallbackRetries,
  expectFault,
  expectFileMatches,
  expectSameFile,
  expectSameResult,
  isOperation,
  metadataOf,
  requestMessageId,
  resultOf,
  sameMetadata,
} from '../judges/expectations.ts';
import { PARTY } from '../lib/contract.ts';
import { relayedRequest } from './faults.steps.ts';
import { awaitCallback, callbacksFor } from './registration.steps.ts';
import { notFound, type RuScenario, reportRootCause, ru, wireFindingsUnder } from './ru-context.ts';
import { pullFile } from './stand-ins.ts';
import { REGISTERING, RETRYING } from './timeouts.ts';

/** REMD's callback to the gateway for a document (Sello's stand-in REMD, or Sello as REMD). */
function remdCallback(context: RuScenario, alias: string) {
  const doc = context.registered(alias);
  return context.exchanges().find((x) => x.to === PARTY.gateway && isOperation(x, 'registerDocumentResult') && resultOf(x)?.localUid === doc.localUid);
}

Then('шлюз отвечает МИС «принято» без emdrId только после того, как РЭМД приняла', function (this: SelloWorld) {
  const context = ru(this);
  const alias = [...context.documents.keys()][0]!;
  const j = context.judged('RR-14');
  const relayed = relayedRequest(context, alias);
  const findings = expectAccepted(context.last, j);
  if (!relayed) findings.push(notFound(j, 'Шлюз не переслал регистрацию РЭМД.', 'The gateway did not relay the registration to REMD.'));
  else if (context.last && Date.parse(context.last.finishedAt) < Date.parse(relayed.finishedAt)) {
    findings.push(notFound(j, 'Шлюз ответил МИС «принято» раньше, чем РЭМД приняла.', 'The gateway answered the MIS "accepted" before REMD accepted.'));
  }
  this.report(findings);
});

Then('шлюз отправил РЭМД registerDocument документа {string} с теми же метаданными, своим clientEntityId и новым MessageID', function (this: SelloWorld, alias: string) {
  const context = ru(this);
  const doc = context.registered(alias);
  const j = context.judged('RR-14');
  const relayed = relayedRequest(context, alias);
  if (!relayed) return this.report([notFound(j, `Шлюз не переслал ${doc.localUid}.`, `The gateway did not relay ${doc.localUid}.`)]);
  const findings = sameMetadata(doc.metadata, relayed, j);
  const id = requestMessageId(relayed);
  if (id && doc.messageIds.some((m) => sameMessageId(m, id)))
    findings.push(notFound(context.judged('RR-05'), 'Шлюз переслал запрос с MessageID МИС.', "The gateway relayed the request with the MIS's MessageID."));
  const clientId = (x: typeof relayed) =>
    envelopeOf(x, 'request')
      .headers.find((h) => h.name.local === 'transportHeader')
      ?.element.textContent?.trim();
  if (doc.request && clientId(relayed) === clientId(doc.request))
    findings.push(notFound(j, 'Шлюз переслал запрос с clientEntityId МИС, а не со своим.', "The gateway relayed with the MIS's clientEntityId, not its own."));
  this.report(findings);
});

Then('шлюз возвращает МИС обратный вызов для {string} с relatesToMessage, равным MessageID МИС', REGISTERING, async function (this: SelloWorld, alias: string) {
  const context = ru(this);
  const doc = context.registered(alias);
  const x = await awaitCallback(context, alias, PARTY.gateway);
  const r = x ? resultOf(x) : undefined;
  // RR-05 is the correlation; what the callback carries is RR-14's (the relay judge and RR-14.3/14.4 compare it with
  // REMD's). No callback at all: the cause on the wire (a relay REMD refused) is the finding, when there is one.
  const correlation = expectCallback(x, { status: r?.status ?? 'success', relatesTo: doc.messageIds[0]! }, context.judged('RR-05')).filter(
    (f) => !f.location.includes('/cb:registerDocumentResult/') || f.location.endsWith('/cb:relatesToMessage'),
  );
  await reportRootCause(this, correlation);
});

Then('сообщения шлюза — SOAP 1.2 с WS-Addressing, его clientEntityId и телами по XSD', async function (this: SelloWorld) {
  this.report(await wireFindingsUnder(this, 'RR-08'));
});

Then(
  'шлюз отвечает МИС ошибкой SOAP с кодом {string} и RelatesTo, равным MessageID МИС, или повторяет запрос к РЭМД не раньше чем через 1 с',
  RETRYING,
  async function (this: SelloWorld, code: string) {
    const context = ru(this);
    const alias = [...context.documents.keys()][0]!;
    const doc = context.registered(alias);
    const relays = () => context.exchanges().filter((x) => x.from === PARTY.gateway && isOperation(x, 'registerDocument') && metadataOf(x)?.localUid === doc.localUid);
    const answer = context.last;
    if (answer && envelopeOf(answer, 'response').fault) {
      this.report(expectFault(answer, { code, shape: true }, context.judged('RR-14')));
      return;
    }
    await context.awaitExchange(() => relays().length >= 2, 1000 + context.propagationMs, `the gateway's repeat after ${code}`);
    this.report(expectBackoff(relays(), context.judged('RR-17')));
  },
);

Then('обратный вызов шлюза для {string} несет тот же статус, localUid, вид, организацию, emdrId и дату регистрации, что обратный вызов РЭМД', function (this: SelloWorld, alias: string) {
  const context = ru(this);
  const j = context.judged('RR-14');
  const fromRemd = remdCallback(context, alias);
  const relayed = callbacksFor(context, alias, PARTY.gateway)[0];
  if (!fromRemd || !relayed) return this.report([notFound(j, 'Обратного вызова РЭМД или шлюза нет.', 'No REMD or gateway callback.')]);
  this.report(expectSameResult(fromRemd, relayed, j));
});

When('Sello \\(РЭМД) забирает файл документа {string} через getDocumentFile шлюза', REGISTERING, async function (this: SelloWorld, alias: string) {
  const context = ru(this);
  const gateway = context.deployment.endpoints.gateway;
  if (!gateway) throw new Error('no gateway in this deployment');
  context.last = await pullFile(context, gateway.documentFileUrl, context.registered(alias).localUid);
});

Then('шлюз отдает файл и подписи документа {string} байт в байт, как МИС, и SHA-256 равен зарегистрированному дайджесту', async function (this: SelloWorld, alias: string) {
  const context = ru(this);
  const doc = context.registered(alias);
  const j = context.judged('RR-14');
  if (!context.last) return this.report([notFound(j, 'getDocumentFile шлюза не вызывался.', "The gateway's getDocumentFile was not called.")]);
  // What the MIS itself serves, asked directly (Sello as REMD): the gateway must hand over exactly that.
  const direct = await pullFile(context, context.deployment.endpoints.mis.documentFileUrl, doc.localUid);
  this.report([...expectFileMatches(context.last, doc.metadata, j), ...expectSameFile(documentFileOf(direct), context.last, j)]);
});

Then(
  'в пределах 2 × callbackMs шлюз присылает МИС обратный вызов со статусом error и кодом {string} для {string} с relatesToMessage, равным MessageID МИС',
  RETRYING,
  async function (this: SelloWorld, code: string, alias: string) {
    const context = ru(this);
    const doc = context.registered(alias);
    const x = await awaitCallback(context, alias, PARTY.gateway, 2 * context.callbackMs + context.requestMs);
    this.report(expectCallback(x, { status: 'error', code, relatesTo: doc.messageIds[0]! }, context.judged('RR-15')));
  },
);

Then('шлюз повторяет обратный вызов для {string} с тем же MessageID не раньше чем через callbackMs', RETRYING, async function (this: SelloWorld, alias: string) {
  const context = ru(this);
  await context.awaitExchange(() => callbacksFor(context, alias, PARTY.gateway).length >= 2, context.propagationMs + 2 * context.callbackMs, `the gateway's repeated callback for ${alias}`);
  // The gateway relays REMD's callback: it cannot have sent its first attempt before REMD sent that.
  const relayed = callbacksFor(context, alias, PARTY.remd)[0];
  this.report(expectCallbackRetries(callbacksFor(context, alias, PARTY.gateway), context.callbackMs, context.judged('RR-15'), relayed?.startedAt));
});

Then('шлюз подтвердил обратный вызов РЭМД один раз', async function (this: SelloWorld) {
  const context = ru(this);
  const alias = [...context.documents.keys()][0]!;
  const remdCallbacks = () => context.exchanges().filter((x) => x.to === PARTY.gateway && isOperation(x, 'registerDocumentResult') && resultOf(x)?.localUid === context.registered(alias).localUid);
  // REMD's callback is on the record once the gateway answered it: it may come after the gateway's own to the MIS.
  await context.awaitExchange(() => remdCallbacks().length >= 1, context.propagationMs, `REMD's callback for ${alias} answered by the gateway`);
  const fromRemd = remdCallbacks();
  const j = context.judged('RR-15');
  const acked = fromRemd.filter((x) => x.status !== undefined && x.status < 300 && !envelopeOf(x, 'response').fault);
  this.report(acked.length === 1 ? [] : [notFound(j, `Шлюз подтвердил обратный вызов РЭМД ${acked.length} раз(а).`, `The gateway acknowledged REMD's callback ${acked.length} time(s).`)]);
});
