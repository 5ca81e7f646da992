/**
 * Every planted fault of the reference REMD breaks its behaviour: the same probe (what the behaviour's scenario sends,
 * reduced to what it expects back) gives the expected answer from a correct REMD and another from the faulty one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getRegistryItemBody, readRegistryItem, readRegistryItems, searchRegistryItemBody } from '../../programs/ru-egisz/lib/messages.ts';
import type { DocumentDefect } from '../../programs/ru-egisz/reference/mis-document.ts';
import { REMD_FAULTS, type RemdFaultName, type RunningRemd } from '../../programs/ru-egisz/reference/remd.ts';
import { startMockServer } from '../../src/mock/mock-server.ts';
import { messageIdUuid, newUrnUuid, SOAP11_NS, SOAP12_NS } from '../../src/soap/index.ts';
import { callbackFor, callbackOf, clinic, codeOf, document, journal, type Mis, register, registry, remdFor, tinyMis } from './remd-fixtures.ts';

let mis: Mis;
let deadUrl: string;

before(async () => {
  mis = await tinyMis();
  // A port that answered once and is closed now: getDocumentFile there refuses connections.
  const closed = await startMockServer({ name: 'nobody', journal }, async () => {});
  deadUrl = `${closed.url}/mis`;
  await closed.stop();
});
after(() => mis?.stop());

/** status and codes of the callback for a document registered with `defect` (dated `createdOn`). */
async function outcome(remd: RunningRemd, defect?: DocumentDefect, createdOn?: string): Promise<string> {
  const doc = await document(mis, defect, createdOn);
  await register(remd, doc);
  const { result } = await callbackFor(mis, doc.metadata.localUid);
  return result.status === 'success' ? 'success' : `error:${result.errors.map((e) => e.code).join(',')}`;
}

async function registered(remd: RunningRemd): Promise<{ emdrId: string; snils: string; messageId: string; relatesTo: string }> {
  const doc = await document(mis);
  const messageId = newUrnUuid();
  await register(remd, doc, { messageId });
  const { result } = await callbackOf(mis, messageId);
  return { emdrId: result.emdrId ?? '', snils: doc.metadata.patient.snils, messageId, relatesTo: result.relatesToMessage };
}

const accepted = async (remd: RunningRemd, o: Parameters<typeof register>[2]): Promise<string> => {
  const call = await register(remd, await document(mis), o);
  return call.status < 300 && !call.answer.fault ? 'accepted' : (codeOf(call) ?? `refused ${call.status}`);
};

const attempts = async (remd: RunningRemd, how: 'slow' | 'unavailable'): Promise<string> => {
  const doc = await document(mis);
  mis[how].add(doc.metadata.localUid);
  await register(remd, doc);
  const settled = await remd.awaitOutcome(doc.metadata.localUid);
  return settled.delivery?.acknowledged && (settled.delivery.attempts ?? 0) > 1 ? 'repeated until acknowledged' : `${settled.delivery?.attempts} attempt(s)`;
};

const soap11 = (t: string): string => t.split(SOAP12_NS).join(SOAP11_NS);
const TEXT_XML = { 'content-type': 'text/xml; charset=utf-8' };

interface Probe {
  expected: string;
  observe: (remd: RunningRemd) => Promise<string>;
  remd?: { requestsPerSecond?: number; documentFileUrl?: () => string };
}

