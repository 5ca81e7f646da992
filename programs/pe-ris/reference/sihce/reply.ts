/**
 * How SIHCE writes a FHIR answer: JSON with FHIR's media type, and an OperationOutcome naming the rule that refused.
 */
import type Hapi from '@hapi/hapi';
import { type Finding, toOperationOutcome } from '../../../../src/findings/finding.ts';
import { jsonTextResponse } from '../../../../src/mock/mock-server.ts';
import { refusalStatus } from '../../judges/triage-check.ts';

export const FHIR_JSON = 'application/fhir+json';

export function reply(h: Hapi.ResponseToolkit, status: number, body: unknown, headers: Record<string, string> = {}): Hapi.ResponseObject {
  const r = h
    .response(body as object)
    .code(status)
    .type(FHIR_JSON);
  for (const [k, v] of Object.entries(headers)) r.header(k, v);
  return r;
}

/** `reply` for a body SIHCE holds as JSON text already (a stored resource's): sent and journaled as that JSON. */
export function replyJsonText(h: Hapi.ResponseToolkit, status: number, text: string, headers: Record<string, string> = {}): Hapi.ResponseObject {
  const r = jsonTextResponse(h, text, FHIR_JSON).code(status);
  for (const [k, v] of Object.entries(headers)) r.header(k, v);
  return r;
}

export const refuse = (h: Hapi.ResponseToolkit, findings: Finding[]): Hapi.ResponseObject => reply(h, refusalStatus(findings), toOperationOutcome(findings));
