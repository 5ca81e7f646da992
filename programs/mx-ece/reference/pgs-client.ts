/** The calls the source and the receivers make to ssa-pgs: the padrón consulta and the consent registry. */
import { randomUUID } from 'node:crypto';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { sendHttp } from '../../../src/transport/http-client.ts';
import { PATH, roleOfInstitution } from '../lib/contract.ts';
import type { Beneficiario } from '../lib/record.ts';

export interface PgsCaller {
  journal: ExchangeJournal;
  /** ssa-pgs's base URL. */
  baseUrl: string;
  /** Who calls, for X-Institucion and the journal (`IMSS`, `ISSSTE`…). */
  institution: string;
  timeoutMs: number;
}

type Json = Record<string, unknown>;

const get = (caller: PgsCaller, path: string, accept: string) =>
  sendHttp(caller.journal, {
    method: 'GET',
    url: `${caller.baseUrl.replace(/\/$/, '')}${path}`,
    headers: { accept, 'x-institucion': caller.institution, 'x-message-id': randomUUID() },
    from: roleOfInstitution(caller.institution) ?? caller.institution,
    to: 'ssa-pgs',
    timeoutMs: caller.timeoutMs,
  });

/** The padrón record of `curp`, or undefined when the padrón does not know it (404). */
/** The padrón's record of `curp` as mx-pgs's consulta answers it (a node may add members), or undefined when unknown. */
export async function consultaPadron(caller: PgsCaller, curp: string): Promise<Beneficiario | undefined> {
  const answer = await get(caller, PATH.padron(curp), 'application/json');
  if (answer.status === 200) return (answer.json as { beneficiario?: Beneficiario } | undefined)?.beneficiario;
  if (answer.status === 404) return undefined;
  throw new Error(`ssa-pgs answered the consulta of ${curp} with ${answer.status}`);
}

/** The Consent `id`, or undefined when the registry does not hold it. */
export async function readConsent(caller: PgsCaller, id: string): Promise<Json | undefined> {
  const answer = await get(caller, PATH.consent(id), 'application/fhir+json');
  if (answer.status === 200 && (answer.json as Json | undefined)?.resourceType === 'Consent') return answer.json as Json;
  if (answer.status === 404 || answer.status === 400) return undefined;
  throw new Error(`ssa-pgs answered Consent/${id} with ${answer.status}`);
}

/** The consents the registry says are in force naming `recipient`. */
export async function consentsFor(caller: PgsCaller, recipient: string): Promise<Json[]> {
  const answer = await get(caller, `${PATH.consentSearch}?destinatario=${encodeURIComponent(recipient)}&status=active`, 'application/fhir+json');
  if (answer.status !== 200) throw new Error(`ssa-pgs answered the consent search with ${answer.status}`);
  const entries = ((answer.json as Json | undefined)?.entry ?? []) as Json[];
  return Array.isArray(entries) ? entries.map((e) => e.resource as Json).filter((r) => r?.resourceType === 'Consent') : [];
}
