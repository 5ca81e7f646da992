/**
 * The registerDocumentResult callback on the wire: its shape (RR-10: success with emdrId and registrationDate and no
 * errors, error with classifier codes and Russian texts and no emdrId), its correlation with a registration its
 * sender received (RR-05) whose localUid, kind and organization it repeats (RR-10), and its repeats (RR-15: the same
 * MessageID and body). REMD's callback binds REMD (RR-10); a gateway's binds the gateway: relaying REMD's it owes
 * RR-14, its own ASYNC_RESPONSE_TIMEOUT RR-15.
 */
import { messageIdKey, sameMessageId } from '../../../src/soap/index.ts';
import type { RegisterDocumentResult } from '../lib/contract.ts';
import { readRegisterDocumentResult } from '../lib/messages.ts';
import { CLASSIFIER_CODES, EMDR_ID, type JudgedFinding } from './expectations.ts';
import { BODY, childNamed, finding, HEADER } from './soap-leg.ts';
import type { WireRead } from './wire-read.ts';
import { registrationKey, type WireState } from './wire-state.ts';

const CB = `${BODY}/cb:registerDocumentResult`;
const CYRILLIC = /[А-Яа-яЁё]/;

export const resultOf = (r: WireRead): RegisterDocumentResult | undefined => (r.req?.payload ? readRegisterDocumentResult(r.req.payload).value : undefined);

/** The rule a callback's content answers to, by who sent it. */
function contentRule(r: WireRead, result: RegisterDocumentResult): string {
  if (r.sender !== 'gateway') return 'RR-10';
  return result.errors.some((e) => e.code === 'ASYNC_RESPONSE_TIMEOUT') ? 'RR-15' : 'RR-14';
}

/** Shape and correlation of a callback a role sent; findings on its request. */
export function judgeCallback(r: WireRead, state: WireState): JudgedFinding[] {
  const result = resultOf(r);
  if (!result || !r.sender) return [];
  const rule = contentRule(r, result);
  const out: ReturnType<typeof finding>[] = [];
  const at = (local: string) => childNamed(r.req?.payload, local) ?? `${CB}/cb:${local}`;
  if (result.status === 'success') {
    if (!result.emdrId) out.push(finding(rule, 'required', `${CB}/cb:emdrId`, 'Обратный вызов status success без emdrId.', 'A callback status success without an emdrId.'));
    else if (!EMDR_ID.test(result.emdrId))
      out.push(finding(rule, 'value', at('emdrId'), `emdrId «${result.emdrId}» не вида NN.NN.NN.NN.NNNNNNNNN.`, `emdrId "${result.emdrId}" is not shaped NN.NN.NN.NN.NNNNNNNNN.`));
    if (!result.registrationDate)
      out.push(finding(rule, 'required', `${CB}/cb:registrationDate`, 'Обратный вызов status success без registrationDate.', 'A callback status success without a registrationDate.'));
    else if (Number.isNaN(Date.parse(result.registrationDate)))
      out.push(
        finding(rule, 'value', at('registrationDate'), `registrationDate «${result.registrationDate}» не дата ISO 8601.`, `registrationDate "${result.registrationDate}" is not an ISO 8601 date.`),
      );
    if (result.errors.length > 0) out.push(finding(rule, 'structure', at('errors'), 'Обратный вызов status success с errors.', 'A callback status success carrying errors.'));
  } else {
    if (result.errors.length === 0) out.push(finding(rule, 'required', `${CB}/cb:errors`, 'Обратный вызов status error без errors/item.', 'A callback status error without errors/item.'));
    for (const [i, e] of result.errors.entries()) {
      const where = `${CB}/cb:errors/cb:item[${i + 1}]`;
      if (!CLASSIFIER_CODES.has(e.code))
        out.push(finding(rule, 'value', `${where}/cb:code`, `Код «${e.code}» не из классификатора 1.2.643.5.1.13.13.99.2.305.`, `Code "${e.code}" is not of classifier 1.2.643.5.1.13.13.99.2.305.`));
      if (!CYRILLIC.test(e.message))
        out.push(finding(rule, 'value', `${where}/cb:message`, `Текст ошибки ${e.code} не на русском: «${e.message}».`, `The text of error ${e.code} is not in Russian: "${e.message}".`));
    }
    if (result.emdrId) out.push(finding(rule, 'structure', at('emdrId'), 'Обратный вызов status error с emdrId.', 'A callback status error carrying an emdrId.'));
    if (result.registrationDate)
      out.push(finding(rule, 'structure', at('registrationDate'), 'Обратный вызов status error с registrationDate.', 'A callback status error carrying a registrationDate.'));
  }
  const registration = state.registrations.get(registrationKey(r.sender, result.relatesToMessage));
  if (!registration || registration.receiver !== r.sender) {
    out.push(
      finding(
        'RR-05',
        'value',
        at('relatesToMessage'),
        `relatesToMessage ${result.relatesToMessage} не относится ни к одному запросу registerDocument, полученному отправителем (${r.sender}).`,
        `relatesToMessage ${result.relatesToMessage} relates to no registerDocument its sender (${r.sender}) received.`,
      ),
    );
  } else if (registration.metadata) {
    const m = registration.metadata;
    for (const field of ['localUid', 'kind', 'organization'] as const) {
      if (result[field] === m[field]) continue;
      out.push(
        finding(
          rule,
          'value',
          at(field),
          `${field} обратного вызова (${result[field]}) не равен ${field} регистрации (${m[field]}).`,
          `The callback's ${field} (${result[field]}) is not the registration's (${m[field]}).`,
        ),
      );
    }
  }
  return out.map((f) => ({ ...f, role: r.sender!, exchangeId: r.x.id, side: 'request' as const }));
}

/** RR-15: a callback repeated (same sender, receiver and registration) keeps its MessageID and body. */
export function judgeCallbackRepeat(r: WireRead, state: WireState): JudgedFinding[] {
  const result = resultOf(r);
  if (!result || !r.sender) return [];
  const key = `${r.sender}>${r.x.to}|${messageIdKey(result.relatesToMessage)}`;
  const messageId = r.req?.addressing.messageId;
  const body = JSON.stringify(result);
  const first = state.callbacks.get(key);
  if (!first) {
    state.callbacks.set(key, { exchangeId: r.x.id, ...(messageId ? { messageId } : {}), result: body });
    return [];
  }
  if (first.exchangeId === r.x.id) return [];
  const out: ReturnType<typeof finding>[] = [];
  if (!messageId || !first.messageId || !sameMessageId(messageId, first.messageId))
    out.push(
      finding(
        'RR-15',
        'value',
        `${HEADER}/wsa:MessageID`,
        `Повтор обратного вызова с другим wsa:MessageID (${messageId ?? 'нет'} вместо ${first.messageId ?? 'нет'}).`,
        `A repeated callback with another wsa:MessageID (${messageId ?? 'none'} instead of ${first.messageId ?? 'none'}).`,
      ),
    );
  if (body !== first.result) out.push(finding('RR-15', 'value', CB, 'Повтор обратного вызова с другим телом.', 'A repeated callback with another body.'));
  return out.map((f) => ({ ...f, role: r.sender!, exchangeId: r.x.id, side: 'request' as const }));
}
