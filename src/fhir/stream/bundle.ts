import { StringDecoder } from 'node:string_decoder';
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import Assembler from 'stream-json/assembler.js';
import { jsonParser } from 'stream-json/parser.js';
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
 * the source itself (a dropped connection) are thrown, not reported as findings. The strings of a part may be slices
 * of the text piece they were read from (V8 keeps the piece alive while the slice lives): a judge that keeps strings
 * across entries (the ids it will resolve references against) keeps copies of them.
 */
export async function* bundleParts(source: AsyncIterable<Uint8Array | string>, options: BundleStreamOptions): AsyncGenerator<BundlePart> {
  // The bare tokenizer, called once per piece: tokens come as arrays, with no promise per token.
  const tokenize = jsonParser({ packValues: true, streamValues: false, maxDepth: MAX_JSON_DEPTH, maxPackedLength: options.maxEntryBytes }) as (text: string | typeof none) => unknown;
  const reader = new BundleReader(options.maxEntryBytes);
  const decoder = new StringDecoder('utf8');
  let first = true;
  const feed = (text: string | typeof none): BundlePart[] => {
    let tokens: Token[];
    try {
      const out = tokenize(text);
      tokens = out === none ? [] : isMany(out) ? (getManyValues(out) as Token[]) : [out as Token];
    } catch (error) {
      return [{ kind: 'finding', finding: reader.tokenizerFailed((error as Error).message) }];
    }
    return reader.take(tokens);
  };
  for await (const chunk of source) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    // Small pieces: the tokenizer checks a held string's length once per piece, and the parts of one piece are few.
    for (let at = 0; at < buffer.length; at += PIECE_BYTES) {
      let text = decoder.write(buffer.subarray(at, at + PIECE_BYTES));
      if (first && text.length > 0) {
        first = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      yield* feed(text);
      if (reader.stopped) return;
    }
  }
  yield* feed(decoder.end());
  if (!reader.stopped) yield* feed(none);
  if (!reader.stopped) yield* reader.ended();
}

/** The token state machine: top-level members, the entry array's items, the limits. */
class BundleReader {
  stopped = false;
  private level = 0; // 0 before the root, 1 inside it, 2 inside its entry array
  private key: string | undefined;
  private entries = 0;
  private open: Open | undefined;

  constructor(private readonly maxEntryBytes: number) {}

  private stop(f: Finding, index?: number): BundlePart {
    this.stopped = true;
    return { kind: 'finding', finding: f, ...(index !== undefined ? { index } : {}) };
  }

  tokenizerFailed(message: string): Finding {
    this.stopped = true;
    const open = this.open;
    // The tokenizer reads a whole piece ahead of the tokens taken: an entry not begun here yet is the next one.
    const where = open?.target.kind === 'entry' ? `/entry/${open.target.index}` : open ? `/${open.target.name}` : this.level === 2 ? `/entry/${this.entries}` : '';
    return /maxDepth/.test(message) ? tooDeepFinding('json-pointer', where) : /maxPackedLength/.test(message) ? tooLong(where, this.maxEntryBytes) : notJsonFinding(message, where);
  }

  ended(): BundlePart[] {
    return this.level !== 0 || this.open ? [this.stop(notJsonFinding('the text ends inside the Bundle'))] : [];
  }

  take(tokens: readonly Token[]): BundlePart[] {
    const parts: BundlePart[] = [];
    for (const token of tokens) {
      const part = this.token(token);
      if (part) parts.push(part);
      if (this.stopped) break;
    }
    return parts;
  }

  private token(token: Token): BundlePart | undefined {
    const open = this.open;
    if (open) {
      if (opens(token.name)) open.depth++;
      else if (closes(token.name)) open.depth--;
      open.size += sizeOf(token);
      if (open.assembler && open.size > this.maxEntryBytes) open.assembler = undefined;
      open.assembler?.consume(token as never);
      return open.depth === 0 ? this.close() : undefined;
    }
    if (this.level === 0) {
      if (token.name !== 'startObject') return this.stop(notObject({ en: 'The document', es: 'El documento' }, ''));
      this.level = 1;
    } else if (this.level === 1) {
      if (token.name === 'keyValue') this.key = String(token.value);
      else if (token.name === 'endObject') this.level = 0;
      else if (this.key === 'entry' && token.name === 'startArray') this.level = 2;
      else {
        this.open = begin({ kind: 'member', name: this.key ?? '' }, token);
        if (this.open.depth === 0) return this.close();
      }
    } else if (token.name === 'endArray') this.level = 1;
    else {
      const index = this.entries++;
      if (token.name !== 'startObject') return this.stop(notObject({ en: `Entry ${index}`, es: `La entrada ${index}` }, `/entry/${index}`), index);
      this.open = begin({ kind: 'entry', index }, token);
    }
    return undefined;
  }

  private close(): BundlePart {
    const done = this.open!;
    this.open = undefined;
    const location = done.target.kind === 'entry' ? `/entry/${done.target.index}` : `/${done.target.name}`;
    if (!done.assembler) return { kind: 'finding', finding: tooLarge(location, this.maxEntryBytes), ...(done.target.kind === 'entry' ? { index: done.target.index } : {}) };
    return done.target.kind === 'entry' ? { kind: 'entry', index: done.target.index, value: done.assembler.current } : { kind: 'member', name: done.target.name, value: done.assembler.current };
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

/**
 * Findings of an entry's resource judged alone, located in the Bundle: `Patient.gender` becomes
 * `Bundle.entry[3].resource.gender`, `/gender` becomes `/entry/3/resource/gender`; other kinds are left as they are.
 */
export function atEntry(findings: readonly Finding[], index: number): Finding[] {
  return findings.map((f) => {
    if (f.locationKind === 'fhirpath') return { ...f, location: `Bundle.entry[${index}].resource${f.location.replace(/^[A-Z][A-Za-z]*/, '')}` };
    if (f.locationKind === 'json-pointer') return { ...f, location: `/entry/${index}/resource${f.location}` };
    return { ...f };
  });
}
