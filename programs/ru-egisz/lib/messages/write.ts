/**
 * Writers of the ru-egisz SOAP bodies (the XML shapes of issue 12's plan, children in the operation's namespace) and
 * the envelope around them. Each returns an element tree; src/soap writes the bytes, so what Sello sends is exact.
 */

import { snilsDigits } from '../../../../src/identifiers/ru/snils.ts';
import type { QName } from '../../../../src/soap/index.ts';
import { buildEnvelope, el, type XmlElement, type XmlNode } from '../../../../src/soap/index.ts';
import { ACTION, type DocumentFile, type OperationName, type RegisterDocumentMetadata, type RegisterDocumentResult, type RegistryItem, type RegistrySearch } from '../contract.ts';
import { cb, egis, MESSAGE_PREFIXES, svc } from './names.ts';

type Ns = (local: string) => QName;
const leaf = (ns: Ns, local: string, value: string): XmlElement => el(ns(local), [value]);
/** Optional fields: absent, not empty, when there is no value (an empty SNILS is "no SNILS"). */
const optional = (ns: Ns, local: string, value: string | undefined): XmlElement[] => (value === undefined || value.trim() === '' ? [] : [leaf(ns, local, value)]);
/** SNILS goes out as its 11 digits; something that is not a SNILS goes out as given (a stimulus may want that). */
const snils = (value: string): string => snilsDigits(value.trim()) ?? value;

/** `egis:transportHeader/egis:authInfo/egis:clientEntityId`: on every request a system sends to REMD or a gateway. */
export function transportHeader(clientEntityId: string): XmlElement {
  return el(egis('transportHeader'), [el(egis('authInfo'), [leaf(egis, 'clientEntityId', clientEntityId)])]);
}

export function registerDocumentBody(m: RegisterDocumentMetadata): XmlElement {
  const p = m.patient;
  return el(svc('registerDocument'), [
    leaf(svc, 'localUid', m.localUid),
    leaf(svc, 'kind', m.kind),
    leaf(svc, 'creationDateTime', m.creationDateTime),
    leaf(svc, 'organization', m.organization),
    leaf(svc, 'department', m.department),
    el(svc('patient'), [
      ...optional(svc, 'snils', p.snils === undefined ? undefined : snils(p.snils)),
      leaf(svc, 'family', p.family),
      leaf(svc, 'given', p.given),
      ...optional(svc, 'patronymic', p.patronymic),
      leaf(svc, 'birthDate', p.birthDate),
      leaf(svc, 'gender', p.gender),
    ]),
    el(
      svc('personals'),
      m.personals.map((x) => el(svc('item'), [leaf(svc, 'role', x.role), leaf(svc, 'snils', snils(x.snils)), ...optional(svc, 'position', x.position)])),
    ),
    el(svc('digest'), [leaf(svc, 'algorithm', m.digest.algorithm), leaf(svc, 'value', m.digest.value)]),
    el(
      svc('signatures'),
      m.signatures.map((s) => el(svc('item'), [leaf(svc, 'role', s.role), leaf(svc, 'reference', s.reference)])),
    ),
  ]);
}

/** REMD's synchronous answer: accepted, nothing more (RR-10). */
export const registerDocumentAcceptedBody = (): XmlElement => el(svc('registerDocumentResponse'), [leaf(svc, 'status', 'success')]);

export function registerDocumentResultBody(r: RegisterDocumentResult): XmlElement {
  return el(cb('registerDocumentResult'), [
    leaf(cb, 'relatesToMessage', r.relatesToMessage),
    leaf(cb, 'status', r.status),
    leaf(cb, 'localUid', r.localUid),
    leaf(cb, 'kind', r.kind),
    leaf(cb, 'organization', r.organization),
    ...optional(cb, 'emdrId', r.emdrId),
    ...optional(cb, 'registrationDate', r.registrationDate),
    ...(r.errors.length > 0
      ? [
          el(
            cb('errors'),
            r.errors.map((e) => el(cb('item'), [leaf(cb, 'code', e.code), leaf(cb, 'message', e.message)])),
          ),
        ]
      : []),
  ]);
}

/** The registering system's acknowledgement of a callback. */
export const callbackAckBody = (): XmlElement => el(cb('registerDocumentResultResponse'), [leaf(cb, 'status', 'success')]);

export const getDocumentFileBody = (localUid: string): XmlElement => el(cb('getDocumentFile'), [leaf(cb, 'localUid', localUid)]);

/** The file's exact bytes in base64, each detached signature's XML text (UTF-8) in base64. */
export function documentFileBody(f: DocumentFile): XmlElement {
  return el(cb('getDocumentFileResponse'), [
    leaf(cb, 'localUid', f.localUid),
    leaf(cb, 'file', f.file.toString('base64')),
    el(
      cb('signatures'),
      f.signatures.map((s) => el(cb('item'), [leaf(cb, 'role', s.role), leaf(cb, 'signature', Buffer.from(s.signature, 'utf8').toString('base64'))])),
    ),
  ]);
}

export const getRegistryItemBody = (emdrId: string): XmlElement => el(svc('getRegistryItem'), [leaf(svc, 'emdrId', emdrId)]);

/** An entry's fields in the contract's order; an empty one is left out (what a defective registry answers). */
const registryItem = (item: RegistryItem): XmlElement =>
  el(
    svc('item'),
    (['emdrId', 'localUid', 'kind', 'organization', 'patientSnils', 'creationDateTime', 'registrationDate'] as const).flatMap((k) => optional(svc, k, item[k])),
  );

export const registryItemBody = (item: RegistryItem): XmlElement => el(svc('getRegistryItemResponse'), [registryItem(item)]);

export function searchRegistryItemBody(s: RegistrySearch): XmlElement {
  return el(svc('searchRegistryItem'), [
    leaf(svc, 'organization', s.organization),
    ...optional(svc, 'kind', s.kind),
    leaf(svc, 'dateFrom', s.dateFrom),
    leaf(svc, 'dateTo', s.dateTo),
    ...optional(svc, 'patientSnils', s.patientSnils === undefined ? undefined : snils(s.patientSnils)),
  ]);
}

export const registryItemsBody = (items: ReadonlyArray<RegistryItem>): XmlElement => el(svc('searchRegistryItemResponse'), [el(svc('items'), items.map(registryItem))]);

export interface RuEnvelopeParts {
  body: XmlNode;
  messageId?: string;
  relatesTo?: string;
  /** wsa:Action; a request's defaults to its operation's (contract.ts ACTION), an answer has none unless given. */
  action?: string;
  /** Adds egis:transportHeader after the WS-Addressing blocks. */
  clientEntityId?: string;
}

/** A whole SOAP 1.2 envelope, prefixes svc / cb / egis declared on the Envelope. */
export function ruEnvelope(op: OperationName | 'answer', parts: RuEnvelopeParts): string {
  const action = parts.action ?? (op === 'answer' ? undefined : ACTION[op]);
  return buildEnvelope({
    body: parts.body,
    prefixes: MESSAGE_PREFIXES,
    addressing: {
      ...(action !== undefined ? { action } : {}),
      ...(parts.messageId !== undefined ? { messageId: parts.messageId } : {}),
      ...(parts.relatesTo !== undefined ? { relatesTo: parts.relatesTo } : {}),
    },
    ...(parts.clientEntityId !== undefined ? { headers: [transportHeader(parts.clientEntityId)] } : {}),
  });
}
