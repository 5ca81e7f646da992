/**
 * Self-signed RSA certificates for Sello's own signers (reference roles, stand-ins, tests) and reading a certificate's
 * subject and validity. Engine code: subjects are given as OIDs by the caller, this module knows no national profile.
 */
// @peculiar/x509 decorates its ASN.1 classes with TypeScript metadata and throws at import without this polyfill.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
// Reading the subject by OID needs the ASN.1 layer @peculiar/x509 is built on (its Name.toJSON renames known OIDs to
// short names such as CN); both packages are @peculiar/x509's own dependencies, installed with it.
import { AsnConvert } from '@peculiar/asn1-schema';
import { Name as AsnName } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';

export interface SubjectAttribute {
  oid: string;
  value: string;
}

export interface KeyAndCertificate {
  privateKeyPem: string;
  certificatePem: string;
}

export interface SelfSignedOptions {
  notBefore?: Date;
  notAfter?: Date;
  /** Names the key pair to reuse: the same seed gives the same key within a process (RSA key generation is slow). */
  seed?: number | string;
}

export interface CertificateSummary {
  subject: SubjectAttribute[];
  notBefore: Date;
  notAfter: Date;
}

const ALGORITHM = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** Key pairs by seed, for the life of the process: a 2048-bit RSA key takes ~0.1–1 s and suites sign hundreds of files. */
const keyPairs = new Map<string, Promise<CryptoKeyPair>>();

function keyPairFor(seed: number | string | undefined): Promise<CryptoKeyPair> {
  const slot = String(seed ?? 'default');
  let pair = keyPairs.get(slot);
  if (!pair) {
    pair = webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;
    keyPairs.set(slot, pair);
  }
  return pair;
}

const pem = (label: string, der: ArrayBuffer): string =>
  `-----BEGIN ${label}-----\n${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END ${label}-----\n`;

/** A serial number that differs per certificate (RFC 5280: positive, unique per issuer) without randomness in tests. */
let serial = 0;

export async function selfSignedCertificate(subject: SubjectAttribute[], options: SelfSignedOptions = {}): Promise<KeyAndCertificate> {
  const keys = await keyPairFor(options.seed);
  const notBefore = options.notBefore ?? new Date(Date.UTC(2020, 0, 1));
  const notAfter = options.notAfter ?? new Date(Date.UTC(2099, 11, 31));
  serial += 1;
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: `01${serial.toString(16).padStart(8, '0')}`,
    name: new x509.Name(subject.map((a) => ({ [a.oid]: [a.value] }))),
    notBefore,
    notAfter,
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true)],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { privateKeyPem: pem('PRIVATE KEY', pkcs8), certificatePem: certificate.toString('pem') };
}

/** The subject attributes (by OID, in order) and validity of a PEM or base64 DER certificate; throws when it is not one. */
export function readCertificate(pemOrBase64: string): CertificateSummary {
  const certificate = new x509.X509Certificate(pemOrBase64);
  const subject: SubjectAttribute[] = [];
  for (const rdn of AsnConvert.parse(certificate.subjectName.toArrayBuffer(), AsnName)) {
    for (const attribute of rdn) subject.push({ oid: attribute.type, value: attribute.value.toString() });
  }
  return { subject, notBefore: certificate.notBefore, notAfter: certificate.notAfter };
}
