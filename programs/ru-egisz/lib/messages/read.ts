/**
 * Readers of the ru-egisz SOAP bodies: each takes the Body's first element (readEnvelope's `payload`) and answers
 * `{ value?, findings }`, never throwing. Lenient where v1.1 is silent: `<op>Request` as the body element, children
 * in any order, getDocumentFile in either namespace, SNILS as 11 digits or `NNN-NNN-NNN NN` (read as its digits).
 * Shape beyond what a value needs is the XSD's (message-check.ts), not the readers'.
 */
import type { Element } from '@xmldom/xmldom';
import { snilsDigits } from '../../../../src/identifiers/ru/snils.ts';
import type { DocumentFile, OperationName, RegisterDocumentAccepted, RegisterDocumentMetadata, RegisterDocumentResult, RegistryItem, RegistrySearch, RemdError, SignatureRole } from '../contract.ts';
import type { DigestAlgorithm, PersonalRole } from '../register-document.ts';
import type { Gender } from '../synthetic.ts';
import { bodyNames, messageRule, type Side } from './names.ts';
import { base64, guarded, type MessageRead, Reading } from './read-kit.ts';

const snils = (value: string | undefined): string => (value === undefined ? '' : (snilsDigits(value) ?? value));

/** A reader of `op`'s `side`: the reading, under that message's rule, once the body element is one it may be. */
function reader<T>(op: OperationName, side: Side, read: (r: Reading, payload: Element) => T): (payload: Element) => MessageRead<T> {
  const names = bodyNames(op, side);
  const what = names[0]!;
  const rule = messageRule(op, side);
  return (payload) =>
    guarded(rule, what, payload, () => {
      const r = new Reading(rule, what);
      if (!r.body(payload, names)) return { findings: r.findings };
      const value = read(r, payload);
      return r.result(() => value);
    });
}

export const readRegisterDocument = reader('registerDocument', 'request', (r, p): RegisterDocumentMetadata => {
  const patient = r.element(p, 'patient', 'fatal');
  const personals = r.element(p, 'personals');
  const digest = r.element(p, 'digest');
  const signatures = r.element(p, 'signatures', 'optional');
  return {
    localUid: r.text(p, 'localUid', 'fatal') ?? '',
    kind: r.text(p, 'kind', 'fatal') ?? '',
    creationDateTime: r.text(p, 'creationDateTime', 'fatal') ?? '',
    organization: r.text(p, 'organization', 'fatal') ?? '',
    department: r.text(p, 'department') ?? '',
    patient: {
      // Absent SNILS is REMD's NO_SNILS in the callback, not a reason to refuse the request.
      snils: patient ? snils(r.text(patient, 'snils', 'optional')) : '',
      family: (patient && r.text(patient, 'family')) ?? '',
      given: (patient && r.text(patient, 'given')) ?? '',
      patronymic: (patient && r.text(patient, 'patronymic', 'optional')) ?? '',
      birthDate: (patient && r.text(patient, 'birthDate')) ?? '',
      gender: ((patient && r.text(patient, 'gender')) ?? '') as Gender,
    },
    personals: (personals ? r.children(personals, 'item') : []).map((item) => ({
      role: (r.text(item, 'role') ?? '') as PersonalRole,
      snils: snils(r.text(item, 'snils', 'optional')),
      position: r.text(item, 'position', 'optional') ?? '',
    })),
    digest: { algorithm: ((digest && r.text(digest, 'algorithm')) ?? '') as DigestAlgorithm, value: (digest && r.text(digest, 'value')) ?? '' },
    signatures: (signatures ? r.children(signatures, 'item') : []).map((item) => ({
      role: (r.text(item, 'role') ?? '') as SignatureRole,
      reference: r.text(item, 'reference') ?? '',
    })),
  };
});

export const readRegisterDocumentAccepted = reader('registerDocument', 'response', (r, p): RegisterDocumentAccepted => {
  const status = r.text(p, 'status', 'fatal');
  if (status !== undefined && status !== 'success') r.problem(r.child(p, 'status')!, 'value', `status «${status}», ожидалось success.`, `status "${status}"; expected success.`, true);
  return { status: 'success' };
});

