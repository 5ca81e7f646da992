import { randomUUID } from 'node:crypto';
import type { Finding } from '../../../src/findings/finding.ts';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { sendHttp } from '../../../src/transport/http-client.ts';
import { CONTRACT_RULES, checkResponse, type ResponseKind } from '../judges/contract-checks.ts';
import { fetchClientToken } from './client-token.ts';
import type { PgsEndpoint } from './endpoints.ts';
import type { ClientSecretPair } from './target.ts';
import type { Acuse, Institucion } from './types.ts';

export type PgsOperation = 'alta' | 'actualizacion' | 'baja' | 'consulta' | 'busqueda' | 'consulta-indice';

export interface PgsCall {
  operation: PgsOperation;
  /** The node called. */
  at: Institucion;
  /** Who calls: whose token and X-Institucion header are sent. */
  as: Institucion;
  curp?: string;
  query?: Record<string, string>;
  /** An object is sent as JSON; a string is sent verbatim (for malformed-input tests). */
  body?: unknown;
  messageId?: string;
  /** `none` sends no Authorization header; `invalid` a token the node never issued. */
  auth?: 'token' | 'none' | 'invalid';
  /** Overrides the X-Institucion header (to test a header that disagrees with the token). */
  institucionHeader?: string;
}

export interface PgsResult {
  call: PgsCall;
  status: number;
  body: unknown;
  text: string;
  acuse?: Acuse;
  messageId: string;
  /** Contract violations seen in this response (schema, message id echo, status consistency). */
  findings: Finding[];
}

/** Sello's client for any PGS node: obtains tokens, sends the call, checks the answer's contract. */
export class PgsClient {
  readonly #tokens = new Map<string, Promise<string>>();

  constructor(
    private readonly journal: ExchangeJournal,
    private readonly endpoints: Record<Institucion, PgsEndpoint>,
    private readonly credentials: Record<Institucion, ClientSecretPair>,
    private readonly timeoutMs = 10_000,
  ) {}

  token(at: Institucion, as: Institucion): Promise<string> {
    const key = `${at}/${as}`;
    let token = this.#tokens.get(key);
    if (!token) {
      token = fetchClientToken(this.journal, {
        tokenUrl: this.endpoints[at].tokenUrl,
        ...this.credentials[as],
        ...(this.endpoints[at].tokenClientAuth ? { clientAuth: this.endpoints[at].tokenClientAuth } : {}),
        timeoutMs: this.timeoutMs,
        from: `sello:${as}`,
        to: at,
      });
      // A failed token request must not poison later attempts.
      token.catch(() => this.#tokens.delete(key));
      this.#tokens.set(key, token);
    }
    return token;
  }

  async send(call: PgsCall): Promise<PgsResult> {
    const messageId = call.messageId ?? randomUUID();
    const { method, path, kind } = route(call);
    const headers: Record<string, string> = {
      'x-message-id': messageId,
      'x-institucion': call.institucionHeader ?? call.as,
    };
    const auth = call.auth ?? 'token';
    if (auth === 'token') headers.authorization = `Bearer ${await this.token(call.at, call.as)}`;
    if (auth === 'invalid') headers.authorization = 'Bearer sello-token-never-issued';
    const query = call.query ? `?${new URLSearchParams(call.query).toString()}` : '';
    const response = await sendHttp(this.journal, {
      method,
      url: `${this.endpoints[call.at].baseUrl}${path}${query}`,
      headers,
      ...(call.body !== undefined ? { body: call.body } : {}),
      from: `sello:${call.as}`,
      to: call.at,
      messageId,
      timeoutMs: this.timeoutMs,
    });
    // A refusal is an acuse whatever its status (a RECHAZADO with 200 is PGS-API-05's, not a malformed consulta).
    const refused = (response.json as { acuse?: { estatus?: unknown } } | undefined)?.acuse?.estatus === 'RECHAZADO';
    const responseKind: ResponseKind = response.status >= 300 || refused ? 'acuse' : kind;
    const findings = checkResponse({
      status: response.status,
      body: response.json,
      text: response.text,
      kind: responseKind === 'acuse' && hasBeneficiario(response.json) ? 'respuesta-consulta' : responseKind,
      sentMessageId: messageId,
      contentType: response.headers['content-type'] ?? '',
    });
    // Only an alta the node had to accept: one it should have refused (no token, another institution) is PGS-API-03's.
    const legitimate = (call.auth ?? 'token') === 'token' && call.institucionHeader === undefined && call.as === call.at;
    if (call.operation === 'alta' && legitimate && !refused && response.status >= 200 && response.status < 300 && response.status !== 201) {
      findings.push({
        ruleId: CONTRACT_RULES.statusConsistency,
        severity: 'error',
        code: 'invalid',
        location: '',
        locationKind: 'http',
        message: { es: `Un alta aceptada responde HTTP 201; llegó HTTP ${response.status}`, en: `An accepted alta answers HTTP 201; got HTTP ${response.status}` },
      });
    }
    for (const f of findings) f.role = call.at.toLowerCase();
    const acuse = (response.json as { acuse?: Acuse } | undefined)?.acuse;
    return { call, status: response.status, body: response.json, text: response.text, ...(acuse ? { acuse } : {}), messageId, findings };
  }
}

function hasBeneficiario(body: unknown): boolean {
  return typeof body === 'object' && body !== null && 'beneficiario' in body;
}

function route(call: PgsCall): { method: string; path: string; kind: ResponseKind } {
  const curp = encodeURIComponent(call.curp ?? '');
  switch (call.operation) {
    case 'alta':
      return { method: 'POST', path: '/beneficiarios', kind: 'acuse' };
    case 'actualizacion':
      return { method: 'PUT', path: `/beneficiarios/${curp}`, kind: 'acuse' };
    case 'baja':
      return { method: 'POST', path: `/beneficiarios/${curp}/baja`, kind: 'acuse' };
    case 'consulta':
      return { method: 'GET', path: `/beneficiarios/${curp}`, kind: 'respuesta-consulta' };
    case 'busqueda':
      return { method: 'GET', path: '/beneficiarios', kind: 'respuesta-busqueda' };
    case 'consulta-indice':
      return { method: 'GET', path: `/indice/${curp}`, kind: 'consulta-indice' };
  }
}
