/**
 * The document a MIS serves through getDocumentFile, judged as REMD checks it (Package C's checkRegistration, every
 * stage run): each RegistrationCheck under the rule it judges (RR-01/02/03/04/06/07/11/12), attributed to the MIS,
 * located in the CDA or — for what the registration itself says — in the registerDocument the MIS sent.
 */
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import type { SoapEnvelope } from '../../../src/soap/index.ts';
import { readDocumentFile } from '../lib/messages.ts';
import { ReferenceBooks } from '../lib/reference-books.ts';
import type { Registers } from '../lib/registers.ts';
import { digestStage } from '../lib/registration-stages.ts';
import { checkRegistration, loadSemdValidators } from '../lib/semd-check.ts';
import type { JudgedFinding } from './expectations.ts';
import { BODY, finding, underRule } from './soap-leg.ts';
import type { SeenRegistration, WireState } from './wire-state.ts';

let books: ReferenceBooks | undefined;
const programBooks = (): ReferenceBooks => {
  books ??= ReferenceBooks.load();
  return books;
};

/** Registers that know every organization and employee: without the target's FRMO/FRMR, RR-12 is not judged. */
const OPEN_REGISTERS: Registers = {
  organization: (oid) => ({ oid, departments: [] }),
  employee: (_org, snils) => ({ snils, position: '' }),
};

const FILE = `${BODY}/cb:getDocumentFileResponse/cb:file`;

/**
 * Which of the MIS's registrations of a localUid (in journal order) a file served at `servedAt` is judged against: the
 * latest one sent by then, unless the MIS registered that localUid more than once (RR-13's finding) — then the one
 * whose digest the file carries (the MIS may already serve the next document under that localUid), so the reuse is
 * not reported again as a file or metadata that does not match (RR-06, RR-03).
 */
export function servedRegistration(candidates: readonly SeenRegistration[], env: SoapEnvelope, servedAt: string): SeenRegistration | undefined {
  const latest = candidates.filter((g) => g.startedAt <= servedAt).at(-1);
  if (candidates.length < 2 || !env.payload) return latest;
  const file = readDocumentFile(env.payload).value?.file;
  if (!file) return latest;
  return candidates.findLast((g) => g.metadata !== undefined && digestStage(g.metadata, file).length === 0) ?? latest;
}

/**
 * The MIS's getDocumentFile answer `x` (already read as `env`, not a Fault) for `registration`, the registerDocument
 * the MIS sent with that localUid. Findings located in the registration go on its exchange, the rest on the answer.
 */
export async function judgeServedDocument(x: ExchangeEntry, env: SoapEnvelope, registration: SeenRegistration, state: WireState): Promise<JudgedFinding[]> {
  const metadata = registration.metadata;
  if (!env.payload || !metadata) return [];
  const read = readDocumentFile(env.payload);
  // A body that cannot be read as a file is its XSD's finding (RR-06 through checkMessage), judged with the message.
  if (!read.value) return [];
  const served = read.value;
  const out: JudgedFinding[] = [];
  const onAnswer = (f: ReturnType<typeof finding>): JudgedFinding => ({ ...f, role: 'mis', exchangeId: x.id, side: 'response' });
  if (served.localUid !== metadata.localUid) {
    out.push(
      onAnswer(
        finding(
          'RR-06',
          'value',
          `${BODY}/cb:getDocumentFileResponse/cb:localUid`,
          `Отдан файл с localUid ${served.localUid}, запрошен ${metadata.localUid}.`,
          `The file served has localUid ${served.localUid}; ${metadata.localUid} was asked for.`,
        ),
      ),
    );
  }
  const checks = await checkRegistration({
    metadata,
    file: served.file,
    signatures: served.signatures,
    registers: state.registers ?? OPEN_REGISTERS,
    books: state.books ?? programBooks(),
    validators: await loadSemdValidators(),
    exhaustive: true,
  });
  for (const c of checks) {
    if (!state.registers && c.rule === 'RR-12') continue;
    // Identity (RR-13) is judged on the registrations themselves, across the run (wire.ts).
    if (c.rule === 'RR-13') continue;
    const findings = c.findings.length > 0 ? c.findings : [finding(c.rule, 'business-rule', FILE, c.message.ru, c.message.en)];
    for (const f of findings) {
      // Each finding keeps the rule it names (one code can gather several: a SNILS in the CDA is RR-02's, not RR-01's).
      const rule = /^RR-\d+$/.test(f.ruleId) ? f.ruleId : c.rule;
      const judged = underRule(rule, { ...f, message: { ru: `${c.code}: ${f.message.ru ?? f.message.en}`, en: `${c.code}: ${f.message.en}` } });
      const inRegistration = f.location.startsWith('/svc:registerDocument');
      out.push({ ...judged, role: 'mis', ...(inRegistration ? { exchangeId: registration.exchangeId, side: 'request' as const } : { exchangeId: x.id, side: 'response' as const }) });
    }
  }
  return out;
}
