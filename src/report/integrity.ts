import { hashFiles } from './integrity/files.ts';
import type { SigningKey } from './integrity/keys.ts';
import { listRunFiles, SIGNATURE_FILE } from './integrity/verify-run.ts';
import type { IntegrityFile, IntegrityInfo } from './model.ts';

/*
 * Evidence integrity: report.json lists the SHA-256 of every other file of the run directory, and is signed
 * with Ed25519 as a detached JWS (RFC 7515 Appendix F, made by jose) in report.json.jws. The signed payload is the
 * RFC 8785 canonical form of report.json (the `canonicalize` package), so re-indenting or a CRLF checkout does not
 * break it; the reader parses signed JSON strictly (no BOM, no duplicate member, nothing after the document), so no
 * byte outside that form carries meaning. The parts live in ./integrity/; this module is their one entry point.
 */

export { signCertification } from './integrity/certification-writer.ts';
export { compareWithManifest, type FileCheck, type FileStatus, hashFiles, type Listing, listDirectory, type Refused, sha256File } from './integrity/files.ts';
export { type JwsCheck, type JwsHeader, signDetached, verifyDetached } from './integrity/jws.ts';
export {
  type Ed25519Jwk,
  ephemeralKey,
  generateKeyPairPem,
  jwkThumbprint,
  KeyError,
  loadPublicKey,
  loadSigningKey,
  loadTrustDir,
  publicJwkOf,
  type SigningKey,
  signingKeyOf,
} from './integrity/keys.ts';
export { canonicalJson, parseStrictJson, StrictJsonError, signedPayload } from './integrity/strict-json.ts';
export {
  type CertificationVerification,
  hashCertificationRoot,
  isCertificationDirectory,
  listCertificationRoot,
  type ProgramCheck,
  verifyCertificationDirectory,
} from './integrity/verify-certification.ts';
export {
  DERIVED_DIRS,
  type Expectations,
  listRunFiles,
  REPORT_FILE,
  type RunFacts,
  type RunVerification,
  SIGNATURE_FILE,
  type Verdict,
  verifyRunDirectory,
} from './integrity/verify-run.ts';

/** Every regular file of a run directory except report.json, its signature and derived output, hashed. */
export async function hashRunFiles(dir: string): Promise<IntegrityFile[]> {
  return hashFiles(dir, await listRunFiles(dir));
}

/**
 * The `integrity` block of a report.json signed with `key` (a run's report, a merged shard report): its `files` are
 * filled in once the directory is written.
 */
export function integrityInfo(key: SigningKey, notCovered: IntegrityInfo['notCovered'] = []): IntegrityInfo {
  return {
    algorithm: 'SHA-256',
    files: [],
    signature: {
      file: SIGNATURE_FILE,
      format: 'JWS compact serialization, detached payload (RFC 7515 Appendix F)',
      alg: 'EdDSA',
      payload: 'RFC 8785 canonical JSON of report.json',
      key: key.kind,
      keyThumbprint: key.thumbprint,
    },
    notCovered,
  };
}
