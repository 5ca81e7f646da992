import type { Finding } from '../../../src/findings/finding.ts';
import { pgsSchemas } from '../lib/schemas.ts';
import type { Acuse } from '../lib/types.ts';

/**
 * Checks of the API contract that every response must meet, whatever the scenario is about.
 * Their ids are in profiles/mx-pgs/rules.json next to the business rules.
 */
export const CONTRACT_RULES = {
  responseSchema: 'PGS-API-01',
  messageIdEcho: 'PGS-API-02',
  statusConsistency: 'PGS-API-05',
} as const;

export type ResponseKind = 'acuse' | 'respuesta-consulta' | 'respuesta-busqueda' | 'consulta-indice';

export function checkResponse(opts: {
  status: number;
  body: unknown;
  text: string;
  kind: ResponseKind;
  sentMessageId?: string;
  headerMessageId?: string;
  /** The answer's Content-Type header, when the caller saw the headers. */
  contentType?: string;
}): Finding[] {
  const mediaFindings = opts.contentType === undefined ? [] : checkContentType(opts.contentType);
  if (opts.body === undefined) {
    return [
      {
        ruleId: CONTRACT_RULES.responseSchema,
        severity: 'error',
        code: 'structure',
        location: '',
        locationKind: 'json-pointer',
        message: {
          es: `La respuesta HTTP ${opts.status} no es JSON: ${truncate(opts.text)}`,
          en: `HTTP ${opts.status} response is not JSON: ${truncate(opts.text)}`,
        },
      },
      ...mediaFindings,
    ];
  }
  const findings = [...mediaFindings, ...pgsSchemas().validate(opts.kind, opts.body, CONTRACT_RULES.responseSchema)];
  const acuse = (opts.body as { acuse?: Partial<Acuse> }).acuse;
  if (opts.sentMessageId && acuse && acuse.messageId !== opts.sentMessageId) {
    findings.push({
      ruleId: CONTRACT_RULES.messageIdEcho,
      severity: 'error',
      code: 'value',
      location: '/acuse/messageId',
      locationKind: 'json-pointer',
      message: {
        es: `El acuse debe repetir el X-Message-Id enviado (${opts.sentMessageId}); trae ${String(acuse.messageId)}`,
        en: `The acuse must echo the X-Message-Id sent (${opts.sentMessageId}); it carries ${String(acuse.messageId)}`,
      },
    });
  }
  if (acuse?.estatus && (acuse.estatus === 'ACEPTADO') !== (opts.status >= 200 && opts.status < 300)) {
    findings.push({
      ruleId: CONTRACT_RULES.statusConsistency,
      severity: 'error',
      code: 'invalid',
      location: '/acuse/estatus',
      locationKind: 'json-pointer',
      message: {
        es: `Estatus ${acuse.estatus} con HTTP ${opts.status}: ACEPTADO va con 2xx y RECHAZADO con 4xx/5xx`,
        en: `Status ${acuse.estatus} with HTTP ${opts.status}: ACEPTADO goes with 2xx and RECHAZADO with 4xx/5xx`,
      },
    });
  }
  return findings;
}

/**
 * Contract v1.1: every answer is `application/json; charset=utf-8`. Media type and charset compare case-insensitively,
 * parameters in any order and spacing; a missing charset is UTF-8 for JSON anyway (RFC 8259 §8.1), so only a warning.
 */
export function checkContentType(contentType: string): Finding[] {
  const [media = '', ...params] = contentType.split(';').map((part) => part.trim());
  const charset = params.map((p) => /^charset\s*=\s*"?([^";]*)"?$/i.exec(p)?.[1]).find((value) => value !== undefined);
  const problem = (severity: 'error' | 'warning', es: string, en: string): Finding[] => [
    { ruleId: CONTRACT_RULES.responseSchema, severity, code: 'structure', location: 'header:Content-Type', locationKind: 'http', message: { es, en } },
  ];
  if (media.toLowerCase() !== 'application/json') {
    return problem(
      'error',
      `La respuesta debe ser application/json; charset=utf-8; llegó Content-Type «${contentType}»`,
      `The answer must be application/json; charset=utf-8; Content-Type was "${contentType}"`,
    );
  }
  if (charset === undefined) {
    return problem('warning', 'Content-Type sin charset: se lee como UTF-8 (RFC 8259)', 'Content-Type without charset: read as UTF-8 (RFC 8259)');
  }
  if (!/^utf-?8$/i.test(charset.trim())) {
    return problem('error', `El charset de la respuesta debe ser utf-8; llegó «${charset}»`, `The answer's charset must be utf-8; it was "${charset}"`);
  }
  return [];
}

const truncate = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
