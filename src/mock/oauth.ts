import { createHmac, timingSafeEqual } from 'node:crypto';
import type Hapi from '@hapi/hapi';

export interface ClientCredential {
  clientId: string;
  clientSecret: string;
  /** Who the client acts for, e.g. the institution `IMSS`. */
  party: string;
}

const TOKEN_LIFETIME_SECONDS = 3600;
/**
 * Tokens remembered as verified, so a client's every request is not an HMAC: a certification's clients hold a few
 * dozen; a node under load, one per client. Past this the oldest is forgotten (and verified again when it returns).
 */
export const VERIFIED_TOKENS_KEPT = 1024;

export type TokenCheck = { ok: true; party: string } | { ok: false; reason: string };

/**
 * OAuth2 client-credentials (RFC 6749 §4.4) with bearer tokens that carry their own proof: the client, its party and
 * the expiry, signed with a key derived from the client's secret. Sello's mocks are new every run, but a vendor's
 * node may keep a token for its whole `expires_in`: a token a previous run issued to the same credentials must still
 * be honoured, or the next run would blame the node for Sello's amnesia. Only a bounded memo of tokens already
 * verified is kept (their expiry is still checked on every use).
 */
export class TokenAuthority {
  readonly #clients = new Map<string, ClientCredential>();
  /** Verified token → its party and expiry (ms); insertion order is age. */
  readonly #verified = new Map<string, { party: string; expiresAt: number }>();

  /**
   * `issuer` names the authorization server (e.g. the node `IMSS`): a token of another node is not this node's, even
   * when both know the same clients.
   */
  constructor(
    clients: readonly ClientCredential[],
    private readonly issuer = '',
  ) {
    for (const client of clients) this.#clients.set(client.clientId, client);
  }

  issue(clientId: string, clientSecret: string): { access_token: string; token_type: 'Bearer'; expires_in: number } | undefined {
    const client = this.#clients.get(clientId);
    if (!client || !sameSecret(client.clientSecret, clientSecret)) return undefined;
    const expiresAt = Date.now() + TOKEN_LIFETIME_SECONDS * 1000;
    const claims = `${b64(client.clientId)}.${b64(client.party)}.${expiresAt.toString(36)}`;
    return { access_token: `${claims}.${this.#sign(client, claims)}`, token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS };
  }

  verify(authorization: string | undefined): TokenCheck {
    if (!authorization) return { ok: false, reason: 'missing bearer token' };
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match?.[1]) return { ok: false, reason: 'authorization is not a bearer token' };
    const token = match[1];
    const known = this.#verified.get(token);
    if (known) return known.expiresAt < Date.now() ? { ok: false, reason: 'expired token' } : { ok: true, party: known.party };
    const parts = token.split('.');
    const client = parts.length === 4 ? this.#clients.get(unb64(parts[0]!)) : undefined;
    if (!client || unb64(parts[1]!) !== client.party || !sameSecret(this.#sign(client, parts.slice(0, 3).join('.')), parts[3]!)) {
      return { ok: false, reason: 'unknown token' };
    }
    const expiresAt = parseInt(parts[2]!, 36);
    if (expiresAt < Date.now()) return { ok: false, reason: 'expired token' };
    this.#verified.set(token, { party: client.party, expiresAt });
    if (this.#verified.size > VERIFIED_TOKENS_KEPT) this.#verified.delete(this.#verified.keys().next().value!);
    return { ok: true, party: client.party };
  }

  #sign(client: ClientCredential, claims: string): string {
    return createHmac('sha256', JSON.stringify(['sello-token', this.issuer, client.clientSecret]))
      .update(claims)
      .digest('base64url');
  }
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
const unb64 = (text: string): string => Buffer.from(text, 'base64url').toString('utf8');

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const TOKEN_PATH = '/oauth/token';

/** The token endpoint: form or JSON body, or HTTP Basic client authentication, as RFC 6749 allows. */
export function registerTokenEndpoint(server: Hapi.Server, authority: TokenAuthority): void {
  server.route({
    method: 'POST',
    path: TOKEN_PATH,
    handler: (request, h) => {
      const body = (request.payload && typeof request.payload === 'object' ? request.payload : {}) as Record<string, unknown>;
      const basic = parseBasic(request.headers.authorization as string | undefined);
      const grantType = body.grant_type;
      if (grantType !== 'client_credentials') {
        return h.response({ error: 'unsupported_grant_type', error_description: 'only grant_type=client_credentials is supported' }).code(400);
      }
      const clientId = basic?.id ?? (typeof body.client_id === 'string' ? body.client_id : undefined);
      const clientSecret = basic?.secret ?? (typeof body.client_secret === 'string' ? body.client_secret : undefined);
      if (!clientId || !clientSecret) {
        return h.response({ error: 'invalid_request', error_description: 'client_id and client_secret are required' }).code(400);
      }
      const token = authority.issue(clientId, clientSecret);
      if (!token) {
        const response = h.response({ error: 'invalid_client', error_description: 'unknown client or wrong secret' }).code(401);
        // RFC 6749 §5.2: a client that authenticated with Basic is told which scheme to retry with.
        return basic ? response.header('www-authenticate', 'Basic realm="sello"') : response;
      }
      return h.response(token).code(200).header('cache-control', 'no-store');
    },
  });
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = header && /^Basic\s+(\S+)$/i.exec(header);
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  return id === undefined || secret === undefined ? undefined : { id, secret };
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded first, so `+` is a space; bad escapes are not credentials. */
function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
