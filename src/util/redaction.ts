/*
 * The one policy for secrets in evidence: which parts of a message are credentials and what they are replaced by.
 * Evidence is handed to vendors, regulators and CI logs, so live credentials of the SUT or of Sello must never
 * travel with it. The journal applies it when an exchange is recorded; the report applies its header and URL parts
 * again to every exchange it copies or renders, so one written by anything else is held to the same rule (bodies
 * are redacted once, when journaled: past that they are what the rules judged).
 *
 * A secret is replaced by `[redacted]`; a credential header keeps its scheme ("Bearer [redacted]") because the
 * scheme tells a reader what kind of credential was sent. Identifiers of persons are another matter (they are
 * evidence, pseudonymized on request): see src/report/redact.ts.
 */

export const REDACTED = '[redacted]';

/** Headers whose value is a credential with a scheme in front. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization']);
/** Headers whose whole value is secret. */
const OPAQUE_SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'x-api-key', 'api-key', 'apikey', 'x-auth-token', 'x-access-token']);
const AUTH_SCHEMES = /^(Bearer|Basic|Digest|Negotiate|DPoP|HOBA|Mutual|AWS4-HMAC-SHA256)$/i;
/** Members of a JSON body, or fields of a form body, holding a secret. */
const SECRET_FIELD_NAMES = 'client_secret|access_token|refresh_token|id_token|password';
const SECRET_FIELDS = new RegExp(`^(${SECRET_FIELD_NAMES})$`, 'i');
const SECRET_FORM_FIELDS = new RegExp(`((?:${SECRET_FIELD_NAMES})=)[^&\\s]*`, 'gi');
/** Query parameters of a URL holding a secret. */
const SECRET_QUERY_PARAM = /token|secret|passw(or)?d|api[-_]?key/i;
/** Deeper than this a body is not evidence anyone reads, and walking it could exhaust the stack. */
const MAX_REDACTION_DEPTH = 64;

/** The value a header may be shown with. */
export function redactHeaderValue(name: string, value: string): string {
  const lower = name.toLowerCase();
  if (CREDENTIAL_HEADERS.has(lower)) {
    const scheme = value.trim().split(/\s+/)[0] ?? '';
    return AUTH_SCHEMES.test(scheme) ? `${scheme} ${REDACTED}` : REDACTED;
  }
  return OPAQUE_SECRET_HEADERS.has(lower) ? REDACTED : value;
}

/** Headers as the journal records them: names lower-cased, repeated values joined, secrets redacted. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  // for…in, not Object.entries: a mock redacts two header maps per answer it journals, and the pairs array was most of it.
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    out[name.toLowerCase()] = redactHeaderValue(name, text);
  }
  return out;
}

/** Headers of an already recorded message, names kept as they are: anything that is not a header map is left alone. */
export function redactRecordedHeaders(headers: unknown): unknown {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return headers;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers))
    out[k] = typeof v === 'string' ? redactHeaderValue(k, v) : OPAQUE_SECRET_HEADERS.has(k.toLowerCase()) || CREDENTIAL_HEADERS.has(k.toLowerCase()) ? REDACTED : v;
  return out;
}

export function redactBody(body: unknown, depth = 0): unknown {
  if (typeof body === 'string') return body.replace(SECRET_FORM_FIELDS, `$1${REDACTED}`);
  if (body === null || typeof body !== 'object') return body;
  if (depth >= MAX_REDACTION_DEPTH) return `[not journaled: nested deeper than ${MAX_REDACTION_DEPTH} levels]`;
  if (Array.isArray(body)) return body.map((item) => redactBody(item, depth + 1));
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, SECRET_FIELDS.test(k) ? REDACTED : redactBody(v, depth + 1)]));
}

/** A URL with its userinfo and secret query parameters redacted; a relative URL (no userinfo possible) is kept. */
export function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.username || u.password) {
      u.username = REDACTED;
      u.password = '';
    }
    for (const key of [...u.searchParams.keys()]) if (SECRET_QUERY_PARAM.test(key)) u.searchParams.set(key, REDACTED);
    return u.toString();
  } catch {
    return raw;
  }
}

/** Userinfo and query are where credentials hide in a URL; the report only needs where the SUT lives. */
export function sanitizeBaseUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return raw.replace(/\/\/[^/@\s]*@/, '//');
  }
}
