import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { sendHttp } from '../../../src/transport/http-client.ts';
import type { TokenClientAuth } from './target.ts';

export interface TokenRequest {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  from: string;
  to: string;
  /** Defaults to `basic`: v1.1 makes Basic the one every token endpoint MUST accept, the form body a MAY. */
  clientAuth?: TokenClientAuth;
  /** The target's requestMs: a token request waits no longer than any other request. */
  timeoutMs?: number;
}

/** RFC 6749 §2.3.1: the client id and secret are form-urlencoded before they are joined and base64-encoded. */
export function basicClientCredentials(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`, 'utf8').toString('base64')}`;
}

/** OAuth2 client-credentials grant, form-encoded as RFC 6749 §4.4 asks. */
export async function fetchClientToken(journal: ExchangeJournal, request: TokenRequest): Promise<string> {
  const clientAuth = request.clientAuth ?? 'basic';
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (clientAuth === 'basic') {
    headers.authorization = basicClientCredentials(request.clientId, request.clientSecret);
  } else {
    form.set('client_id', request.clientId);
    form.set('client_secret', request.clientSecret);
  }
  const response = await sendHttp(journal, {
    method: 'POST',
    url: request.tokenUrl,
    headers,
    body: form.toString(),
    from: request.from,
    to: request.to,
    ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
  });
  const token = (response.json as { access_token?: unknown } | undefined)?.access_token;
  if (response.status !== 200 || typeof token !== 'string') {
    throw new Error(`token endpoint ${request.tokenUrl} answered ${response.status} without an access_token for client ${request.clientId} (client authentication: ${clientAuth})`);
  }
  return token;
}
