/**
 * The OperationOutcome every mx-ece FHIR refusal carries (CONTRACT.md): the issue names the rule in
 * `details.coding` (SYSTEM.rules, `RE-nn`) and says why in Spanish, with the English as a translation extension.
 */
import type Hapi from '@hapi/hapi';
import { type ErrorShape, fhirOperationOutcome, issueTypeOf } from '../../../src/mock/error-shape.ts';
import { SYSTEM } from '../lib/contract.ts';

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
const TRANSLATION = 'http://hl7.org/fhir/StructureDefinition/translation';

export interface Refusal {
  /** `RE-nn`, or none for a plain protocol error (an unknown route, a body hapi could not read). */
  rule?: string;
  es: string;
  en: string;
  /** FHIRPath or parameter the refusal is about (a CURP, `_since`). */
  expression?: string;
  code?: string;
}

export function operationOutcome(status: number, refusal: Refusal, severity: 'error' | 'fatal' = 'error'): object {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity,
        code: refusal.code ?? issueTypeOf(status),
        details: {
          ...(refusal.rule ? { coding: [{ system: SYSTEM.rules, code: refusal.rule }] } : {}),
          text: refusal.rule ? `${refusal.rule}: ${refusal.es}` : refusal.es,
          // The translation extension's context is a string element: it goes on text's, not on the CodeableConcept.
          _text: {
            extension: [
              {
                url: TRANSLATION,
                extension: [
                  { url: 'lang', valueCode: 'en' },
                  { url: 'content', valueString: refusal.rule ? `${refusal.rule}: ${refusal.en}` : refusal.en },
                ],
              },
            ],
          },
        },
        ...(refusal.expression ? { expression: [refusal.expression] } : {}),
      },
    ],
  };
}

export function refuse(h: Hapi.ResponseToolkit, status: number, refusal: Refusal): Hapi.ResponseObject {
  return h.response(operationOutcome(status, refusal)).code(status).type(FHIR_JSON);
}

/** hapi's own refusals (unknown route, unreadable body, a crash) as an OperationOutcome too. */
export const eceErrorShape: ErrorShape = fhirOperationOutcome((status, message) =>
  operationOutcome(status, { es: `Petición rechazada (${status}): ${message}`, en: `Request refused (${status}): ${message}` }, status >= 500 ? 'fatal' : 'error'),
);

/** The rule an OperationOutcome names (the first `RE-nn` of its issues), if any. */
export function ruleOf(outcome: unknown): string | undefined {
  const issues = (outcome as { issue?: Array<{ details?: { coding?: Array<{ system?: string; code?: string }>; text?: string } }> } | undefined)?.issue;
  if (!Array.isArray(issues)) return undefined;
  for (const issue of issues) {
    const coded = issue.details?.coding?.find((c) => c.system === SYSTEM.rules && /^RE-\d\d$/.test(c.code ?? ''))?.code;
    if (coded) return coded;
    const inText = /\bRE-\d\d\b/.exec(issue.details?.text ?? '')?.[0];
    if (inText) return inText;
  }
  return undefined;
}
