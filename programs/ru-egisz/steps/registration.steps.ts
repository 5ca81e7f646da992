import { Given, Then, When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { sameMessageId } from '../../../src/soap/index.ts';
import {
  envelopeOf,
  expectAccepted,
  expectCallback,
  expectFileMatches,
  expectOneCallback,
  expectRegistryItem,
  expectSearchFinds,
  expectUniqueMessageIds,
  isOperation,
  resultOf,
} from '../judges/expectations.ts';
import { PARTY } from '../lib/contract.ts';
import type { MisStimulus } from '../reference/mis.ts';
import { notFound, type RuScenario, reportRootCause, ru, wireFindingsUnder } from './ru-context.ts';
import { pullFile, registerDocument, registryCall } from './stand-ins.ts';
import { REGISTERING } from './timeouts.ts';

/** The stimuli of "Sello (МИС) регистрирует документ "А" <tail>", by the tail's words (reference/mis.ts names). */
const DOCUMENT_STIMULI: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray, context: RuScenario) => { stimulus?: MisStimulus; createdOn?: string }]> = [
  [/^( с MessageID вида urn:uuid:)?$/, () => ({})],
  [/^ без подписи организации$/, () => ({ stimulus: 'no-organization-signature' })],
  [/^ без realmCode$/, () => ({ stimulus: 'xsd-failing' })],
  [/^ с templateId другой редакции$/, () => ({ stimulus: 'schematron-failing' })],
  [/^ без СНИЛС пациента$/, () => ({ stimulus: 'no-patient-snils' })],
  [/^ с неверным контрольным числом СНИЛС врача$/, () => ({ stimulus: 'wrong-doctor-snils' })],
  [/^ с неверным контрольным числом СНИЛС пациента$/, () => ({ stimulus: 'wrong-patient-snils' })],
  [/^ с другой датой рождения пациента в метаданных$/, () => ({ stimulus: { metadataDiffers: 'birthDate' } })],
  [/^ с другим полем (kind|organization|department|localUid|creationDateTime) в метаданных$/, (m) => ({ stimulus: { metadataDiffers: m[1] as 'kind' } })],
  [/^ с версией справочника пола, которой нет$/, () => ({ stimulus: 'bad-gender-version' })],
  [/^ с кодом должности, которого нет в версии$/, () => ({ stimulus: 'bad-position-code' })],
  [/^ организации, которой нет в ФРМО$/, () => ({ stimulus: 'unknown-organization' })],
  [/^ врача, которого нет в ФРМР организации$/, () => ({ stimulus: 'doctor-not-in-frmr' })],
  [/^ с байтом, измененным после подписи$/, () => ({ stimulus: 'byte-changed-after-signing' })],
  [/^ с подписью врача, СНИЛС сертификата которого не из документа$/, () => ({ stimulus: 'doctor-certificate-snils-mismatch' })],
  [/^ с подписью по ГОСТ Р 34\.10-2012$/, () => ({ stimulus: 'gost-signature' })],
  [/^ с дайджестом, который не равен дайджесту отдаваемого файла$/, () => ({ stimulus: 'digest-differs' })],
  [/^, созданный (\d{4}-\d{2}-\d{2})$/, (m) => ({ createdOn: m[1]! })],
  [/^, но ее getDocumentFile не принимает соединений$/, () => ({ stimulus: 'file-refuses-connections' })],
  [/^, но отвечает на getDocumentFile ошибкой SOAP$/, () => ({ stimulus: 'file-fault' })],
  [/^ с localUid документа "([^"]+)" и новым MessageID$/, (m, context) => ({ stimulus: { duplicateOf: context.registered(m[1]!).localUid } })],
];

function stimulusOf(tail: string, context: RuScenario): { stimulus?: MisStimulus; createdOn?: string } {
  for (const [re, make] of DOCUMENT_STIMULI) {
    const m = re.exec(tail);
    if (m) return make(m, context);
  }
  throw new Error(`no stimulus of Sello (MIS) is called "${tail.trim()}"`);
}

