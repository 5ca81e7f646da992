import { Given, Then, When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { newUrnUuid } from '../../../src/soap/index.ts';
import { InfrastructureError } from '../../../src/transport/infrastructure-error.ts';
import { sleep } from '../../../src/util/wait.ts';
import {
  envelopeOf,
  expectAcknowledged,
  expectAnswerAddressing,
  expectBackoff,
  expectCallbackRetries,
  expectFault,
  expectNone,
  type FaultExpectation,
  isOperation,
  metadataOf,
  requestMessageId,
  resultOf,
} from '../judges/expectations.ts';
import { certainlyWithinOneSecond } from '../lib/burst.ts';
import { PARTY, type RegisterDocumentResult, stimulusParty } from '../lib/contract.ts';
import type { TransportDefect } from '../reference/mis-send.ts';
import { callbacksFor } from './registration.steps.ts';
import { notFound, type RuScenario, ru } from './ru-context.ts';
import { barrier, nextRegisterFault, pullFile, RATE_WINDOW_MS, registerDocument, sendCallback, withholdCallbacks } from './stand-ins.ts';
import { REGISTERING, RETRYING } from './timeouts.ts';

/** Timers fire late, never early: what a repeat scheduled callbackMs after an attempt may add. */
const CALLBACK_SPACING_SLACK_MS = 200;

const TRANSPORT: ReadonlyArray<readonly [RegExp, (context: RuScenario) => TransportDefect]> = [
  [/^ с MessageID, который не UUID$/, () => 'non-uuid-message-id'],
  [/^ с MessageID предыдущего запроса$/, (c) => ({ reuseMessageId: [...c.documents.values()].find((d) => d.messageIds[0])?.messageIds[0] ?? newUrnUuid() })],
  [/^ в конверте SOAP 1\.1$/, () => 'soap11'],
  [/^ с Content-Type text\/xml$/, () => 'text-xml'],
  [/^ без clientEntityId$/, () => 'no-client-entity-id'],
  [/^ с неизвестным clientEntityId$/, () => 'unknown-client-entity-id'],
  [/^ с XML, который не является well-formed$/, () => 'malformed-xml'],
];

When(/^Sello \(МИС\) отправляет (РЭМД|шлюзу) registerDocument документа "([^"]+)"(.*)$/, REGISTERING, async function (this: SelloWorld, to: string, alias: string, tail: string) {
  const context = ru(this);
  const make = TRANSPORT.find(([re]) => re.test(tail))?.[1];
  if (!make) throw new Error(`no transport stimulus of Sello (MIS) is called "${tail.trim()}"`);
  const doc = await registerDocument(context, alias, { stimulus: make(context), viaGateway: to === 'шлюзу' });
  // The stimulus may not read back (malformed XML): then the last registerDocument the stand-in sent is the one.
  context.last = doc.request ?? [...context.exchanges()].reverse().find((x) => x.from === stimulusParty('mis') && x.method === 'POST' && (x.to === PARTY.remd || x.to === PARTY.gateway));
});

When('Sello \\(МИС) отправляет РЭМД сразу больше registerDocument, чем limits.requestsPerSecond', REGISTERING, async function (this: SelloWorld) {
  const context = ru(this);
  const limit = declaredLimit(context);
  const count = 2 * limit + 2;
  for (let burst = 1; ; burst++) {
    // Prepared and signed first, then sent together: signing one at a time on a busy machine must not spread the burst.
    const together = barrier(count, context.requestMs);
    const docs = await Promise.all(Array.from({ length: count }, (_, i) => registerDocument(context, `лимит-${burst}-${i}`, { stimulus: 'burst', together })));
    context.lastBatch = docs.map((d) => d.request).filter((x): x is ExchangeEntry => x !== undefined);
    // A burst that a moment's load spread out proves nothing either way (see the judging step): another, once REMD's
    // second has passed, rather than an INCONCLUSIVE run for a passing spike.
    const refusedAny = context.lastBatch.some((x) => envelopeOf(x, 'response').fault);
    if (refusedAny || certainlyWithinOneSecond(context.lastBatch) > 2 * limit || burst === BURSTS) break;
    await sleep(RATE_WINDOW_MS);
  }
});

/** Bursts Sello sends before it calls RR-16 untestable on this machine and network. */
const BURSTS = 3;

/** A limit REMD does not declare cannot be tested: the run says what the target file lacks rather than guess one. */
function declaredLimit(context: RuScenario): number {
  const limit = context.remdRequestsPerSecond;
  if (limit !== undefined) return limit;
  throw new InfrastructureError(
    context.deployment.endpoints.remd.serviceUrl,
    'protocol',
    'RR-16 is tested against the limit REMD declares, and the target file gives none: add sut.limits.requestsPerSecond',
  );
}

