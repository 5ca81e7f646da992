/**
 * How deep a JSON value Sello takes. Handlers, validators, FHIRPath and the journal's redaction all walk bodies, and
 * some of them recurse: a mock refuses a body nested past this at the door (400 with the protocol's error), and the
 * validators answer a SELLO-LIMIT finding instead of walking it (a SUT's answer, or a file given to `sello validate`).
 * The deepest message of any program is a FHIR Bundle with an extension of an extension (about 12 levels); 100
 * leaves room for any real resource.
 */
export const MAX_JSON_DEPTH = 100;

/** Whether JSON text nests arrays and objects deeper than `max`: one pass over the characters, no parsing. */
export function jsonTextTooDeep(text: string | Buffer, max = MAX_JSON_DEPTH): boolean {
  const s = typeof text === 'string' ? text : text.toString('latin1');
  let depth = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * Whether a parsed value nests arrays and objects deeper than `max`. The recursion stops at `max` levels, so the
 * stack it uses is bounded whatever the value; nothing is allocated on the way (every validated resource pays this).
 */
export function jsonValueTooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  return value !== null && typeof value === 'object' && deeperThan(value, 1, max);
}

function deeperThan(node: object, depth: number, max: number): boolean {
  if (depth > max) return true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i];
      if (child !== null && typeof child === 'object' && deeperThan(child, depth + 1, max)) return true;
    }
    return false;
  }
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    const child: unknown = (node as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && deeperThan(child, depth + 1, max)) return true;
  }
  return false;
}

/** The message of the 400 a too-deep body gets. */
export const TOO_DEEP_MESSAGE = `JSON body nested deeper than ${MAX_JSON_DEPTH} levels`;
