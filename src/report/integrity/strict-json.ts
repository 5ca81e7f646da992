import canonicalize from 'canonicalize';

/*
 * Signed JSON is signed in its RFC 8785 canonical form, so the reader must not see anything the canonical form does
 * not: JSON.parse keeps the last of two duplicate members (another reader may keep the first), drops precision of
 * large integers, and a decoder replaces invalid UTF-8 silently. This parser refuses all of that; only JSON's
 * insignificant whitespace (space, tab, CR, LF) may differ from the signed bytes, so re-indenting and CRLF stay valid.
 */

export class StrictJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StrictJsonError';
  }
}

const MAX_DEPTH = 256;
const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    const line = this.s.slice(0, this.i).split('\n').length;
    throw new StrictJsonError(`${what} (line ${line}, offset ${this.i})`);
  }

  ws(): void {
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.i++;
    }
  }

  document(): unknown {
    this.ws();
    const value = this.value(0);
    this.ws();
    if (this.i !== this.s.length) this.fail('bytes after the JSON document');
    return value;
  }

  value(depth: number): unknown {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    const c = this.s[this.i];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    return this.number();
  }

  object(depth: number): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a member name');
      const at = this.i;
      const key = this.string();
      if (seen.has(key)) {
        this.i = at;
        this.fail(`duplicate member ${JSON.stringify(key)}`);
      }
      seen.add(key);
      this.ws();
      if (this.s[this.i] !== ':') this.fail("expected ':'");
      this.i++;
      this.ws();
      // defineProperty: a member named __proto__ is data, not the object's prototype.
      Object.defineProperty(out, key, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      this.fail("expected ',' or '}'");
    }
  }

  array(depth: number): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        continue;
      }
      if (this.s[this.i] === ']') {
        this.i++;
        return out;
      }
      this.fail("expected ',' or ']'");
    }
  }

  string(): string {
    const start = this.i;
    let j = start + 1;
    for (; j < this.s.length; j++) {
      const c = this.s[j];
      if (c === '\\') j++;
      else if (c === '"') break;
    }
    if (j >= this.s.length) this.fail('unterminated string');
    let value: string;
    try {
      // The token is a complete JSON string: JSON.parse applies JSON's own escape and control-character rules.
      value = JSON.parse(this.s.slice(start, j + 1)) as string;
    } catch {
      this.fail('invalid string');
    }
    if (LONE_SURROGATE.test(value)) this.fail('a string with a lone surrogate (not I-JSON, no canonical form)');
    this.i = j + 1;
    return value;
  }

  number(): number {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m || m[0] === '' || m[0] === '-') this.fail('unexpected character');
    const value = Number(m[0]);
    if (!Number.isFinite(value)) this.fail(`number ${m[0]} out of range`);
    // RFC 8785 works on IEEE doubles: an integer beyond 2^53 could be read differently by another parser.
    if (m[1] === undefined && m[2] === undefined && !Number.isSafeInteger(value)) this.fail(`integer ${m[0]} beyond 2^53 (not I-JSON)`);
    this.i += m[0].length;
    return value;
  }
}

/** The value of signed JSON bytes; throws StrictJsonError naming the first problem. */
export function parseStrictJson(bytes: Uint8Array): unknown {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) throw new StrictJsonError('starts with a byte order mark');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new StrictJsonError('is not valid UTF-8');
  }
  return new Parser(text).document();
}

/** RFC 8785 (JCS) form of a JSON value. */
export function canonicalJson(value: unknown): string {
  const out = canonicalize(value);
  if (out === undefined) throw new TypeError('JCS cannot represent this value');
  return out;
}

/** The bytes that are signed: the document's content, strictly parsed and canonicalized. */
export function signedPayload(json: string | Uint8Array): Buffer {
  const bytes = typeof json === 'string' ? Buffer.from(json, 'utf8') : json;
  return Buffer.from(canonicalJson(parseStrictJson(bytes)), 'utf8');
}