const FAULT_STEP = /^(РЭМД|МИС|шлюз) отвечает (?:HTTP (\d{3}) )?ошибкой SOAP (?:1\.2 )?(Sender|Receiver|VersionMismatch)(?: с кодом "([A-Z_]+)")?(?:, текст которой называет "([^"]+)")?$/;

Then(FAULT_STEP, function (this: SelloWorld, _who: string, status: string | undefined, soapCode: string, code: string | undefined, names: string | undefined) {
  const context = ru(this);
  const e: FaultExpectation = { soapCode: soapCode as FaultExpectation['soapCode'], ...(code ? { code } : {}), ...(names ? { names } : {}), ...(status ? { httpStatus: Number(status) } : {}) };
  this.report(expectFault(context.last, e, context.judged()));
});

Then(
  /^ошибка SOAP — HTTP 400, env:Reason на русском, код классификатора в env:Detail(, wsa:RelatesTo равен MessageID запроса| и wsa:Action …\/addressing\/fault)?$/,
  function (this: SelloWorld, more: string | undefined) {
    const context = ru(this);
    this.report(expectFault(context.last, { httpStatus: 400, shape: true, ...(more?.includes('Action') ? { faultAction: true } : {}) }, context.judged('RR-09')));
  },
);

/**
 * Nothing follows a refusal within the window the target gives a callback (`timeouts.callbackMs`: REMD pulls the file
 * and calls back within it after accepting), counted from the refusal's answer; the wait ends early on what would
 * prove the refusal was not one (a file pull or a callback for it).
 */
async function nothingFollows(context: RuScenario, refusedAt: string | undefined, follows: (x: ExchangeEntry) => boolean, what: string): Promise<ExchangeEntry[]> {
  const left = (Date.parse(refusedAt ?? '') || Date.now()) + context.callbackMs - Date.now();
  if (left > 0) await context.awaitExchange(follows, left, what);
  return context.exchanges().filter(follows);
}

Then('РЭМД не регистрирует документ {string} и не присылает обратного вызова', REGISTERING, async function (this: SelloWorld, alias: string) {
  const context = ru(this);
  const doc = context.registered(alias);
  const after = await nothingFollows(
    context,
    context.last?.finishedAt,
    (x) =>
      (isOperation(x, 'getDocumentFile') && envelopeOf(x, 'request').payload?.textContent?.includes(doc.localUid)) ||
      // By localUid: a reused MessageID also names the earlier registration, whose callback is no fault of this one.
      (isOperation(x, 'registerDocumentResult') && resultOf(x)?.localUid === doc.localUid),
    `a file pull or callback for the refused ${doc.localUid} (none expected)`,
  );
  this.report(
    expectNone(
      after,
      { ru: `РЭМД забрала файл или прислала обратный вызов после отказа (${doc.localUid})`, en: `REMD pulled the file or called back after a refusal (${doc.localUid})` },
      context.judged(),
    ),
  );
});

Then('шлюз ничего не переслал РЭМД', REGISTERING, function (this: SelloWorld) {
  const context = ru(this);
  // The gateway relays before it answers (it answers "accepted" only once REMD has, and relays REMD's faults): its
  // refusal, already on the record, is the event; the contract gives no window for a relay after it.
  const relayed = context.exchanges().filter((x) => x.from === PARTY.gateway && x.to === PARTY.remd);
  this.report(expectNone(relayed, { ru: 'шлюз переслал РЭМД отклоненный запрос', en: 'the gateway relayed a refused request to REMD' }, context.judged()));
});

