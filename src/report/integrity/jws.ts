import { CompactSign, decodeProtectedHeader, errors, flattenedVerify } from 'jose';
import { type Ed25519Jwk, jwkThumbprint, type SigningKey } from './keys.ts';

/*
 * Detached JWS (RFC 7515 Appendix F) in compact serialization, `header..signature`, made and checked by jose.
 * The header carries the public key (JWK) so anyone can check consistency; authenticity needs a pinned key.
 */

export interface JwsHeader {
  alg: 'EdDSA';
  typ: 'JOSE';
  cty: 'application/json';
  kid: string;
  jwk: Ed25519Jwk;
  /** Not a registered parameter; tells a reader what the detached payload is (report.json, or certification.json). */
  'sello:payload': string;
}

export interface JwsCheck {
  ok: boolean;
  /** What is wrong, when not ok. */
  problem?: string;
  header?: JwsHeader;
  thumbprint?: string;
  /** The signature checks against one of the keys the reader pinned. */
  pinnedMatch?: boolean;
}

const COMPACT_DETACHED = /^([A-Za-z0-9_-]+)\.\.([A-Za-z0-9_-]+)$/;
const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

export async function signDetached(payload: Uint8Array, key: SigningKey, payloadName = 'report.json'): Promise<string> {
  const header: JwsHeader = { alg: 'EdDSA', typ: 'JOSE', cty: 'application/json', kid: key.thumbprint, jwk: key.publicJwk, 'sello:payload': `RFC8785(${payloadName})` };
  const compact = await new CompactSign(payload).setProtectedHeader({ ...header }).sign(key.privateKey);
  const [h, , s] = compact.split('.');
  return `${h}..${s}`;
}

const isEd25519Jwk = (j: unknown): j is Ed25519Jwk => {
  const k = j as Partial<Ed25519Jwk> | undefined;
  return k?.kty === 'OKP' && k.crv === 'Ed25519' && typeof k.x === 'string';
};

/**
 * Checks a detached JWS over `payload`. With `pinned` keys, the signature must check against one of them (the
 * header's key is ignored); without, against the key in the header, which proves consistency only.
 * The file may end with a newline; any other byte around the JWS is refused.
 */
export async function verifyDetached(jwsText: string, payload: Uint8Array, pinned?: Ed25519Jwk | readonly Ed25519Jwk[]): Promise<JwsCheck> {
  const m = COMPACT_DETACHED.exec(jwsText.replace(/\r?\n$/, ''));
  if (!m) return { ok: false, problem: 'not a detached JWS in compact serialization (header..signature)' };
  const [, h = '', s = ''] = m;
  let header: JwsHeader;
  try {
    header = decodeProtectedHeader(`${h}..${s}`) as unknown as JwsHeader;
  } catch {
    return { ok: false, problem: 'the JWS header is not JSON' };
  }
  if (header.alg !== 'EdDSA') return { ok: false, problem: `unsupported alg ${String(header.alg)} (expected EdDSA)`, header };
  const keys = pinned === undefined ? undefined : Array.isArray(pinned) ? (pinned as readonly Ed25519Jwk[]) : [pinned as Ed25519Jwk];
  const headerThumbprint = isEd25519Jwk(header.jwk) ? jwkThumbprint(header.jwk) : undefined;
  let jwk: Ed25519Jwk | undefined;
  if (keys) {
    jwk = keys.find((k) => jwkThumbprint(k) === headerThumbprint) ?? keys.find((k) => jwkThumbprint(k) === header.kid);
    if (!jwk) {
      const names = keys.map((k) => jwkThumbprint(k)).join(', ');
      return { ok: false, problem: `signed by key ${headerThumbprint ?? header.kid ?? '?'}, not by the expected key ${names}`, header, ...(headerThumbprint ? { thumbprint: headerThumbprint } : {}) };
    }
  } else {
    if (!isEd25519Jwk(header.jwk)) return { ok: false, problem: 'no Ed25519 public key in the JWS header and none given', header };
    jwk = header.jwk;
  }
  const thumbprint = jwkThumbprint(jwk);
  try {
    await flattenedVerify({ protected: h, payload: b64url(payload), signature: s }, { ...jwk }, { algorithms: ['EdDSA'] });
  } catch (error) {
    const signed = /^RFC8785\((.+)\)$/.exec(String(header['sello:payload'] ?? ''))?.[1] ?? 'report.json';
    const problem = error instanceof errors.JWSSignatureVerificationFailed ? `the signature does not match the content of ${signed}` : `signature check failed: ${(error as Error).message}`;
    return { ok: false, problem, header, thumbprint };
  }
  if (header.kid !== undefined && header.kid !== thumbprint) return { ok: false, problem: `the header names key ${header.kid} but the signature is by ${thumbprint}`, header, thumbprint };
  return { ok: true, header, thumbprint, pinnedMatch: keys !== undefined };
}
