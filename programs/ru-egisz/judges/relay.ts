/**
 * RR-14 on the wire: what a gateway relayed compared with what it got, both ways — the MIS's registration against the
 * gateway's registerDocument to REMD (same metadata, its own MessageID and clientEntityId, "accepted" only once REMD
 * accepted, REMD's Fault handed back with its code), REMD's callback against the gateway's callback to the MIS (same
 * status, fields and errors in order, relatesToMessage the MIS's MessageID), and the file the gateway served REMD
 * against the one it pulled from the MIS (byte for byte, signatures too).
 */
import { snilsDigits } from '../../../src/identifiers/ru/snils.ts';
import { sameMessageId } from '../../../src/soap/index.ts';
import type { RegisterDocumentMetadata, RegisterDocumentResult } from '../lib/contract.ts';
import { readDocumentFile, readRegisterDocument, readRegisterDocumentResult, readRemdFault } from '../lib/messages.ts';
import type { JudgedFinding } from './expectations.ts';
import { BODY, childNamed, clientEntityIdOf, FAULT, finding, HEADER } from './soap-leg.ts';
import type { WireRead } from './wire-read.ts';

const within = (inner: WireRead, outer: WireRead): boolean => inner.x.startedAt >= outer.x.startedAt && inner.x.startedAt <= outer.x.finishedAt;

const onGateway = (r: WireRead, side: 'request' | 'response', f: ReturnType<typeof finding>): JudgedFinding => ({ ...f, role: 'gateway', exchangeId: r.x.id, side });
const accepted = (r: WireRead): boolean => r.res !== undefined && r.res.version === '1.2' && !r.res.fault && (r.x.status ?? 0) >= 200 && (r.x.status ?? 0) < 300;
const faultCode = (r: WireRead): string | undefined => (r.res?.fault ? (readRemdFault(r.res)?.code ?? r.res.fault.codeLocal) : undefined);

const metadataOf = (r: WireRead): RegisterDocumentMetadata | undefined => (r.req?.payload ? readRegisterDocument(r.req.payload).value : undefined);
const resultOf = (r: WireRead): RegisterDocumentResult | undefined => (r.req?.payload ? readRegisterDocumentResult(r.req.payload).value : undefined);

/** A SNILS in either spelling v1.1 allows is the same value: compared as its 11 digits. */
const digits = (snils: string): string => snilsDigits(snils) ?? snils;
function comparable(m: RegisterDocumentMetadata): RegisterDocumentMetadata {
  return { ...m, patient: { ...m.patient, snils: digits(m.patient.snils) }, personals: m.personals.map((p) => ({ ...p, snils: digits(p.snils) })) };
}

/** Fields of the metadata compared one by one (nested ones as JSON: patient, personals, digest, signatures). */
const METADATA_FIELDS = ['localUid', 'kind', 'creationDateTime', 'organization', 'department', 'patient', 'personals', 'digest', 'signatures'] as const;

