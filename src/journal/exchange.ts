/** One message exchange as seen on the wire: the evidence a regulator reads. */
export interface ExchangeEntry {
  id: string;
  protocol: 'http' | 'mllp';
  /** Logical party names, e.g. `sello`, `IMSS`, `SSA-indice`. */
  from: string;
  to: string;
  method?: string;
  url?: string;
  status?: number;
  messageId?: string;
  startedAt: string;
  finishedAt: string;
  request: { headers: Record<string, string>; body: unknown };
  response?: { headers: Record<string, string>; body: unknown };
  /** Which end wrote this entry: Sello's client, or the server side of a Sello mock. */
  observedBy?: 'client' | 'server';
  /** Transport failure (refused, timeout…) instead of a response. */
  error?: string;
  /** Id of the failed exchange this one retries (a transient connection error is retried once, on the record). */
  retryOf?: string;
}

const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization']);
const OPAQUE_SECRET_HEADERS = new Set(['cookie', 'set-cookie', 'x-api-key', 'api-key']);
const AUTH_SCHEMES = /^(Bearer|Basic|Digest|Negotiate|DPoP|HOBA|Mutual|AWS4-HMAC-SHA256)$/i;
const SECRET_FIELD_NAMES = 'client_secret|access_token|refresh_token|id_token|password';
const SECRET_FIELDS = new RegExp(`^(${SECRET_FIELD_NAMES})$`, 'i');
const SECRET_FORM_FIELDS = new RegExp(`((?:${SECRET_FIELD_NAMES})=)[^&\\s]*`, 'gi');
/** Deeper than this a body is not evidence anyone reads, and walking it could exhaust the stack. */
const MAX_REDACTION_DEPTH = 64;

/** Secrets never reach the journal: reports are shared with regulators and CI logs. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    const lower = name.toLowerCase();
    out[lower] = CREDENTIAL_HEADERS.has(lower) ? redactCredential(text) : OPAQUE_SECRET_HEADERS.has(lower) ? '[redacted]' : text;
  }
  return out;
}

/** The scheme tells a reader what kind of credential was sent; without a known scheme the whole value is secret. */
function redactCredential(value: string): string {
  const scheme = value.trim().split(/\s+/)[0] ?? '';
  return AUTH_SCHEMES.test(scheme) ? `${scheme} [redacted]` : '[redacted]';
}

export function redactBody(body: unknown, depth = 0): unknown {
  if (typeof body === 'string') return body.replace(SECRET_FORM_FIELDS, '$1[redacted]');
  if (body === null || typeof body !== 'object') return body;
  if (depth >= MAX_REDACTION_DEPTH) return `[not journaled: nested deeper than ${MAX_REDACTION_DEPTH} levels]`;
  if (Array.isArray(body)) return body.map((item) => redactBody(item, depth + 1));
  return Object.fromEntries(
    Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, SECRET_FIELDS.test(k) ? '[redacted]' : redactBody(v, depth + 1)]),
  );
}
