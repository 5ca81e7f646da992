/**
 * Bundle.signature as a JWS (datatypes.html#Signature: sigFormat application/jose, data the base64 signature;
 * json.html#canonical: what a FHIR JSON signature covers). A JWS that carries its payload signs that payload:
 * when the payload is a FHIR resource that is not this Bundle, the signature does not sign the Bundle it is in.
 *
 * Compared as JSON, not as bytes, and without what the canonicalizations may leave out (Bundle.id, Bundle.meta,
 * Bundle.signature, the entries' meta.versionId and meta.lastUpdated): a payload that differs only in
 * serialization or in those parts is accepted, so Sello never refuses what some reading of the spec signs.
 * Detached payloads (RFC 7515 appendix F) and XML signatures are not checked.
 */
import type { Finding } from '../../../findings/finding.ts';
import { deepEqual, isObject } from '../json.ts';
import { issue, RULE, text } from '../messages.ts';

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The Bundle without what a FHIR signature canonicalization may exclude. */
function signedContent(bundle: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, meta: _meta, signature: _signature, ...rest } = bundle;
  if (!Array.isArray(rest.entry)) return rest;
  rest.entry = rest.entry.map((e) => {
    if (!isObject(e) || !isObject(e.resource) || !isObject(e.resource.meta)) return e;
    const { versionId: _v, lastUpdated: _l, ...meta } = e.resource.meta;
    const resource = { ...e.resource };
    if (Object.keys(meta).length > 0) resource.meta = meta;
    else delete resource.meta;
    return { ...e, resource };
  });
  return rest;
}

export function checkBundleSignature(bundle: Record<string, unknown>, path: string, findings: Finding[]): void {
  const sig = bundle.signature;
  if (!isObject(sig) || sig.sigFormat !== 'application/jose' || typeof sig.data !== 'string') return;
  if (typeof sig.targetFormat === 'string' && !sig.targetFormat.startsWith('application/fhir+json') && !sig.targetFormat.startsWith('application/json')) return;
  const jws = Buffer.from(sig.data, 'base64').toString('utf8').split('.');
  if (jws.length !== 3 || !jws[1]) return;
  const header = decodeJson(jws[0]!);
  if (!isObject(header) || header.b64 === false) return;
  const payload = decodeJson(jws[1]);
  if (!isObject(payload) || typeof payload.resourceType !== 'string') return;
  if (deepEqual(signedContent(payload), signedContent(bundle))) return;
  findings.push(
    issue(
      RULE.bundleSignaturePayload,
      'error',
      'value',
      `${path}.signature`,
      text(
        'The signature cannot be valid because the content it signs (its JWS payload) is not this Bundle',
        'La firma no puede ser válida: el contenido que firma (la carga del JWS) no es este Bundle',
      ),
    ),
  );
}
