import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CERTIFICATION_FILE, CERTIFICATION_SIGNATURE_FILE, type Certification } from '../certification.ts';
import { signDetached } from './jws.ts';
import type { SigningKey } from './keys.ts';
import { signedPayload } from './strict-json.ts';
import { hashCertificationRoot } from './verify-certification.ts';

/**
 * Signs a certification directory whose program run directories are already signed (by the same key) and whose other
 * files (index.html, …) are already written: lists those files with their SHA-256 in certification.json, then
 * writes it and its detached signature. Anything written to the root afterwards is EXTRA to `sello verify`.
 */
export async function signCertification(root: string, cert: Certification, key: SigningKey): Promise<Certification> {
  const programDirs = cert.programs.filter((p) => p.reportSha256 !== undefined).map((p) => p.directory);
  const signed: Certification = {
    ...cert,
    integrity: {
      algorithm: 'SHA-256',
      files: await hashCertificationRoot(root, programDirs),
      signature: { file: CERTIFICATION_SIGNATURE_FILE, alg: 'EdDSA', key: key.kind, keyThumbprint: key.thumbprint },
    },
  };
  const text = `${JSON.stringify(signed, null, 2)}\n`;
  await writeFile(path.join(root, CERTIFICATION_FILE), text);
  await writeFile(path.join(root, CERTIFICATION_SIGNATURE_FILE), `${await signDetached(signedPayload(text), key, CERTIFICATION_FILE)}\n`);
  return signed;
}
