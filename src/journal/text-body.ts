/**
 * Bodies journaled as text. A mock answers thousands of requests a second and nobody reads most of what it journals:
 * a body is kept as the one string it serialises to (redacted), and parsed back only when a reader first touches
 * `body` — instead of a deep, redacted copy of its object graph (a clone and a serialisation per message, and several
 * times the bytes on the heap). What a reader gets is what it got before: the parsed JSON value, or the text.
 */
import { jsonTextTooDeep } from '../util/json-depth.ts';
import { parseNotingDuplicates } from '../util/json-duplicate-keys.ts';
import { redactBody } from '../util/redaction.ts';
import type { ExchangeMessage } from './exchange.ts';
import type { SpilledBody } from './spill.ts';

const BODY_TEXT = Symbol('bodyText');

/** The text a body was journaled as; `json` text reads back parsed (text that does not parse reads back as text). */
export interface BodyText {
  text: string;
  kind: SpilledBody['kind'];
}

/**
 * Text that could hold a value the redaction policy rewrites (src/util/redaction.ts): a secret member's name
 * (client_secret, access_token, refresh_token, id_token, password) or a form field of that name inside a string, or a
 * name spelt with an escape. Text without any of these is redacted as it is: the fast path.
 */
const MAY_HOLD_SECRET = /secret|token|passw|\\u/i;
/** redactBody's depth: deeper text takes the slow path, which cuts it there. */
const REDACTION_DEPTH = 64;

/**
 * Whether JSON text nests deeper than REDACTION_DEPTH. Nesting needs an opening bracket per level, so text with no
 * more `{` and `[` than that cannot: counted by indexOf (native, skipping everything between brackets), which settles
 * a mock's every small answer without walking it character by character in JavaScript; only text with more openers is
 * scanned for its depth.
 */
function tooDeepToKeep(text: string): boolean {
  let openers = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at >= 0; at = text.indexOf(bracket, at + 1)) {
      if (++openers > REDACTION_DEPTH) return jsonTextTooDeep(text, REDACTION_DEPTH);
    }
  }
  return false;
}

/** Whether text starts like a JSON value (worth parsing when read); XML, forms and plain text do not. */
const looksJson = (text: string): boolean => /^\s*[[{"\d-]|^\s*(true|false|null)\s*$/.test(text);

function parseOrText(text: string, noteDuplicates = false): unknown {
  try {
    return noteDuplicates ? parseNotingDuplicates(text) : JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * A body as the journal keeps it: `text` received or sent (a JSON value's serialisation, or the raw text), redacted.
 * `parseable`: the text may be JSON (a Buffer or parsed value), as opposed to a string a handler answered with, which
 * reads back as the string it was. `tooDeep`: text a mock refused as nested too deep, kept as text, never parsed —
 * asked only of text that looks like JSON (a depth scan of every XML body cost a SOAP mock for nothing).
 */
export function journaledText(text: string, parseable: boolean, tooDeep: () => boolean = () => false): BodyText {
  if (!parseable || !looksJson(text) || tooDeep()) return { text: MAY_HOLD_SECRET.test(text) ? (redactBody(text) as string) : text, kind: 'text' };
  if (!MAY_HOLD_SECRET.test(text) && !tooDeepToKeep(text)) return { text, kind: 'json' };
  const value = parseOrText(text);
  if (typeof value === 'string' && value === text) return { text: redactBody(text) as string, kind: 'text' };
  return { text: JSON.stringify(redactBody(value)), kind: 'json' };
}

/** A value (a handler's answer, a payload hapi parsed) as the journal keeps it; undefined when it has no JSON form. */
export function journaledValue(value: unknown): BodyText | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A cycle or a BigInt: no serialisation, as before (redacted, kept as given).
    return undefined;
  }
  if (text === undefined) return undefined;
  if (!MAY_HOLD_SECRET.test(text) && !tooDeepToKeep(text)) return { text, kind: 'json' };
  return { text: JSON.stringify(redactBody(value)), kind: 'json' };
}

const PARSED = Symbol('parsedBody');

/** The `body` of a text-body message: the text parsed on first read, then what was read (one getter for all messages). */
function readBody(this: { [BODY_TEXT]?: BodyText; [PARSED]?: { value: unknown } }): unknown {
  const parsed = this[PARSED];
  if (parsed) return parsed.value;
  const body = this[BODY_TEXT];
  if (!body) return undefined;
  // A reader gets the value as the text said it, members named twice noted for the judges (DUPLICATE_KEYS).
  const value = body.kind === 'json' ? parseOrText(body.text, true) : body.text;
  Object.defineProperty(this, PARSED, { value: { value }, enumerable: false, configurable: true });
  return value;
}

/** A message whose body is `body`'s text: `body` parses it on first read and keeps what it read. */
export function textBodyMessage(message: Omit<ExchangeMessage, 'body'>, body: BodyText): ExchangeMessage {
  const out = message as ExchangeMessage;
  Object.defineProperty(out, BODY_TEXT, { value: body, enumerable: false, configurable: true });
  Object.defineProperty(out, 'body', { get: readBody, enumerable: true, configurable: true });
  return out;
}

/** The text a message's body was journaled as, when it was journaled as text (else undefined: a value or a spill). */
export function bodyTextOf(message: ExchangeMessage): BodyText | undefined {
  return (message as { [BODY_TEXT]?: BodyText })[BODY_TEXT];
}

/** Forgets a message's body text (its body has gone to the spill file). */
export function dropBodyText(message: ExchangeMessage): void {
  delete (message as { [BODY_TEXT]?: BodyText })[BODY_TEXT];
}