export const readRegisterDocumentResult = reader('registerDocumentResult', 'request', (r, p): RegisterDocumentResult => {
  const status = r.text(p, 'status', 'fatal');
  if (status !== undefined && status !== 'success' && status !== 'error')
    r.problem(r.child(p, 'status')!, 'value', `status «${status}», ожидалось success или error.`, `status "${status}"; expected success or error.`, true);
  const errors = r.element(p, 'errors', 'optional');
  const emdrId = r.text(p, 'emdrId', 'optional');
  const registrationDate = r.text(p, 'registrationDate', 'optional');
  return {
    relatesToMessage: r.text(p, 'relatesToMessage', 'fatal') ?? '',
    status: status as RegisterDocumentResult['status'],
    localUid: r.text(p, 'localUid', 'fatal') ?? '',
    kind: r.text(p, 'kind') ?? '',
    organization: r.text(p, 'organization') ?? '',
    ...(emdrId !== undefined ? { emdrId } : {}),
    ...(registrationDate !== undefined ? { registrationDate } : {}),
    errors: (errors ? r.children(errors, 'item') : []).map((item): RemdError => ({ code: r.text(item, 'code') ?? '', message: r.text(item, 'message', 'optional') ?? '' })),
  };
});

/** Any non-Fault answer acknowledges a callback (v1.1); the status, when there is one, as written. */
export const readCallbackAck = reader('registerDocumentResult', 'response', (r, p): { status?: string } => {
  const status = r.text(p, 'status', 'optional');
  return status !== undefined ? { status } : {};
});

export const readGetDocumentFile = reader('getDocumentFile', 'request', (r, p): { localUid: string } => ({ localUid: r.text(p, 'localUid', 'fatal') ?? '' }));

export const readDocumentFile = reader('getDocumentFile', 'response', (r, p): DocumentFile => {
  const fileElement = r.element(p, 'file', 'fatal');
  const fileText = fileElement ? (fileElement.textContent ?? '') : '';
  const file = base64(fileText);
  if (fileElement && !file) r.problem(fileElement, 'value', 'file не является base64.', 'file is not base64.', true);
  const signatures = r.element(p, 'signatures', 'optional');
  return {
    localUid: r.text(p, 'localUid', 'fatal') ?? '',
    file: file ?? Buffer.alloc(0),
    signatures: (signatures ? r.children(signatures, 'item') : []).flatMap((item) => {
      const role = (r.text(item, 'role') ?? '') as SignatureRole;
      const text = r.text(item, 'signature');
      const bytes = text === undefined ? undefined : base64(text);
      if (text !== undefined && !bytes) r.problem(r.child(item, 'signature')!, 'value', 'signature не является base64.', 'signature is not base64.');
      return bytes ? [{ role, signature: bytes.toString('utf8') }] : [];
    }),
  };
});

export const readGetRegistryItem = reader('getRegistryItem', 'request', (r, p): { emdrId: string } => ({ emdrId: r.text(p, 'emdrId', 'fatal') ?? '' }));

function registryItem(r: Reading, item: Element): RegistryItem {
  return {
    emdrId: r.text(item, 'emdrId') ?? '',
    localUid: r.text(item, 'localUid') ?? '',
    kind: r.text(item, 'kind') ?? '',
    organization: r.text(item, 'organization') ?? '',
    patientSnils: snils(r.text(item, 'patientSnils')),
    creationDateTime: r.text(item, 'creationDateTime') ?? '',
    registrationDate: r.text(item, 'registrationDate') ?? '',
  };
}

export const readRegistryItem = reader('getRegistryItem', 'response', (r, p): RegistryItem => {
  const item = r.element(p, 'item', 'fatal');
  return item ? registryItem(r, item) : ({} as RegistryItem);
});

export const readRegistryItems = reader('searchRegistryItem', 'response', (r, p): RegistryItem[] => {
  const items = r.element(p, 'items', 'fatal');
  return items ? r.children(items, 'item').map((item) => registryItem(r, item)) : [];
});

export const readRegistrySearch = reader('searchRegistryItem', 'request', (r, p): RegistrySearch => {
  const kind = r.text(p, 'kind', 'optional');
  const patientSnils = r.text(p, 'patientSnils', 'optional');
  return {
    organization: r.text(p, 'organization', 'fatal') ?? '',
    ...(kind !== undefined ? { kind } : {}),
    dateFrom: r.text(p, 'dateFrom', 'fatal') ?? '',
    dateTo: r.text(p, 'dateTo', 'fatal') ?? '',
    ...(patientSnils !== undefined ? { patientSnils: snils(patientSnils) } : {}),
  };
});
