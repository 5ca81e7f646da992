import { writeFile } from 'node:fs/promises';
import { ConfigurationError, EXIT } from '../config/errors.ts';
import { generateKeyPairPem } from '../report/integrity.ts';

/**
 * `sello keygen --out FILE`: an Ed25519 key pair for signing reports: FILE (PKCS#8 PEM private key, mode 0600,
 * for `sello run --signing-key FILE`) and FILE with `.pub.pem` (SPKI PEM, for `sello verify --public-key`).
 */
export async function keygenCommand(options: { out?: string }): Promise<number> {
  const out = options.out;
  if (!out) throw new ConfigurationError('sello keygen needs --out FILE (the private key; the public key goes to FILE.pub.pem)');
  const pub = `${out.replace(/\.pem$/, '')}.pub.pem`;
  const pair = generateKeyPairPem();
  try {
    await writeFile(out, pair.privatePem, { mode: 0o600, flag: 'wx' });
    await writeFile(pub, pair.publicPem, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new ConfigurationError(`${out} or ${pub} already exists; Sello does not overwrite keys`);
    throw new ConfigurationError(`cannot write the key pair: ${(error as Error).message}`);
  }
  console.log(`Private key: ${out} (keep it secret; sello run --signing-key ${out})`);
  console.log(`Public key:  ${pub} (publish it; sello verify --public-key ${pub} reports/<run>)`);
  console.log(`Thumbprint:  ${pair.thumbprint} (RFC 7638)`);
  return EXIT.passed;
}