const PROBES: Record<RemdFaultName, Probe> = {
  'xsd-error-without-place': {
    expected: 'XML_VALIDATION_ERROR at a line',
    observe: async (remd) => {
      const doc = await document(mis, 'xsd-failing');
      await register(remd, doc);
      const error = (await callbackFor(mis, doc.metadata.localUid)).result.errors[0];
      return `${error?.code} ${/строка \d+/.test(error?.message ?? '') ? 'at a line' : 'nowhere'}`;
    },
  },
  'skip-schematron': { expected: 'error:XML_VALIDATION_ERROR', observe: (r) => outcome(r, 'schematron-failing') },
  'accept-no-snils': { expected: 'error:NO_SNILS', observe: (r) => outcome(r, 'no-patient-snils') },
  'accept-wrong-doctor-snils': { expected: 'error:INVALID_DOCTOR_SNILS', observe: (r) => outcome(r, 'wrong-doctor-snils') },
  'accept-wrong-patient-snils': { expected: 'error:VALIDATION_ERROR', observe: (r) => outcome(r, 'wrong-patient-snils') },
  'skip-birth-date-comparison': { expected: 'error:VALIDATION_ERROR', observe: (r) => outcome(r, { metadataDiffers: 'birthDate' }) },
  'skip-kind-organization-department-comparison': { expected: 'error:VALIDATION_ERROR', observe: (r) => outcome(r, { metadataDiffers: 'department' }) },
  'skip-local-uid-date-comparison': { expected: 'error:VALIDATION_ERROR', observe: (r) => outcome(r, { metadataDiffers: 'creationDateTime' }) },
  'accept-missing-signature': { expected: 'error:NO_SIGNATURE', observe: (r) => outcome(r, 'no-organization-signature') },
  'skip-signature-verification': { expected: 'error:SIGNATURE_VERIFICATION_ERROR', observe: (r) => outcome(r, 'byte-changed-after-signing') },
  'skip-certificate-snils': { expected: 'error:VALUE_MISMATCH_METADATA_AND_CERTIFICATE', observe: (r) => outcome(r, 'doctor-certificate-snils-mismatch') },
  'gost-as-verification-error': { expected: 'error:UNKNOWN_ALGORITHM', observe: (r) => outcome(r, 'gost-signature') },
  'accept-non-uuid-message-id': { expected: 'WRONG_MESSAGE_ID', observe: (r) => accepted(r, { messageId: `mis-request-${Date.now()}` }) },
  'accept-reused-message-id': {
    expected: 'WRONG_MESSAGE_ID',
    observe: async (r) => {
      const messageId = newUrnUuid();
      await accepted(r, { messageId });
      return accepted(r, { messageId });
    },
  },
  'relates-to-own-message-id': {
    expected: 'the request',
    observe: async (r) => {
      const doc = await document(mis);
      const messageId = newUrnUuid();
      await register(r, doc, { messageId });
      return (await callbackFor(mis, doc.metadata.localUid)).result.relatesToMessage === messageId ? 'the request' : 'something else';
    },
  },
  'skip-digest': { expected: 'error:DIGEST_MISMATCH', observe: (r) => outcome(r, 'digest-differs') },
  'unreachable-as-file-error': { expected: 'error:MIS_NOT_AVAILABLE', observe: (r) => outcome(r), remd: { documentFileUrl: () => deadUrl } },
  'file-fault-as-unreachable': {
    expected: 'error:GET_DOCUMENT_FILE_ERROR',
    observe: async (r) => {
      const doc = await document(mis);
      mis.documents.delete(doc.metadata.localUid);
      await register(r, doc);
      const { result } = await callbackFor(mis, doc.metadata.localUid);
      return `${result.status}:${result.errors.map((e) => e.code).join(',')}`;
    },
  },
  'accept-after-kind-window': { expected: 'error:NO_DOCUMENT_KIND_ON_DATE', observe: (r) => outcome(r, undefined, '2024-07-01') },
  'accept-before-kind-window': { expected: 'error:NO_DOCUMENT_KIND_ON_DATE', observe: (r) => outcome(r, undefined, '2023-07-30') },
  'kind-window-end-exclusive': { expected: 'success', observe: (r) => outcome(r, undefined, '2024-06-30') },
  'answer-echoes-request-message-id': {
    expected: 'its own',
    observe: async (r) => {
      const messageId = newUrnUuid();
      const call = await register(r, await document(mis), { messageId });
      return messageIdUuid(call.answer.addressing.messageId ?? '') === messageIdUuid(messageId) ? "the request's" : 'its own';
    },
  },
  'accept-soap11': { expected: 'VALIDATION_ERROR', observe: (r) => accepted(r, { text: soap11, headers: TEXT_XML }) },
  'accept-text-xml': { expected: 'VALIDATION_ERROR', observe: (r) => accepted(r, { headers: TEXT_XML }) },
  'accept-unknown-client-entity-id': { expected: 'VALIDATION_ERROR', observe: (r) => accepted(r, { clientEntityId: newUrnUuid().slice(9) }) },
  'malformed-fault-without-code': { expected: 'VALIDATION_ERROR', observe: (r) => accepted(r, { text: (t) => t.slice(0, t.lastIndexOf('</')) }) },
  'fault-without-relates-to': {
    expected: 'related',
    observe: async (r) => {
      const messageId = newUrnUuid();
      await register(r, await document(mis), { messageId });
      const again = await register(r, await document(mis), { messageId });
      return again.answer.addressing.relatesTo.some((x) => x.id === messageId) ? 'related' : 'unrelated';
    },
  },
  'emdr-id-misshaped': { expected: 'shaped', observe: async (r) => (/^\d{2}\.\d{2}\.\d{2}\.\d{2}\.\d{9}$/.test((await registered(r)).emdrId) ? 'shaped' : 'misshaped') },
  'error-text-english': {
    expected: 'Russian',
    observe: async (r) => {
      const doc = await document(mis, 'digest-differs');
      await register(r, doc);
      return /[а-яё]/i.test((await callbackFor(mis, doc.metadata.localUid)).result.errors[0]?.message ?? '') ? 'Russian' : 'not Russian';
    },
  },
  'skip-dictionary-version': { expected: 'error:INVALID_DICTIONARY_VERSION', observe: (r) => outcome(r, 'bad-gender-version') },
  'skip-element-code': { expected: 'error:INVALID_ELEMENT_VALUE_CODE', observe: (r) => outcome(r, 'bad-position-code') },
  'skip-frmo': { expected: 'error:ORG_NOT_FOUND_IN_FRMO', observe: (r) => outcome(r, 'unknown-organization') },
  'skip-frmr': { expected: 'error:PERSON_NOT_FOUND', observe: (r) => outcome(r, 'doctor-not-in-frmr') },
  'accept-duplicate-local-uid': {
    expected: 'error:NOT_UNIQUE_PROVIDED_ID',
    observe: async (r) => {
      const doc = await document(mis);
      await register(r, doc);
      await callbackFor(mis, doc.metadata.localUid);
      const messageId = newUrnUuid();
      await register(r, doc, { messageId });
      const { result } = await callbackOf(mis, messageId);
      return result.status === 'success' ? 'success' : `error:${result.errors.map((e) => e.code).join(',')}`;
    },
  },
  'no-retry': { expected: 'repeated until acknowledged', observe: (r) => attempts(r, 'slow') },
  'no-retry-after-503': { expected: 'repeated until acknowledged', observe: (r) => attempts(r, 'unavailable') },
  'no-rate-limit': {
    expected: 'accepted RATE_LIMIT',
    observe: async (r) => `${await accepted(r, {})} ${await accepted(r, {})}`,
    remd: { requestsPerSecond: 1 },
  },
  'registry-item-without-patient-snils': {
    expected: 'the patient',
    observe: async (r) => {
      const done = await registered(r);
      const item = readRegistryItem((await registry(r, 'getRegistryItem', getRegistryItemBody(done.emdrId))).answer.payload!).value;
      return item?.patientSnils && item.patientSnils.replace(/\D/g, '') === done.snils.replace(/\D/g, '') ? 'the patient' : `«${item?.patientSnils}»`;
    },
  },
  'unknown-emdr-id-not-named': {
    expected: 'VALIDATION_ERROR naming emdrId',
    observe: async (r) => {
      const call = await registry(r, 'getRegistryItem', getRegistryItemBody('77.01.99.01.000000001'));
      const text = Object.values(call.answer.fault?.reason ?? {}).join(' ');
      return `${codeOf(call) ?? 'no code'}${text.includes('emdrId') ? ' naming emdrId' : ` «${text}»`}`;
    },
  },
  'search-ignores-patient-snils': {
    expected: '1',
    observe: async (r) => {
      const first = await registered(r);
      await registered(r);
      const search = { organization: clinic.moOid, dateFrom: '2023-07-31', dateTo: '2024-06-30', patientSnils: first.snils };
      const call = await registry(r, 'searchRegistryItem', searchRegistryItemBody(search));
      return String(readRegistryItems(call.answer.payload!).value?.length);
    },
  },
};

describe('reference REMD: each planted fault breaks its behaviour', () => {
  it('has a probe for every fault', () => {
    assert.deepEqual(Object.keys(PROBES).sort(), Object.keys(REMD_FAULTS).sort());
  });

  for (const [fault, probe] of Object.entries(PROBES) as Array<[RemdFaultName, Probe]>) {
    it(`${fault} (${REMD_FAULTS[fault]})`, async () => {
      const options = {
        ...(probe.remd?.requestsPerSecond ? { requestsPerSecond: probe.remd.requestsPerSecond } : {}),
        ...(probe.remd?.documentFileUrl ? { documentFileUrl: probe.remd.documentFileUrl() } : {}),
      };
      for (const faults of [[], [fault]]) {
        const remd = await remdFor(mis, { ...options, faults });
        try {
          const seen = await probe.observe(remd);
          if (faults.length === 0) assert.equal(seen, probe.expected, 'the correct REMD');
          else assert.notEqual(seen, probe.expected, `with ${fault}`);
        } finally {
          await remd.stop();
        }
      }
    });
  }
});
