/**
 * REMD's first check in a process costs ~0.8 s (the XSD engine's and the Schematron processor's first run), its later
 * ones 30–100 ms. Callback timeouts are a second or so (a target's callbackMs): a REMD that spent that on its first
 * registration called back after a gateway had already told the MIS ASYNC_RESPONSE_TIMEOUT (RR-15.4), and the scenario
 * about relaying REMD's callback judged another path than the one it meant. So the first check runs before REMD
 * listens, once per process, on a synthetic registration nobody sees.
 */
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';
import type { ReferenceBooks } from '../lib/reference-books.ts';
import { registerDocumentMetadata } from '../lib/register-document.ts';
import { registersFor } from '../lib/registers.ts';
import { generateSemd194, semd194Xml } from '../lib/semd-194.ts';
import { checkRegistration, type SemdValidators } from '../lib/semd-check.ts';

let warmed: Promise<void> | undefined;

export function warmUpRemdCheck(books: ReferenceBooks, validators: () => Promise<SemdValidators>): Promise<void> {
  warmed ??= (async () => {
    const doc = generateSemd194(new SeededRandom('remd-warm-up'), books);
    const file = Buffer.from(semd194Xml(doc, books), 'utf8');
    const registers = registersFor([{ clinic: doc.clinic, staff: [{ snils: doc.doctor.snils, position: doc.doctor.position }] }]);
    await checkRegistration({ metadata: registerDocumentMetadata(doc, file), file, registers, books, validators: await validators() });
  })().catch((error: unknown) => {
    // A warm-up that fails changes nothing REMD answers: the real check meets the same failure and reports it.
    warmed = undefined;
    console.error('reference REMD: warming up its check failed:', error);
  });
  return warmed;
}