async function register(world: SelloWorld, alias: string, tail: string, viaGateway?: boolean): Promise<void> {
  const context = ru(world);
  const { stimulus, createdOn } = stimulusOf(tail, context);
  // A Given chose how the stand-in MIS acknowledges this registration's callback (RR-15 stimuli).
  const serving = stimulus === undefined ? context.nextServing : undefined;
  context.nextServing = undefined;
  const chosen = stimulus ?? serving;
  await registerDocument(context, alias, { ...(chosen ? { stimulus: chosen } : {}), ...(createdOn ? { createdOn } : {}), ...(viaGateway !== undefined ? { viaGateway } : {}) });
}

When(/^Sello \(МИС\) регистрирует документ "([^"]+)"(.*)$/, REGISTERING, async function (this: SelloWorld, alias: string, tail: string) {
  await register(this, alias, tail);
});

When('МИС регистрирует документ {string}', REGISTERING, async function (this: SelloWorld, alias: string) {
  await register(this, alias, '');
});

When('МИС регистрирует документ {string} через шлюз', REGISTERING, async function (this: SelloWorld, alias: string) {
  await register(this, alias, '', true);
});

Given('Sello \\(МИС) не подтверждает первый обратный вызов в пределах callbackMs', function (this: SelloWorld) {
  ru(this).nextServing = 'callback-no-ack';
});

Given('Sello \\(МИС) отвечает на первый обратный вызов HTTP 503', function (this: SelloWorld) {
  ru(this).nextServing = 'callback-503';
});

// ——— REMD's answers ———

Then('РЭМД синхронно отвечает «принято» без emdrId', function (this: SelloWorld) {
  const context = ru(this);
  this.report(expectAccepted(context.last, context.judged('RR-10')));
});

/** Callbacks of a registration, from whoever calls the MIS back (REMD, or the gateway), by relatesToMessage or localUid. */
export function callbacksFor(context: RuScenario, alias: string, from?: string): ExchangeEntry[] {
  const doc = context.registered(alias);
  return context.exchanges().filter((x) => {
    if (!isOperation(x, 'registerDocumentResult') || (from && x.from !== from)) return false;
    const r = resultOf(x);
    return r !== undefined && (doc.messageIds.some((id) => sameMessageId(r.relatesToMessage, id)) || (doc.messageIds.length === 0 && r.localUid === doc.localUid));
  });
}

/** The first callback for `alias` to reach the MIS, waited for within the propagation bound. */
export async function awaitCallback(context: RuScenario, alias: string, from?: string, timeoutMs = context.propagationMs): Promise<ExchangeEntry | undefined> {
  const doc = context.registered(alias);
  const mine = (x: ExchangeEntry) => callbacksFor(context, alias, from).includes(x);
  return context.awaitExchange(mine, timeoutMs, `the callback for ${doc.localUid}`);
}

Then(
  /^РЭМД присылает обратный вызов со статусом (success|error)(?: и emdrId| и кодом "([A-Z_]+)") для "([^"]+)"( или регистрирует его)?$/,
  REGISTERING,
  async function (this: SelloWorld, status: string, code: string | undefined, alias: string, orRegisters: string | undefined) {
    const context = ru(this);
    const x = await awaitCallback(context, alias, PARTY.remd);
    const doc = context.registered(alias);
    // RR-04.5: a REMD that verifies GOST may register the document instead.
    const r = x ? resultOf(x) : undefined;
    if (orRegisters && r?.status === 'success') return;
    const behaviour = context.world.requirements.find((id) => id !== 'RR-10' && id !== 'RR-05' && id !== 'RR-08') ?? 'RR-10';
    const findings = expectCallback(
      x,
      {
        status: status as 'success' | 'error',
        ...(code ? { code } : {}),
        localUid: doc.localUid,
        ...(doc.messageIds[0] ? { relatesTo: doc.messageIds[0] } : {}),
        ...(doc.sentAt ? { notBefore: doc.sentAt } : {}),
      },
      context.judged(behaviour),
    );
    // A callback that came but relates to no MessageID of the registration is not missing: the wire names its fault (RR-05).
    if (!x) return reportRootCause(this, findings);
    this.report(findings);
  },
);

