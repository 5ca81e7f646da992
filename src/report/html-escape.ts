/*
 * Escaping for report pages. Everything rendered may come from the system under test (names, error messages, bodies,
 * headers), so every value goes through one of these, without exception.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
// C0 controls are not allowed in HTML text either; show them rather than let the parser mangle them.
const HTML_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export function esc(value: unknown): string {
  const s = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  return s.replace(HTML_CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/**
 * JSON inside <script type="application/json">: `<` is escaped so no `</script>` or `<!--` can end
 * the element early; `>`/`&` and the JS line separators for good measure. The result is still JSON.
 */
export function embedJson(data: unknown): string {
  return JSON.stringify(data)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export const badge = (cls: string, label: string): string => `<span class="badge b-${esc(cls)}">${esc(label)}</span>`;

/** A `data-filter` attribute the page script reads to set the scenario filters. */
export const filterAttr = (o: Record<string, string>): string => esc(JSON.stringify(o));
