/**
 * A receiver's transfer (CONTRACT.md "Receivers"): `$everything` with the consent and its own X-Institucion (RE-01),
 * the padrón consulta (RE-03: it refuses a Patient that disagrees), only entries of the last 7 years imported
 * (RE-02), and a large record read entry by entry as it streams (RE-05): nothing holds the whole Bundle.
 */
import { bundleParts } from '../../../src/fhir/stream/bundle.ts';
import type { TransferCommand, TransferOutcome } from '../lib/contract.ts';
import { PATH, roleOfInstitution, SYSTEM } from '../lib/contract.ts';
import type { FhirResource } from '../lib/record.ts';
import { withinRetention } from '../lib/retention.ts';
import { padronDisagreements } from './consent.ts';
import { TRUNCATED_NOTES } from './ece-faults.ts';
import { ruleOf } from './outcome.ts';
import { consultaPadron } from './pgs-client.ts';
import type { ReceiverContext } from './receiver-context.ts';
import { readAll, streamGet } from './stream-get.ts';

/** The largest entry the receiver assembles, in characters of its JSON text: past it the record is refused. */
const MAX_ENTRY_BYTES = 16 * 1024 * 1024;

export async function transfer(ctx: ReceiverContext, command: TransferCommand): Promise<TransferOutcome> {
  const { faults } = ctx;
  const now = new Date();
  const beneficiario = faults.has('rx-no-padron-check') ? undefined : await consultaPadron(ctx.pgs, command.curp);
  if (!beneficiario && !faults.has('rx-no-padron-check')) return { estado: 'rechazado', regla: 'RE-03', recursos: {} };
  const query = new URLSearchParams({ identifier: `${SYSTEM.curp}|${command.curp}`, ...(faults.has('rx-no-consent') ? {} : { consent: command.consentimiento }) });
  const url = `${command.fuente.replace(/\/$/, '')}${PATH.everything.replace(/^\/fhir/, '')}?${query}`;
  return streamGet(
    ctx.journal,
    { url, headers: { accept: 'application/fhir+json', 'x-institucion': ctx.institution }, from: roleOfInstitution(ctx.institution) ?? ctx.institution, to: 'imss-ece', timeoutMs: ctx.largeTimeoutMs },
    async (answer): Promise<TransferOutcome> => {
      if (answer.status !== 200) {
        const text = await readAll(answer.body).catch(() => '');
        return { estado: 'rechazado', regla: ruleOf(parseJson(text)) ?? (answer.status === 403 ? 'RE-01' : answer.status === 422 ? 'RE-03' : `HTTP-${answer.status}`), recursos: {} };
      }
      const recursos: Record<string, number> = {};
      let notes = 0;
      let refused: string | undefined;
      // Each entry is assembled alone and dropped once counted: memory stays that of one entry.
      for await (const part of bundleParts(answer.body, { maxEntryBytes: MAX_ENTRY_BYTES })) {
        // Text it cannot read (not JSON, an entry past its limit) is not a record it can import: refused, naming why.
        if (part.kind === 'finding') return { estado: 'rechazado', regla: part.finding.ruleId, recursos: {} };
        if (part.kind !== 'entry') continue;
        const resource = (part.value as { resource?: FhirResource } | null)?.resource;
        if (!resource || typeof resource.resourceType !== 'string') continue;
        if (resource.resourceType === 'Patient' && beneficiario && padronDisagreements(resource, beneficiario).length > 0) refused = 'RE-03';
        if (!faults.has('rx-imports-old-entries') && !withinRetention(resource, now)) continue;
        if (resource.resourceType === 'DocumentReference' && faults.has('rx-truncates-large-record') && ++notes > TRUNCATED_NOTES) continue;
        recursos[resource.resourceType] = (recursos[resource.resourceType] ?? 0) + 1;
      }
      return refused ? { estado: 'rechazado', regla: refused, recursos: {} } : { estado: 'importado', recursos };
    },
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
