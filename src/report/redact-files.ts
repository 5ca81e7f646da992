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

/**
 * A cucumber attachment carried as base64 (none of Sello's steps attach one today: exchanges are IDENTITY JSON) is
 * decoded, redacted and encoded again when it is text; binary content is left as it is.
 */
function redactBase64Attachment(p: Pseudonymizer, line: string): string {
  if (!line.includes('"BASE64"')) return line;
  let envelope: { attachment?: { body?: unknown; contentEncoding?: unknown } };
  try {
    envelope = JSON.parse(line) as typeof envelope;
  } catch {
    return line;
  }
  const a = envelope.attachment;
  if (!a || a.contentEncoding !== 'BASE64' || typeof a.body !== 'string') return line;
  const bytes = Buffer.from(a.body, 'base64');
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) return line;
  const redacted = p.text(text);
  if (redacted === text) return line;
  a.body = Buffer.from(redacted, 'utf8').toString('base64');
  return JSON.stringify(envelope);
}

/** The file-level filter: every line of every file, whatever wrote it. */
export const redactionFilter =
  (p: Pseudonymizer): OutputFilter =>
  (text) =>
    p.text(redactBase64Attachment(p, text));
