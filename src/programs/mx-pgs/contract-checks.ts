import type { Finding } from '../../findings/finding.ts';
import { loadProgramSchemas } from '../../validation/json-schema.ts';
import type { Acuse } from './types.ts';

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
}): Finding[] {
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
    ];
  }
  const findings = loadProgramSchemas('mx-pgs')
    .validate(opts.kind, opts.body, CONTRACT_RULES.responseSchema);
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

const truncate = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
