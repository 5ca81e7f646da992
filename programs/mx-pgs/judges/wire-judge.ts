import type { Finding } from '../../../src/findings/finding.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { pgsSchemas } from '../lib/schemas.ts';
import { INSTITUCIONES, type Institucion } from '../lib/types.ts';
import { checkResponse } from './contract-checks.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const EVENT_PATH = /\/indice\/eventos$/;
const TOKEN_PATH = /\/oauth\/token$/;

export interface WireContext {
  /** CURPs of this scenario's people: background events of other scenarios are not this scenario's evidence. */
  curps: ReadonlySet<string>;
  /** The institution a vendor's system plays; a request Sello's SSA mock observed as server came from it. */
  sutRole?: Institucion;
}

/**
 * Judges the messages a node sends on its own to the central index (RN-09), which no step asserts: the event
 * (evento-indice), its headers, and — when the index is the system judged — the index's answer. Each finding names the
 * rule its sender broke and the sender's role.
 */
export function judgeIndexEvents(entries: readonly ExchangeEntry[], context: WireContext): { exchangeId: string; findings: Finding[] }[] {
  const judged: { exchangeId: string; findings: Finding[] }[] = [];
  for (const entry of entries) {
    if (entry.method === 'POST' && entry.url && TOKEN_PATH.test(new URL(entry.url).pathname) && !entry.error) {
      const refused = judgeTokenRequest(entry, context);
      if (refused.length > 0) judged.push({ exchangeId: entry.id, findings: refused });
      continue;
    }
    if (entry.method !== 'POST' || !entry.url || !EVENT_PATH.test(new URL(entry.url).pathname) || entry.error) continue;
    const body = entry.request.body as { curp?: unknown; curpAnterior?: unknown; institucion?: unknown } | undefined;
    const curp = typeof body?.curp === 'string' ? body.curp : undefined;
    if (!curp || !(context.curps.has(curp) || (typeof body?.curpAnterior === 'string' && context.curps.has(body.curpAnterior)))) continue;
    const sender = (entry.observedBy === 'server' && context.sutRole ? context.sutRole : entry.from) as Institucion;
    const findings = INSTITUCIONES.includes(sender) ? judgeEvent(entry, sender) : [];
    if (entry.response && entry.status !== undefined && (context.sutRole === undefined || context.sutRole === 'SSA')) {
      findings.push(
        ...checkResponse({
          status: entry.status,
          body: typeof entry.response.body === 'object' ? entry.response.body : undefined,
          text: typeof entry.response.body === 'string' ? entry.response.body : '',
          kind: 'acuse',
          // A message id that is no UUID cannot be echoed into a conforming acuse: that is the sender's fault alone.
          ...(entry.messageId && UUID.test(entry.messageId) ? { sentMessageId: entry.messageId } : {}),
          contentType: entry.response.headers['content-type'] ?? '',
        }).map((f) => ({ ...f, role: 'ssa' })),
      );
    }
    if (findings.length > 0) judged.push({ exchangeId: entry.id, findings });
  }
  return judged;
}

function judgeEvent(entry: ExchangeEntry, sender: Institucion): Finding[] {
  const role = sender.toLowerCase();
  const findings: Finding[] = pgsSchemas()
    .validate('evento-indice', entry.request.body, 'RN-09')
    .map((f) => ({ ...f, role }));
  const problem = (ruleId: string, location: string, es: string, en: string): Finding => ({
    ruleId,
    severity: 'error',
    code: ruleId === 'RN-09' ? 'invalid' : 'security',
    location,
    locationKind: location.startsWith('/') ? 'json-pointer' : 'http',
    message: { es, en },
    role,
  });
  const messageId = entry.request.headers['x-message-id'];
  if (!messageId || !UUID.test(messageId)) {
    findings.push(
      problem(
        'RN-09',
        'header:X-Message-Id',
        `El evento al índice central debe llevar un X-Message-Id UUID; llevó «${messageId ?? ''}»`,
        `The event to the central index must carry a UUID X-Message-Id; it carried "${messageId ?? ''}"`,
      ),
    );
  }
  const institucion = (entry.request.body as { institucion?: unknown } | undefined)?.institucion;
  if (typeof institucion === 'string' && institucion !== sender) {
    findings.push(problem('RN-09', '/institucion', `${sender} informó un evento a nombre de ${institucion}`, `${sender} reported an event on behalf of ${institucion}`));
  }
  // Authorization is redacted in the journal: the index's 401/403 is the evidence of a bad token or header.
  if (entry.status === 401) {
    findings.push(
      problem(
        'PGS-API-03',
        'header:Authorization',
        `El índice central rechazó el token de ${sender} (HTTP 401): el evento no llegó`,
        `The central index refused ${sender}'s token (HTTP 401): the event was not delivered`,
      ),
    );
  } else if (entry.status === 403) {
    findings.push(
      problem(
        'PGS-API-03',
        'header:X-Institucion',
        `El índice central rechazó el evento de ${sender} (HTTP 403): X-Institucion o institución ajena al token`,
        `The central index refused ${sender}'s event (HTTP 403): X-Institucion or institution not the token's`,
      ),
    );
  }
  return findings;
}

/**
 * A node's own token request to Sello's SSA mock (to report events): client credentials its institution was given.
 * Refused, no event can follow; the finding says so on the request rather than only as a late index.
 */
function judgeTokenRequest(entry: ExchangeEntry, context: WireContext): Finding[] {
  if (entry.to !== 'SSA' || entry.from.startsWith('sello')) return [];
  const sender = (entry.observedBy === 'server' && context.sutRole ? context.sutRole : entry.from) as Institucion;
  if (!INSTITUCIONES.includes(sender) || sender === 'SSA' || entry.status === undefined || entry.status < 400) return [];
  return [
    {
      ruleId: 'PGS-API-03',
      severity: 'error',
      code: 'security',
      location: 'header:Authorization',
      locationKind: 'http',
      role: sender.toLowerCase(),
      message: {
        es: `El servidor de tokens de la SSA rechazó la solicitud de ${sender} (HTTP ${entry.status}): client_credentials con sus credenciales, por HTTP Basic o en el cuerpo`,
        en: `The SSA token endpoint refused ${sender}'s request (HTTP ${entry.status}): client_credentials with its own credentials, by HTTP Basic or in the body`,
      },
    },
  ];
}
