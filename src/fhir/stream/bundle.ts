import { Readable } from 'node:stream';
import { parser } from 'stream-json';
import Assembler from 'stream-json/assembler.js';
import { type Finding, finding } from '../../findings/finding.ts';
import { limitFinding, tooDeepFinding } from '../../findings/limits.ts';
import { MAX_JSON_DEPTH } from '../../util/json-depth.ts';
import { notJsonFinding } from './json-document.ts';

/**
 * What a Bundle read from a stream yields, in document order: each top-level member but `entry` once its value is
 * complete (`resourceType`, `type`, `identifier`, `timestamp`, … — a judge can check them before the entries arrive,
 * or after, as the sender ordered them), each `entry` item with its 0-based index, and findings where the text
 * cannot be read (not JSON, nested too deep, an entry or member too large); after such a finding nothing more comes.
 */
export type BundlePart = { kind: 'member'; name: string; value: unknown } | { kind: 'entry'; index: number; value: unknown } | { kind: 'finding'; finding: Finding; index?: number };

export interface BundleStreamOptions {
  /**
   * The largest entry (or top-level member) assembled, in characters of its JSON text. A larger one is
   * skipped token by token and reported as a SELLO-LIMIT finding at /entry/i; the rest of the Bundle is read on.
   */
  maxEntryBytes: number;
}

const PIECE_BYTES = 64 * 1024;

type Token = { name: string; value?: unknown };

/** Something being assembled (or skipped, when too large), with how deep the tokens have gone inside it. */
interface Open {
  target: { kind: 'member'; name: string } | { kind: 'entry'; index: number };
  assembler?: Assembler;
  depth: number;
  /** Characters of text taken so far. */
  size: number;
}

const notObject = (what: { en: string; es: string }, location: string): Finding =>
  finding('JSON-STRUCTURE', 'fatal', 'structure', location, {
    en: `${what.en} must be a JSON object; the Bundle was not read further.`,
    es: `${what.es} debe ser un objeto JSON; el Bundle no se leyó más.`,
  });

const tooLarge = (location: string, max: number): Finding =>
  limitFinding(
    {
      en: `${location} has more than ${max} characters of text, more than Sello assembles as one entry; it was not judged.`,
      es: `${location} tiene más de ${max} caracteres de texto, más de lo que Sello arma como una entrada; no se evaluó.`,
    },
    'json-pointer',
    location,
  );

/** One string past the entry limit: the parser cannot skip it without holding it, so reading stops there. */
const tooLong = (location: string, max: number): Finding =>
  limitFinding(
    {
      en: `A string at or after ${location || 'the start'} is longer than ${max} characters, more than Sello holds; the Bundle was not read further.`,
      es: `Una cadena en o después de ${location || 'el inicio'} tiene más de ${max} caracteres, más de lo que Sello retiene; el Bundle no se leyó más.`,
    },
    'json-pointer',
    location,
  );

const opens = (name: string): boolean => name === 'startObject' || name === 'startArray';
const closes = (name: string): boolean => name === 'endObject' || name === 'endArray';

/**
 * A FHIR Bundle (JSON) read from a stream entry by entry: one entry is held at a time, and the source is read only as
 * fast as the consumer takes the parts (backpressure), so memory does not grow with the number of entries. Errors of
 * the source itself (a dropped connection) are thrown, not reported as findings.
 */
