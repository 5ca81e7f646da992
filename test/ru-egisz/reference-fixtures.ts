/**
 * What the MIS and gateway tests share: a clinic with two doctors, their signers, and a tiny REMD (hapi +
 * soapRoute) that records what it is sent and answers as told, until Package D's reference REMD is there.
 */

import { PARTY, type RegisterDocumentMetadata, type RegisterDocumentResult } from '../../programs/ru-egisz/lib/contract.ts';
import { readRegisterDocument, registerDocumentAcceptedBody, registerDocumentResultBody, remdFault, ruEnvelope } from '../../programs/ru-egisz/lib/messages.ts';
import { ReferenceBooks } from '../../programs/ru-egisz/lib/reference-books.ts';
import { testSigners } from '../../programs/ru-egisz/lib/signatures.ts';
import { syntheticClinic } from '../../programs/ru-egisz/lib/synthetic.ts';
import { type MisOptions, startMis } from '../../programs/ru-egisz/reference/mis.ts';
import { clientEntityIdOf, handlersFor, RU_PREFIXES } from '../../programs/ru-egisz/reference/ru-soap.ts';
import { generateSnils } from '../../src/identifiers/ru/index.ts';
import { SeededRandom } from '../../src/identifiers/seeded-random.ts';
import type { ExchangeJournal } from '../../src/journal/journal.ts';
import { startMockServer } from '../../src/mock/mock-server.ts';
import { newUrnUuid, type SoapEnvelope, soapCall, soapRoute } from '../../src/soap/index.ts';

export const MIS_CLIENT = '0b7e5a43-8a0e-4c55-9d8e-2f7c1b0a6e11';
export const GATEWAY_CLIENT = '5d1c9e2a-3b4f-4a6d-8e7f-9a0b1c2d3e4f';

export const books = ReferenceBooks.load();
const rng = new SeededRandom('mis-gateway-tests');
export const clinic = syntheticClinic(rng.fork('clinic'));
export const staff = [
  { snils: generateSnils(rng.fork('doctor-1')), position: '49' },
  { snils: generateSnils(rng.fork('doctor-2')), position: '49' },
];

let signers: Awaited<ReturnType<typeof testSigners>> | undefined;
export async function misFor(journal: ExchangeJournal, serviceUrl: string, extra: Partial<MisOptions> = {}): Promise<Awaited<ReturnType<typeof startMis>>> {
  signers ??= await testSigners('mis-gateway-tests');
  return startMis({ journal, clinic, staff, signers, serviceUrl, clientEntityId: MIS_CLIENT, books, timeoutMs: 3000, seed: 'mis-tests', ...extra });
}

export interface Received {
  envelope: SoapEnvelope;
  metadata?: RegisterDocumentMetadata;
  clientEntityId?: string;
  at: number;
}

/** A REMD that accepts (or answers the next queued faults) and records every registerDocument. */
export async function tinyRemd(journal: ExchangeJournal) {
  const received: Received[] = [];
  const faults: string[] = [];
  const server = await startMockServer({ name: PARTY.remd, journal }, async (s) => {
    soapRoute(s, '/port/emdr', {
      handlers: handlersFor([
        [
          'registerDocument',
          ({ envelope, payload }) => {
            const read = readRegisterDocument(payload);
            const id = clientEntityIdOf(envelope);
            received.push({ envelope, ...(read.value ? { metadata: read.value } : {}), ...(id ? { clientEntityId: id } : {}), at: Date.now() });
            const fault = faults.shift();
            if (fault) return { fault: remdFault(fault, undefined, { receiver: fault === 'RATE_LIMIT' }) };
            return { body: registerDocumentAcceptedBody(), prefixes: RU_PREFIXES };
          },
        ],
      ]),
    });
  });
  return {
    serviceUrl: `${server.url}/port/emdr`,
    received,
    failNext: (code: string) => faults.push(code),
    /** REMD's callback to `url`, as sent (an exact envelope, so it can be sent again). */
    callbackEnvelope: (result: RegisterDocumentResult, messageId = newUrnUuid()) => ruEnvelope('registerDocumentResult', { body: registerDocumentResultBody(result), messageId }),
    callBack: (url: string, envelope: string) => soapCall(url, envelope, { journal, from: PARTY.remd, to: PARTY.mis, timeoutMs: 5000 }),
    stop: () => server.stop(),
  };
}

export const success = (relatesToMessage: string, m: RegisterDocumentMetadata): RegisterDocumentResult => ({
  relatesToMessage,
  status: 'success',
  localUid: m.localUid,
  kind: m.kind,
  organization: m.organization,
  emdrId: '16.62.23.09.000014523',
  registrationDate: '2024-01-10T10:00:00+03:00',
  errors: [],
});