Then('запросы сверх лимита получают ошибку SOAP 1.2 Receiver с кодом {string}, и каждый получил ответ SOAP', function (this: SelloWorld, code: string) {
  const context = ru(this);
  const j = context.judged('RR-16');
  const refused = context.lastBatch.filter((x) => envelopeOf(x, 'response').fault);
  const findings = context.lastBatch
    .filter((x) => x.error || !envelopeOf(x, 'response').version)
    .map((x) =>
      notFound(j, `Запрос ${x.messageId ?? x.id} остался без ответа SOAP: ${x.error ?? `HTTP ${x.status}`}.`, `Request ${x.messageId ?? x.id} got no SOAP answer: ${x.error ?? `HTTP ${x.status}`}.`),
    );
  if (refused.length === 0) {
    const limit = declaredLimit(context);
    const densest = certainlyWithinOneSecond(context.lastBatch);
    // The contract does not say how REMD counts a second: a fixed window may split a burst in two, so only more than
    // twice the limit inside one second obliges every reading to refuse some. A burst that a busy machine or network
    // spread thinner on its way tested nothing: the weather, not the system.
    if (densest <= 2 * limit) {
      throw new InfrastructureError(
        context.lastBatch[0]?.url ?? PARTY.remd,
        'timeout',
        `RR-16 not exercised: of Sello's burst of ${context.lastBatch.length} registerDocument, at most ${densest} were certainly at REMD within one second (sent and answered inside it; ${2 * limit + 1} needed with requestsPerSecond ${limit}); the machine or the network was too slow to deliver them together`,
      );
    }
    findings.push(notFound(j, `Ни один из ${context.lastBatch.length} запросов не получил ${code}.`, `None of ${context.lastBatch.length} requests got ${code}.`));
  }
  for (const x of refused) findings.push(...expectFault(x, { soapCode: 'Receiver', code }, j));
  this.report(findings);
});

Then('на запросы, отклоненные RATE_LIMIT, РЭМД ничего не регистрирует и не присылает обратных вызовов', REGISTERING, async function (this: SelloWorld) {
  const context = ru(this);
  const refused = context.lastBatch.filter((x) => envelopeOf(x, 'response').fault);
  const refusedIds = refused.map((x) => requestMessageId(x));
  const lastRefusal = refused
    .map((x) => x.finishedAt)
    .sort()
    .at(-1);
  const after = await nothingFollows(
    context,
    lastRefusal,
    (x) => isOperation(x, 'registerDocumentResult') && refusedIds.includes(resultOf(x)?.relatesToMessage),
    'a callback for a request refused with RATE_LIMIT (none expected)',
  );
  this.report(expectNone(after, { ru: 'обратный вызов на отклоненный RATE_LIMIT запрос', en: 'a callback for a request refused with RATE_LIMIT' }, context.judged('RR-16')));
});

// ——— Sello (REMD) driving a MIS or a gateway ———

Given('Sello \\(РЭМД) не присылает обратных вызовов сам', function (this: SelloWorld) {
  withholdCallbacks(ru(this));
});

Given('Sello \\(РЭМД) отвечает на следующую регистрацию ошибкой SOAP {string}', function (this: SelloWorld, code: string) {
  nextRegisterFault(ru(this), code);
});

/** A callback result for a registration, as REMD would write it. */
function resultFor(context: RuScenario, alias: string, status: 'success' | 'error', errors = 1): RegisterDocumentResult {
  const doc = context.registered(alias);
  const relayed = relayedRequest(context, alias);
  const relatesTo = (relayed ? requestMessageId(relayed) : undefined) ?? doc.messageIds[0] ?? newUrnUuid();
  const m = doc.metadata;
  const base = { relatesToMessage: relatesTo, localUid: doc.localUid, kind: m?.kind ?? '194', organization: m?.organization ?? '' };
  if (status === 'success') return { ...base, status, emdrId: '16.62.23.09.000014523', registrationDate: new Date().toISOString(), errors: [] };
  const all = [
    { code: 'NO_SIGNATURE', message: 'Нет подписи организации' },
    { code: 'DIGEST_MISMATCH', message: 'Дайджест файла не совпадает с зарегистрированным' },
  ];
  return { ...base, status, errors: all.slice(0, errors) };
}

/** The gateway's registerDocument to REMD for a document (a @gateway scenario). */
export function relayedRequest(context: RuScenario, alias: string): ExchangeEntry | undefined {
  const doc = context.registered(alias);
  return context.exchanges().find((x) => x.from === PARTY.gateway && isOperation(x, 'registerDocument') && metadataOf(x)?.localUid === doc.localUid);
}

When(
  /^Sello \(РЭМД\) присылает (МИС|шлюзу) обратный вызов со статусом (success|error)( и двумя ошибками)? для "([^"]+)"( дважды с одним MessageID)?$/,
  REGISTERING,
  async function (this: SelloWorld, to: string, status: string, two: string | undefined, alias: string, twice: string | undefined) {
    const context = ru(this);
    const url = to === 'шлюзу' ? context.deployment.endpoints.gateway!.callbackUrl : context.deployment.endpoints.mis.callbackUrl;
    if (to === 'шлюзу') await context.awaitExchange((x) => relayedRequest(context, alias) === x, context.propagationMs, `the gateway's relay of ${alias}`);
    context.lastBatch = await sendCallback(context, url, resultFor(context, alias, status as 'success' | 'error', two ? 2 : 1), { times: twice ? 2 : 1 });
    context.last = context.lastBatch[0];
  },
);