Then('обратный вызов для {string} несет relatesToMessage, равный MessageID запроса, и приходит один раз', function (this: SelloWorld, alias: string) {
  const context = ru(this);
  const callbacks = callbacksFor(context, alias, PARTY.remd);
  const doc = context.registered(alias);
  const j = context.judged('RR-05');
  if (callbacks.length === 0) return this.report([notFound(j, `Обратного вызова для ${doc.localUid} нет.`, `No callback for ${doc.localUid}.`)]);
  this.report([...expectCallback(callbacks[0], { status: resultOf(callbacks[0]!)?.status ?? 'success', relatesTo: doc.messageIds[0]! }, j), ...expectOneCallback(callbacks, context.judged('RR-10'))]);
});

Then('в обратном вызове об ошибке для {string} нет emdrId и registrationDate, у каждой ошибки код классификатора и русский текст', function (this: SelloWorld, alias: string) {
  const context = ru(this);
  this.report(expectCallback(callbacksFor(context, alias, PARTY.remd)[0], { status: 'error' }, context.judged('RR-10')));
});

Then('текст ошибки {string} для {string} называет {string}', function (this: SelloWorld, code: string, alias: string, word: string) {
  const context = ru(this);
  this.report(expectCallback(callbacksFor(context, alias, PARTY.remd)[0], { status: 'error', code, names: word }, context.judged()));
});

Then('сообщения РЭМД — SOAP 1.2 с WS-Addressing и телами по XSD', async function (this: SelloWorld) {
  this.report(await wireFindingsUnder(this, 'RR-08'));
});

// ——— what the MIS sent (judged on the wire) ———

Then('запрос registerDocument МИС — SOAP 1.2 с WS-Addressing, clientEntityId МИС и телом по XSD', async function (this: SelloWorld) {
  const context = ru(this);
  if (!context.last) return this.report([notFound(context.judged('RR-08'), 'Запроса registerDocument МИС нет.', 'No registerDocument of the MIS.')]);
  this.report(await wireFindingsUnder(this, 'RR-08'));
});

for (const [text, rule] of [
  ['каждый СНИЛС в метаданных и в CDA МИС — 11 цифр с верным контрольным числом', 'RR-02'],
  ['CDA документа {string} проходит XSD и Schematron вида 194', 'RR-01'],
  ['каждое поле метаданных документа {string} равно значению его CDA', 'RR-03'],
  ['каждое кодированное значение CDA документа {string} несет codeSystem, codeSystemVersion и displayName версии справочника, опубликованной не позже даты документа', 'RR-11'],
  ['организация и подразделение документа {string} — OID ФРМО, а каждый врач — сотрудник этой организации в ФРМР с указанной должностью', 'RR-12'],
  ['creationDateTime и effectiveTime документа {string} лежат в окне вида 194 \\(2023-07-31 … 2024-06-30)', 'RR-07'],
  ['подписи врача и организации к файлу документа {string} проверяются, СНИЛС врача в сертификате равен СНИЛС legalAuthenticator, в сертификате организации есть ОГРН', 'RR-04'],
] as const) {
  // What the MIS sent is judged where it is on the wire (judges/wire.ts); REMD pulling the file puts it there.
  const judged = async (world: SelloWorld, alias: string | undefined): Promise<void> => {
    if (alias) await pulledFile(ru(world), alias);
    world.report(await wireFindingsUnder(world, rule));
  };
  // Cucumber checks a step function's arity against its text's parameters: one function per shape.
  if (text.includes('{string}')) {
    Then(text, REGISTERING, async function (this: SelloWorld, alias: string) {
      await judged(this, alias);
    });
  } else {
    Then(text, REGISTERING, async function (this: SelloWorld) {
      await judged(this, undefined);
    });
  }
}

/** REMD's getDocumentFile of the document (Sello's stand-in pulls it after accepting), waited for. */
async function pulledFile(context: RuScenario, alias: string): Promise<ExchangeEntry | undefined> {
  const doc = context.registered(alias);
  return context.awaitExchange(
    (x) => isOperation(x, 'getDocumentFile') && x.response !== undefined && envelopeOf(x, 'request').payload?.textContent?.includes(doc.localUid) === true,
    context.propagationMs,
    `getDocumentFile of ${doc.localUid}`,
  );
}

When('Sello \\(РЭМД) забирает файл документа {string} через getDocumentFile', REGISTERING, async function (this: SelloWorld, alias: string) {
  const context = ru(this);
  // The stand-in REMD pulls the file itself after accepting; when it did not (it withholds), Sello pulls it.
  context.last = (await pulledFile(context, alias)) ?? (await pullFile(context, context.deployment.endpoints.mis.documentFileUrl, context.registered(alias).localUid));
});

