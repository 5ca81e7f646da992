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

/** Whether a parsed value nests arrays and objects deeper than `max`, walked with a stack of its own. */
export function jsonValueTooDeep(value: unknown, max = MAX_JSON_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** The message of the 400 a too-deep body gets. */
export const TOO_DEEP_MESSAGE = `JSON body nested deeper than ${MAX_JSON_DEPTH} levels`;
