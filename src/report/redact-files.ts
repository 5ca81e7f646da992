import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ExchangeEntry } from './model.ts';
import type { OutputFilter } from './output-filter.ts';
import type { Pseudonymizer } from './redact.ts';
import { collectUrl } from './redact-collect.ts';

/*
 * --redact over the whole run directory: the persons of every exchange the run recorded (attached by the scenarios,
 * all attempts, and journaled by the mocks) are learnt first, then every file Sello or its formatters wrote (evidence,
 * cucumber messages, allure-results, report.html, junit.xml, fhir/, report.json) passes through the pseudonymizer as
 * an OutputFilter, before the directory is hashed and signed: what is signed is the redacted run.
 */

function collectExchange(p: Pseudonymizer, x: Partial<ExchangeEntry>): void {
  collectUrl(x.url, (kind, v) => p.remember(kind, v));
  p.collect([x.request?.body, x.response?.body]);
}

/** Learns the persons of the scenarios' exchanges and of the journals written outside them. */
export async function collectRunPersons(p: Pseudonymizer, exchanges: Iterable<ExchangeEntry>, journalFiles: readonly string[] = []): Promise<void> {
  for (const x of exchanges) collectExchange(p, x);
  for (const file of journalFiles) {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of lines) {
      try {
        const x: unknown = JSON.parse(line);
        if (typeof x === 'object' && x !== null && !Array.isArray(x)) collectExchange(p, x as Partial<ExchangeEntry>);
      } catch {
        // A line that is not JSON carries no structured person; shapes still catch identifiers in it.
      }
    }
  }
}

/** The file-level filter: every line of every file, whatever wrote it. */
export const redactionFilter =
  (p: Pseudonymizer): OutputFilter =>
  (text) =>
    p.text(text);