export async function* bundleParts(source: AsyncIterable<Uint8Array | string>, options: BundleStreamOptions): AsyncGenerator<BundlePart> {
  let sourceError: unknown;
  async function* counted(): AsyncGenerator<Uint8Array | string> {
    try {
      for await (const chunk of source) {
        const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        // Small pieces: the parser checks a held string's length once per piece, whatever size the source's chunks are.
        for (let at = 0; at < buffer.length; at += PIECE_BYTES) {
          yield buffer.subarray(at, at + PIECE_BYTES);
        }
      }
    } catch (error) {
      sourceError = error;
      throw error;
    }
  }
  const input = Readable.from(counted(), { objectMode: false });
  const tokens = parser.asStream({ packValues: true, streamValues: false, maxDepth: MAX_JSON_DEPTH, maxPackedLength: options.maxEntryBytes });
  input.on('error', (error) => tokens.destroy(error));
  input.pipe(tokens);
  const iterator = (tokens as AsyncIterable<Token>)[Symbol.asyncIterator]();
  let level = 0; // 0 before the root, 1 inside it, 2 inside its entry array
  let key: string | undefined;
  let entries = 0;
  let open: Open | undefined;
  try {
    for (;;) {
      let next: IteratorResult<Token>;
      try {
        next = await iterator.next();
      } catch (error) {
        if (sourceError !== undefined) throw sourceError;
        const message = (error as Error).message ?? String(error);
        // The parser reads ahead of the tokens taken: an entry not begun here yet is the next one.
        const where = open?.target.kind === 'entry' ? `/entry/${open.target.index}` : open ? `/${open.target.name}` : level === 2 ? `/entry/${entries}` : '';
        yield {
          kind: 'finding',
          finding: /maxDepth/.test(message) ? tooDeepFinding('json-pointer', where) : /maxPackedLength/.test(message) ? tooLong(where, options.maxEntryBytes) : notJsonFinding(message, where),
        };
        return;
      }
      if (next.done) {
        if (level !== 0 || open) yield { kind: 'finding', finding: notJsonFinding('the text ends inside the Bundle') };
        return;
      }
      const token = next.value;
      if (open) {
        if (opens(token.name)) open.depth++;
        else if (closes(token.name)) open.depth--;
        open.size += sizeOf(token);
        if (open.assembler && open.size > options.maxEntryBytes) open.assembler = undefined;
        open.assembler?.consume(token as never);
        if (open.depth === 0) {
          const done = open;
          open = undefined;
          const location = done.target.kind === 'entry' ? `/entry/${done.target.index}` : `/${done.target.name}`;
          if (!done.assembler) yield { kind: 'finding', finding: tooLarge(location, options.maxEntryBytes), ...(done.target.kind === 'entry' ? { index: done.target.index } : {}) };
          else if (done.target.kind === 'entry') yield { kind: 'entry', index: done.target.index, value: done.assembler.current };
          else yield { kind: 'member', name: done.target.name, value: done.assembler.current };
        }
        continue;
      }
      if (level === 0) {
        if (token.name !== 'startObject') {
          yield { kind: 'finding', finding: notObject({ en: 'The document', es: 'El documento' }, '') };
          return;
        }
        level = 1;
      } else if (level === 1) {
        if (token.name === 'keyValue') key = String(token.value);
        else if (token.name === 'endObject') level = 0;
        else if (key === 'entry' && token.name === 'startArray') level = 2;
        else open = begin({ kind: 'member', name: key ?? '' }, token);
        if (open && open.depth === 0) {
          const done = open;
          open = undefined;
          yield { kind: 'member', name: (done.target as { name: string }).name, value: done.assembler?.current };
        }
      } else if (token.name === 'endArray') level = 1;
      else {
        open = begin({ kind: 'entry', index: entries++ }, token);
        if (open.depth === 0) {
          const done = open;
          open = undefined;
          const index = (done.target as { index: number }).index;
          yield { kind: 'finding', finding: notObject({ en: `Entry ${index}`, es: `La entrada ${index}` }, `/entry/${index}`), index };
          return;
        }
      }
    }
  } finally {
    input.destroy();
    tokens.destroy();
  }
}

function begin(target: Open['target'], token: Token): Open {
  const assembler = new Assembler();
  assembler.consume(token as never);
  return { target, assembler, depth: opens(token.name) ? 1 : 0, size: sizeOf(token) };
}

/** About the token's length as text (quotes and separators counted as one): what an open entry holds. */
const sizeOf = (token: Token): number => (typeof token.value === 'string' ? token.value.length + 2 : 1);

export interface BundleHandlers {
  /** A top-level member other than `entry`, as soon as its value is complete. */
  onMember?(name: string, value: unknown): void | Promise<void>;
  /** One entry, 0-based; the next is read only once the returned promise settles. */
  onEntry(entry: unknown, index: number): void | Promise<void>;
}

/** The callback form of bundleParts: members and entries to the handlers, the findings of unreadable text returned. */
export async function readBundleStream(source: AsyncIterable<Uint8Array | string>, handlers: BundleHandlers, options: BundleStreamOptions): Promise<{ entries: number; findings: Finding[] }> {
  const findings: Finding[] = [];
  let entries = 0;
  for await (const part of bundleParts(source, options)) {
    if (part.kind === 'member') await handlers.onMember?.(part.name, part.value);
    else if (part.kind === 'entry') {
      entries++;
      await handlers.onEntry(part.value, part.index);
    } else findings.push(part.finding);
  }
  return { entries, findings };
}