When('Sello \\(РЭМД) присылает МИС обратный вызов с relatesToMessage, который не относится ни к одному ее запросу', async function (this: SelloWorld) {
  const context = ru(this);
  const result = { ...resultFor(context, [...context.documents.keys()][0]!, 'success'), relatesToMessage: newUrnUuid() };
  context.last = (await sendCallback(context, context.deployment.endpoints.mis.callbackUrl, result))[0];
});

When('Sello \\(РЭМД) присылает МИС обратный вызов для {string} в конверте SOAP 1.1', async function (this: SelloWorld, alias: string) {
  const context = ru(this);
  context.last = (await sendCallback(context, context.deployment.endpoints.mis.callbackUrl, resultFor(context, alias, 'success'), { soap11: true }))[0];
});

When('Sello \\(РЭМД) запрашивает у МИС getDocumentFile с неизвестным localUid', async function (this: SelloWorld) {
  const context = ru(this);
  context.last = await pullFile(context, context.deployment.endpoints.mis.documentFileUrl, `1.2.643.5.1.13.13.12.9.99.100.1.1.51-${newUrnUuid().slice(9, 17)}`);
});

Then('МИС подтверждает обратный вызов ответом SOAP 1.2, а не ошибкой, в пределах requestMs', function (this: SelloWorld) {
  const context = ru(this);
  this.report(expectAcknowledged(context.last, context.requestMs, context.judged('RR-10')));
});

Then('подтверждение МИС несет свой MessageID, Action и RelatesTo, равный MessageID обратного вызова', function (this: SelloWorld) {
  const context = ru(this);
  if (!context.last) return this.report([notFound(context.judged('RR-08'), 'Обратного вызова нет.', 'No callback.')]);
  this.report(expectAnswerAddressing(context.last, context.judged('RR-08')));
});

Then('МИС подтверждает оба обратных вызова и принимает результат для {string} один раз', function (this: SelloWorld, alias: string) {
  const context = ru(this);
  const j = context.judged('RR-15');
  const findings = context.lastBatch.flatMap((x) => expectAcknowledged(x, context.requestMs, j));
  const mis = context.deployment.local.mis;
  // "Taken once" is visible only in a MIS Sello runs; an external one shows it by acknowledging without a fault.
  if (mis) {
    const taken = mis.results().filter((t: { result: { localUid: string } }) => t.result.localUid === context.registered(alias).localUid).length;
    if (taken !== 1) findings.push(notFound(j, `МИС приняла результат ${taken} раз(а).`, `The MIS took the result ${taken} time(s).`));
  }
  this.report(findings);
});

Then('МИС повторяет регистрацию {string} не раньше чем через 1 с, с новым MessageID и теми же метаданными и дайджестом', RETRYING, async function (this: SelloWorld, alias: string) {
  const context = ru(this);
  const doc = context.registered(alias);
  const attempts = () => context.exchanges().filter((x) => x.from === PARTY.mis && isOperation(x, 'registerDocument') && metadataOf(x)?.localUid === doc.localUid);
  await context.awaitExchange(() => attempts().length >= 2, 1000 + context.propagationMs, `the MIS's repeat of ${doc.localUid} after RATE_LIMIT`);
  this.report(expectBackoff(attempts(), context.judged('RR-17')));
});

// ——— callback retries (RR-15) ———

Then(
  'РЭМД повторяет обратный вызов для {string} с тем же MessageID и телом не раньше чем через callbackMs и прекращает после подтверждения',
  RETRYING,
  async function (this: SelloWorld, alias: string) {
    const context = ru(this);
    await context.awaitExchange(() => callbacksFor(context, alias, PARTY.remd).length >= 2, context.propagationMs + 2 * context.callbackMs, `a repeated callback for ${alias}`);
    // Kept negative wait: the target's callbackMs is the spacing of callback retries (RR-15), so a repeat after the
    // acknowledged attempt would come callbackMs after it (+ CALLBACK_SPACING_SLACK_MS of timer slack); the wait
    // ends early when one comes.
    const acknowledged = callbacksFor(context, alias, PARTY.remd).at(-1);
    const left = (Date.parse(acknowledged?.finishedAt ?? '') || Date.now()) + context.callbackMs + CALLBACK_SPACING_SLACK_MS - Date.now();
    if (left > 0) await context.awaitExchange(() => callbacksFor(context, alias, PARTY.remd).length >= 3, left, `a callback for ${alias} after the acknowledged one (none expected)`);
    this.report(expectCallbackRetries(callbacksFor(context, alias, PARTY.remd), context.callbackMs, context.judged('RR-15')));
  },
);
