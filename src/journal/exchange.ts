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
}

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const SECRET_FIELDS = /^(client_secret|access_token|password|refresh_token)$/i;

/** Secrets never reach the journal: reports are shared with regulators and CI logs. */
export function redactHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    out[name.toLowerCase()] = SECRET_HEADERS.has(name.toLowerCase()) ? redactCredential(text) : text;
  }
  return out;
}

function redactCredential(value: string): string {
  const scheme = value.split(' ')[0] ?? '';
  return `${scheme} [redacted]`;
}

export function redactBody(body: unknown): unknown {
  if (typeof body === 'string') return body.replace(/((?:client_secret|access_token|password)=)[^&\s]*/gi, '$1[redacted]');
  if (Array.isArray(body)) return body.map(redactBody);
  if (body && typeof body === 'object') {
    return Object.fromEntries(
      Object.entries(body as Record<string, unknown>).map(([k, v]) => [k, SECRET_FIELDS.test(k) ? '[redacted]' : redactBody(v)]),
    );
  }
  return body;
}
