import type { ExchangeJournal } from '../../journal/journal.ts';
import { sendHttp } from '../../transport/http-client.ts';

export interface TokenRequest {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  from: string;
  to: string;
}

/** OAuth2 client-credentials grant, form-encoded as RFC 6749 §4.4 asks. */
export async function fetchClientToken(journal: ExchangeJournal, request: TokenRequest): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: request.clientId,
    client_secret: request.clientSecret,
  });
  const response = await sendHttp(journal, {
    method: 'POST',
    url: request.tokenUrl,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    from: request.from,
    to: request.to,
  });
  const token = (response.json as { access_token?: unknown } | undefined)?.access_token;
  if (response.status !== 200 || typeof token !== 'string') {
    throw new Error(`token endpoint ${request.tokenUrl} answered ${response.status} without an access_token for client ${request.clientId}`);
  }
  return token;
}