/** The MIS's registration and the gateway's relay of it to REMD (RR-14.1, RR-14.2; RR-05.6: its own MessageID). */
function judgeRegistrationRelay(fromMis: WireRead, relays: readonly WireRead[]): JudgedFinding[] {
  const out: JudgedFinding[] = [];
  const read = metadataOf(fromMis);
  const mis = read && comparable(read);
  const misMessageId = fromMis.req?.addressing.messageId;
  const misClient = fromMis.req ? clientEntityIdOf(fromMis.req) : undefined;
  for (const relay of relays) {
    const relayed = metadataOf(relay);
    const sent = relayed && comparable(relayed);
    if (mis && sent) {
      for (const field of METADATA_FIELDS) {
        if (JSON.stringify(mis[field]) === JSON.stringify(sent[field])) continue;
        out.push(
          onGateway(
            relay,
            'request',
            finding(
              'RR-14',
              'value',
              childNamed(relay.req?.payload, field) ?? `${BODY}/svc:registerDocument/svc:${field}`,
              `Шлюз переслал ${field} иначе, чем прислала МИС: ${JSON.stringify(sent[field])} вместо ${JSON.stringify(mis[field])}.`,
              `The gateway relayed ${field} other than the MIS sent it: ${JSON.stringify(sent[field])} instead of ${JSON.stringify(mis[field])}.`,
            ),
          ),
        );
      }
    }
    const own = relay.req?.addressing.messageId;
    if (own && misMessageId && sameMessageId(own, misMessageId))
      out.push(
        onGateway(
          relay,
          'request',
          finding(
            'RR-05',
            'value',
            `${HEADER}/wsa:MessageID`,
            `Шлюз переслал запрос с MessageID МИС ${misMessageId}, а не со своим.`,
            `The gateway relayed the request with the MIS's MessageID ${misMessageId}, not its own.`,
          ),
        ),
      );
    const client = relay.req ? clientEntityIdOf(relay.req) : undefined;
    if (client && misClient && client.toLowerCase() === misClient.toLowerCase())
      out.push(
        onGateway(
          relay,
          'request',
          finding(
            'RR-14',
            'value',
            `${HEADER}/egis:transportHeader/egis:authInfo/egis:clientEntityId`,
            `Шлюз переслал запрос с clientEntityId МИС (${misClient}), а не со своим.`,
            `The gateway relayed the request with the MIS's clientEntityId (${misClient}), not its own.`,
          ),
        ),
      );
  }
  // What REMD last answered is what the MIS must get: "accepted" only once REMD accepted, a Fault with its code.
  const last = relays.at(-1);
  if (!fromMis.res) return out;
  if (accepted(fromMis) && (!last || !accepted(last)))
    out.push(
      onGateway(
        fromMis,
        'response',
        finding(
          'RR-14',
          'business-rule',
          `${BODY}/svc:registerDocumentResponse`,
          last ? `Шлюз ответил МИС «принято», хотя РЭМД ответил ошибкой ${faultCode(last) ?? ''}.` : 'Шлюз ответил МИС «принято», не переслав регистрацию в РЭМД.',
          last ? `The gateway answered the MIS "accepted" though REMD answered Fault ${faultCode(last) ?? ''}.` : 'The gateway answered the MIS "accepted" without relaying the registration to REMD.',
        ),
      ),
    );
  else if (last && accepted(last) && fromMis.res.fault)
    out.push(
      onGateway(
        fromMis,
        'response',
        finding(
          'RR-14',
          'business-rule',
          FAULT,
          'РЭМД принял пересланную регистрацию, а шлюз ответил МИС ошибкой.',
          'REMD accepted the relayed registration, yet the gateway answered the MIS with a Fault.',
        ),
      ),
    );
  else if (last?.res?.fault && fromMis.res.fault) {
    const remd = faultCode(last);
    const relayed = faultCode(fromMis);
    if (remd && remd !== relayed)
      out.push(
        onGateway(
          fromMis,
          'response',
          finding(
            'RR-14',
            'value',
            `${FAULT}/soap:Detail`,
            `Шлюз передал МИС ошибку ${relayed ?? 'без кода'} вместо ошибки РЭМД ${remd}.`,
            `The gateway handed the MIS Fault ${relayed ?? 'without a code'} instead of REMD's ${remd}.`,
          ),
        ),
      );
  }
  return out;
}

const RESULT_FIELDS = ['status', 'localUid', 'kind', 'organization', 'emdrId', 'registrationDate'] as const;

/** REMD's callback and the gateway's callback to the MIS (RR-14.3, RR-14.4). */
function judgeCallbackRelay(fromRemd: WireRead, toMis: WireRead): JudgedFinding[] {
  const got = resultOf(fromRemd);
  const relayed = resultOf(toMis);
  if (!got || !relayed) return [];
  const out: JudgedFinding[] = [];
  const at = (local: string) => childNamed(toMis.req?.payload, local) ?? `${BODY}/cb:registerDocumentResult/cb:${local}`;
  for (const field of RESULT_FIELDS) {
    if (got[field] === relayed[field]) continue;
    out.push(
      onGateway(
        toMis,
        'request',
        finding(
          'RR-14',
          relayed[field] === undefined ? 'required' : 'value',
          at(field),
          `Шлюз передал МИС ${field} = ${relayed[field] ?? 'ничего'}, РЭМД прислал ${got[field] ?? 'ничего'}.`,
          `The gateway handed the MIS ${field} = ${relayed[field] ?? 'nothing'}; REMD sent ${got[field] ?? 'nothing'}.`,
        ),
      ),
    );
  }
  const errors = (r: RegisterDocumentResult) => r.errors.map((e) => `${e.code}: ${e.message}`);
  if (JSON.stringify(errors(got)) !== JSON.stringify(errors(relayed)))
    out.push(
      onGateway(
        toMis,
        'request',
        finding(
          'RR-14',
          'value',
          at('errors'),
          `Ошибки в обратном вызове МИС (${errors(relayed).join('; ') || 'нет'}) не те же и не в том же порядке, что у РЭМД (${errors(got).join('; ') || 'нет'}).`,
          `The errors of the MIS's callback (${errors(relayed).join('; ') || 'none'}) are not REMD's, in REMD's order (${errors(got).join('; ') || 'none'}).`,
        ),
      ),
    );
  return out;
}