Then('SHA-256 файла документа {string} равен зарегистрированному дайджесту, и подписи приложены', function (this: SelloWorld, alias: string) {
  const context = ru(this);
  this.report(expectFileMatches(context.last, context.registered(alias).metadata, context.judged('RR-06')));
});

Then('каждый MessageID запросов МИС — UUID, и ни один не повторяется', function (this: SelloWorld) {
  const context = ru(this);
  const requests = context.exchanges().filter((x) => x.from === PARTY.mis && isOperation(x, 'registerDocument'));
  this.report(expectUniqueMessageIds(requests, context.judged('RR-05')));
});

Then('localUid документов МИС различны и равны ClinicalDocument\\/id их CDA, setId оканчивается на .50', async function (this: SelloWorld) {
  const context = ru(this);
  const uids = [...context.documents.values()].map((d) => d.localUid);
  const j = context.judged('RR-13');
  const repeated = uids.filter((u, i) => uids.indexOf(u) !== i);
  const findings = await wireFindingsUnder(this, 'RR-13');
  if (repeated.length > 0) findings.push(notFound(j, `localUid повторяется: ${repeated.join(', ')}.`, `A localUid repeats: ${repeated.join(', ')}.`));
  this.report(findings);
});

// ——— registry reads (RR-18) ———

Then('getRegistryItem по emdrId документа {string} возвращает его localUid, вид, организацию, СНИЛС пациента и дату регистрации', async function (this: SelloWorld, alias: string) {
  const context = ru(this);
  const doc = context.registered(alias);
  const r = callbacksFor(context, alias, PARTY.remd).map(resultOf)[0];
  if (!r?.emdrId) throw new Error(`no emdrId for ${alias}`);
  const call = await registryCall(context, { emdrId: r.emdrId });
  const m = doc.metadata;
  this.report(
    expectRegistryItem(
      call.exchange,
      { emdrId: r.emdrId, localUid: doc.localUid, ...(m ? { kind: m.kind, organization: m.organization, ...(m.patient.snils ? { patientSnils: m.patient.snils } : {}) } : {}) },
      context.judged('RR-18'),
    ),
  );
});

Then('запись реестра РЭМД о {string} не изменилась', async function (this: SelloWorld, alias: string) {
  const context = ru(this);
  const doc = context.registered(alias);
  const r = callbacksFor(context, alias, PARTY.remd).map(resultOf)[0];
  if (!r?.emdrId) throw new Error(`no emdrId for ${alias}`);
  const call = await registryCall(context, { emdrId: r.emdrId });
  this.report(expectRegistryItem(call.exchange, { emdrId: r.emdrId, localUid: doc.localUid, ...(r.registrationDate ? { registrationDate: r.registrationDate } : {}) }, context.judged('RR-13')));
});

When('Sello \\(МИС) запрашивает getRegistryItem с неизвестным emdrId', async function (this: SelloWorld) {
  const context = ru(this);
  // An emdrId of the right shape that no registration was given.
  context.last = (await registryCall(context, { emdrId: '99.99.99.99.999999999' })).exchange;
});

Then(
  /^searchRegistryItem по организации, виду, датам документов и СНИЛС пациента документа "([^"]+)" (?:находит ровно "([^"]+)"|не находит ничего)$/,
  async function (this: SelloWorld, of: string, expected: string | undefined) {
    const context = ru(this);
    const docs = [...context.documents.values()].filter((d) => d.metadata);
    const m = context.registered(of).metadata;
    if (!m) throw new Error(`the metadata of ${of} was not seen on the wire`);
    const dates = docs.map((d) => d.metadata!.creationDateTime.slice(0, 10)).sort();
    const call = await registryCall(context, {
      search: { organization: m.organization, kind: m.kind, dateFrom: dates[0]!, dateTo: dates.at(-1)!, ...(m.patient.snils ? { patientSnils: m.patient.snils } : {}) },
    });
    this.report(expectSearchFinds(call.exchange, expected ? [context.registered(expected).localUid] : [], context.judged('RR-18')));
  },
);
