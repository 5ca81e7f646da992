/** JSON Pointer (RFC 6901) reference tokens, written and read. */

/** Escapes one reference token (RFC 6901 §4): `~` first, or `/` → `~1` would be re-escaped. */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A pointer's reference tokens, decoded (`~1` before `~0`, RFC 6901 §4); undefined when it is not a pointer. */
export function pointerTokens(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}