/** The file the gateway served REMD and the one it pulled from the MIS (RR-14.5). */
function judgeFileRelay(toRemd: WireRead, fromMis: WireRead): JudgedFinding[] {
  if (!toRemd.res || !fromMis.res) return [];
  if (fromMis.res.fault || !fromMis.res.payload) {
    if (toRemd.res.fault) return [];
    return [
      onGateway(
        toRemd,
        'response',
        finding('RR-14', 'business-rule', BODY, 'МИС ответила ошибкой на запрос файла, а шлюз отдал РЭМД файл.', 'The MIS answered the file request with a Fault, yet the gateway served REMD a file.'),
      ),
    ];
  }
  const original = readDocumentFile(fromMis.res.payload).value;
  if (!original) return [];
  if (toRemd.res.fault || !toRemd.res.payload)
    return [
      onGateway(toRemd, 'response', finding('RR-14', 'business-rule', FAULT, 'МИС отдала файл, а шлюз ответил РЭМД ошибкой.', 'The MIS served the file, yet the gateway answered REMD with a Fault.')),
    ];
  const served = readDocumentFile(toRemd.res.payload).value;
  if (!served) return [];
  const out: JudgedFinding[] = [];
  const at = (local: string) => childNamed(toRemd.res?.payload, local) ?? `${BODY}/cb:getDocumentFileResponse/cb:${local}`;
  if (!served.file.equals(original.file))
    out.push(
      onGateway(
        toRemd,
        'response',
        finding(
          'RR-14',
          'value',
          at('file'),
          `Шлюз отдал РЭМД файл, отличающийся от файла МИС (${served.file.length} байт вместо ${original.file.length}).`,
          `The gateway served REMD a file that differs from the MIS's (${served.file.length} bytes instead of ${original.file.length}).`,
        ),
      ),
    );
  const key = (f: typeof served) => JSON.stringify(f.signatures.map((s) => [s.role, s.signature]));
  if (key(served) !== key(original))
    out.push(
      onGateway(
        toRemd,
        'response',
        finding('RR-14', 'value', at('signatures'), 'Шлюз отдал РЭМД подписи, отличающиеся от подписей МИС.', "The gateway served REMD signatures that differ from the MIS's."),
      ),
    );
  return out;
}

/** Every relay of the gateway among `reads` (one scenario's exchanges, in journal order). */
export function judgeRelays(reads: readonly WireRead[]): JudgedFinding[] {
  const out: JudgedFinding[] = [];
  const is = (r: WireRead, sender: string, receiver: string, op: string) => r.sender === sender && r.receiver === receiver && r.op === op;
  for (const a of reads) {
    if (!is(a, 'mis', 'gateway', 'registerDocument')) continue;
    const localUid = metadataOf(a)?.localUid;
    const relays = reads.filter((b) => is(b, 'gateway', 'remd', 'registerDocument') && within(b, a) && metadataOf(b)?.localUid === localUid);
    out.push(...judgeRegistrationRelay(a, relays));
    const misMessageId = a.req?.addressing.messageId;
    for (const c of reads) {
      if (!is(c, 'remd', 'gateway', 'registerDocumentResult')) continue;
      const result = resultOf(c);
      if (!result || !relays.some((b) => b.req?.addressing.messageId && sameMessageId(b.req.addressing.messageId, result.relatesToMessage))) continue;
      // The first callback the gateway sent the MIS for this registration after REMD's came (retries are RR-15's).
      const d = reads.find(
        (r) => is(r, 'gateway', 'mis', 'registerDocumentResult') && r.x.startedAt >= c.x.startedAt && misMessageId !== undefined && sameMessageId(resultOf(r)?.relatesToMessage ?? '', misMessageId),
      );
      if (d) out.push(...judgeCallbackRelay(c, d));
    }
  }
  for (const e of reads) {
    if (!is(e, 'remd', 'gateway', 'getDocumentFile')) continue;
    const uid = e.req?.payload ? childNamed(e.req.payload, 'localUid')?.textContent?.trim() : undefined;
    const f = reads.find((r) => is(r, 'gateway', 'mis', 'getDocumentFile') && within(r, e) && childNamed(r.req?.payload, 'localUid')?.textContent?.trim() === uid);
    if (f) out.push(...judgeFileRelay(e, f));
  }
  return out;
}
