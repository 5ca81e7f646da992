/**
 * Detached XML signatures (XMLDSig) over an external file's bytes: the ds:Reference names the file by URI and has no
 * Transforms, so its DigestValue is the digest of the file's octets as they travel (XMLDSig core §4.4.3.2: a URI
 * dereferenced to an octet stream with no transforms is digested as is). SignedInfo is canonicalized with exclusive
 * c14n and signed with RSA-SHA256; the signer's certificate travels in KeyInfo/X509Data.
 *
 * xml-crypto's SignedXml resolves References only inside the XML it is given (same-document URIs), so it cannot digest
 * an external file. Sello therefore takes from xml-crypto what does not depend on that: loading and structure checks of
 * the signature (loadSignature), exclusive c14n of SignedInfo, the signature algorithm implementations and the
 * certificate from KeyInfo; it digests the file's bytes itself with node:crypto (xml-crypto's hash classes take a
 * string, which would re-encode bytes that are not UTF-8). Any algorithm xml-crypto does not implement (GOST among
 * them) answers `unknown-algorithm` naming its URI, never a crash.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { ExclusiveCanonicalization, SignedXml } from 'xml-crypto';
import type { LocalizedText } from '../findings/finding.ts';
import { parseXml } from './dom.ts';

export const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';

/** The digests Sello computes over the file's bytes, by their XMLDSig URIs. */
const DIGESTS: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  [SHA256]: 'sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

/** A signature is a few kilobytes (one certificate): anything far larger is refused before parsing. */
export const MAX_SIGNATURE_BYTES = 1024 * 1024;
const MAX_SIGNATURE_DEPTH = 32;

export interface SigningKey {
  privateKeyPem: string;
  certificatePem: string;
}

export interface SignDetachedOptions {
  algorithm?: 'rsa-sha256';
  /** The URI the Reference names the file by; a detached signature must not use '' or '#…' (same-document). */
  referenceUri?: string;
}

export type DetachedFailure = 'unknown-algorithm' | 'bad-signature' | 'digest-mismatch' | 'malformed' | 'no-certificate';

export type DetachedVerification = { ok: true; certificatePem: string; signatureAlgorithm: string } | { ok: false; reason: DetachedFailure; algorithm?: string; message: LocalizedText };

const base64Body = (pem: string): string => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');

const escapeAttribute = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** A ds:Signature text signing `content` as an external resource. */
export function signDetached(content: Buffer, key: SigningKey, options: SignDetachedOptions = {}): string {
  const uri = options.referenceUri ?? 'document.xml';
  const digest = createHash('sha256').update(content).digest('base64');
  const signedInfo =
    `<ds:SignedInfo xmlns:ds="${DSIG_NS}"><ds:CanonicalizationMethod Algorithm="${EXC_C14N}"/>` +
    `<ds:SignatureMethod Algorithm="${RSA_SHA256}"/><ds:Reference URI="${escapeAttribute(uri)}">` +
    `<ds:DigestMethod Algorithm="${SHA256}"/><ds:DigestValue>${digest}</ds:DigestValue></ds:Reference></ds:SignedInfo>`;
  const signedInfoElement = new DOMParser().parseFromString(signedInfo, 'text/xml').documentElement as Element;
  const canonical = new ExclusiveCanonicalization().process(signedInfoElement as unknown as globalThis.Element, {});
  const signer = new (new SignedXml().SignatureAlgorithms[RSA_SHA256] as NonNullable<SignedXml['SignatureAlgorithms'][string]>)();
  const value = signer.getSignature(canonical, key.privateKeyPem);
  return (
    `<ds:Signature xmlns:ds="${DSIG_NS}">${canonical.replace(` xmlns:ds="${DSIG_NS}"`, '')}` +
    `<ds:SignatureValue>${value}</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>` +
    `${base64Body(key.certificatePem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>`
  );
}

const failure = (reason: DetachedFailure, en: string, ru: string, algorithm?: string): DetachedVerification => ({
  ok: false,
  reason,
  ...(algorithm !== undefined ? { algorithm } : {}),
  message: { en, ru },
});

const dsChildren = (parent: Element, local: string): Element[] =>
  Array.from(parent.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === DSIG_NS && (n as Element).localName === local);

const algorithmOf = (parent: Element, local: string): string | undefined => dsChildren(parent, local)[0]?.getAttribute('Algorithm') ?? undefined;

