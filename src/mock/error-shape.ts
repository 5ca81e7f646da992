/**
 * How a mock server answers the failures hapi raises itself — unknown route, malformed or oversized body, unsupported
 * media type, a handler's Boom, a crash — so a client always gets its protocol's own error and never hapi's JSON:
 * a JSON body (the default), a FHIR OperationOutcome, or a SOAP 1.1 / 1.2 Fault with its content type.
 */
import type Hapi from '@hapi/hapi';
import { soapFault12 } from '../soap/fault.ts';
import { SOAP11_NS, SOAP12_NS } from '../soap/namespaces.ts';

export interface ErrorShape {
  /** The HTTP status to answer for an error of `status` (the status itself unless the protocol says otherwise). */
  status?(status: number): number;
  /** Content type of the body, e.g. `application/soap+xml; charset=utf-8`. */
  contentType: string;
  /** The body: an object is sent as JSON, a string as is. `message` never carries a 5xx's internals. */
  body(status: number, message: string, request: Hapi.Request): string | object;
}

type Render<T> = (status: number, message: string, request: Hapi.Request) => T;

/** A JSON error body; by default `{ "error": { "status": 404, "message": "Not Found" } }`. */
export function jsonError(body: Render<object> = (status, message) => ({ error: { status, message } })): ErrorShape {
  return { contentType: 'application/json; charset=utf-8', body };
}

/** The OperationOutcome issue type that fits an HTTP error status. */
export function issueTypeOf(status: number): string {
  if (status >= 500) return 'exception';
  if (status === 401 || status === 403) return 'security';
  if (status === 404) return 'not-found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 413) return 'too-costly';
  if (status === 415 || status === 405) return 'not-supported';
  return 'invalid';
}

/** A FHIR OperationOutcome (`application/fhir+json`); a program may build its own, e.g. with its rule ids and languages. */
export function fhirOperationOutcome(
  outcome: Render<object> = (status, message) => ({
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: issueTypeOf(status), diagnostics: message }],
  }),
): ErrorShape {
  return { contentType: 'application/fhir+json; charset=utf-8', body: outcome };
}

export const SOAP_ENVELOPE_NS = { '1.1': SOAP11_NS, '1.2': SOAP12_NS } as const;

export interface SoapFaultOptions {
  /** Language of the fault's reason text (SOAP 1.2 requires one). Default `en`. */
  lang?: string;
  /** The fault's detail, an XML fragment the program vouches for (e.g. its own error element); none by default. */
  detail?: Render<string | undefined>;
}

/**
 * A SOAP Fault. SOAP 1.1 (`text/xml`): faultcode `soap:Client` for the caller's errors, `soap:Server` for ours, always
 * HTTP 500 as WS-I Basic Profile 1.1 (R1126) requires. SOAP 1.2 (`application/soap+xml`): `env:Sender` or
 * `env:Receiver`, the HTTP status kept (the SOAP 1.2 HTTP binding answers a sender's fault with 4xx), written by
 * src/soap/fault.ts, which a SOAP 1.2 endpoint (src/soap/soap-route.ts) answers its own faults with.
 */
export function soapFault(version: '1.1' | '1.2', options: SoapFaultOptions = {}): ErrorShape {
  const lang = escapeXml(options.lang ?? 'en');
  const ns = SOAP_ENVELOPE_NS[version];
  if (version === '1.1') {
    return {
      status: () => 500,
      contentType: 'text/xml; charset=utf-8',
      body: (status, message, request) => {
        const detail = options.detail?.(status, message, request);
        return (
          `<?xml version="1.0" encoding="UTF-8"?>\n<soap:Envelope xmlns:soap="${ns}"><soap:Body><soap:Fault>` +
          `<faultcode>soap:${status >= 500 ? 'Server' : 'Client'}</faultcode><faultstring xml:lang="${lang}">${escapeXml(message)}</faultstring>` +
          `${detail === undefined ? '' : `<detail>${detail}</detail>`}</soap:Fault></soap:Body></soap:Envelope>`
        );
      },
    };
  }
  return {
    status: (status) => (status >= 500 ? 500 : status),
    contentType: 'application/soap+xml; charset=utf-8',
    body: (status, message, request) => {
      const detail = options.detail?.(status, message, request);
      const reason = { [options.lang ?? 'en']: message };
      return soapFault12({ code: status >= 500 ? 'Receiver' : 'Sender', reason, ...(detail === undefined ? {} : { detail: [{ raw: detail }] }) }).body;
    },
  };
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}