/** Checks `signatureXml` as a detached signature over `content`. Never throws: whatever is wrong comes back as a reason. */
export function verifyDetached(content: Buffer, signatureXml: string): DetachedVerification {
  const parsed = parseXml(signatureXml, { maxBytes: MAX_SIGNATURE_BYTES, maxDepth: MAX_SIGNATURE_DEPTH });
  const root = parsed.document?.documentElement;
  if (!root) {
    const why = parsed.findings[0]?.message ?? { en: 'empty', ru: 'пусто' };
    return failure('malformed', `The signature cannot be parsed: ${why.en}`, `Подпись не разбирается: ${why.ru ?? why.en}`);
  }
  if (root.namespaceURI !== DSIG_NS || root.localName !== 'Signature') {
    return failure('malformed', `The signature's root is ${root.tagName}, not ds:Signature`, `Корневой элемент подписи ${root.tagName}, а не ds:Signature`);
  }
  const signedInfo = dsChildren(root, 'SignedInfo');
  const references = signedInfo.length === 1 ? dsChildren(signedInfo[0] as Element, 'Reference') : [];
  if (signedInfo.length !== 1 || references.length !== 1) {
    return failure('malformed', 'A detached signature needs exactly one SignedInfo with one Reference', 'Открепленная подпись должна содержать один SignedInfo с одной ссылкой Reference');
  }
  const info = signedInfo[0] as Element;
  const reference = references[0] as Element;
  const signatureAlgorithm = algorithmOf(info, 'SignatureMethod') ?? '';
  const c14n = algorithmOf(info, 'CanonicalizationMethod') ?? '';
  const digestAlgorithm = algorithmOf(reference, 'DigestMethod') ?? '';
  const xml = new SignedXml();
  for (const [uri, known] of [
    [signatureAlgorithm, signatureAlgorithm in xml.SignatureAlgorithms && !signatureAlgorithm.includes('hmac')],
    [digestAlgorithm, digestAlgorithm in DIGESTS],
    [c14n, c14n in xml.CanonicalizationAlgorithms],
  ] as const) {
    if (!known) return failure('unknown-algorithm', `Unsupported algorithm ${uri || '(none)'}`, `Неподдерживаемый алгоритм ${uri || '(не указан)'}`, uri);
  }
  const referenceUri = reference.getAttribute('URI') ?? '';
  if (referenceUri === '' || referenceUri.startsWith('#') || dsChildren(reference, 'Transforms').length > 0) {
    return failure(
      'malformed',
      `The Reference (URI "${referenceUri}") is not detached: it must name the file and carry no Transforms`,
      `Ссылка Reference (URI "${referenceUri}") не открепленная: она должна указывать на файл и не содержать Transforms`,
    );
  }
  try {
    // loadSignature applies xml-crypto's own structural checks (one SignedInfo, DigestValue present, …).
    xml.loadSignature(root as unknown as globalThis.Node);
  } catch (error) {
    const why = (error as Error).message;
    return failure('malformed', `The signature cannot be read: ${why}`, `Подпись не читается: ${why}`);
  }
  const stated = Buffer.from(dsChildren(reference, 'DigestValue')[0]?.textContent?.trim() ?? '', 'base64');
  const actual = createHash(DIGESTS[digestAlgorithm] as string)
    .update(content)
    .digest();
  if (stated.length !== actual.length || !timingSafeEqual(stated, actual)) {
    return failure('digest-mismatch', "The file's digest differs from the signed DigestValue", 'Хеш файла не совпадает с подписанным DigestValue');
  }
  const keyInfo = dsChildren(root, 'KeyInfo')[0];
  const certificatePem = keyInfo ? SignedXml.getCertFromKeyInfo(keyInfo as unknown as globalThis.Node) : null;
  if (!certificatePem) return failure('no-certificate', 'The signature carries no X509Certificate', 'Подпись не содержит сертификата X509Certificate');
  try {
    const canonical = xml.getCanonXml([c14n], info as unknown as globalThis.Node);
    const value = dsChildren(root, 'SignatureValue')[0]?.textContent?.replace(/\s+/g, '') ?? '';
    const verifier = new (xml.SignatureAlgorithms[signatureAlgorithm] as NonNullable<SignedXml['SignatureAlgorithms'][string]>)();
    if (verifier.verifySignature(canonical, certificatePem, value)) return { ok: true, certificatePem, signatureAlgorithm };
    return failure('bad-signature', 'The SignatureValue does not verify with the certificate', 'Значение подписи не проверяется сертификатом');
  } catch (error) {
    const why = (error as Error).message;
    return failure('bad-signature', `The signature cannot be verified: ${why}`, `Подпись не проверяется: ${why}`);
  }
}
