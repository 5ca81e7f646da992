import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type KeyAndCertificate, readCertificate, selfSignedCertificate } from '../../src/xml/certificates.ts';
import { signDetached, verifyDetached } from '../../src/xml/dsig.ts';

const FILE = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<doc xmlns="urn:x">текст: 1</doc>\n', 'utf8');
const UNKNOWN_SIGNATURE_URI = 'urn:example:algorithms:unknown-signature';

let key: KeyAndCertificate;
let other: KeyAndCertificate;
before(async () => {
  key = await selfSignedCertificate([{ oid: '2.5.4.3', value: 'Signer' }], { seed: 'dsig-test' });
  other = await selfSignedCertificate([{ oid: '2.5.4.3', value: 'Someone else' }], { seed: 'dsig-test-other' });
});

const reasonOf = (file: Buffer, signature: string): string => {
  const result = verifyDetached(file, signature);
  return result.ok ? 'ok' : result.reason;
};

describe('detached XMLDSig', () => {
  it('a signature verifies over the exact bytes and returns the signer certificate', () => {
    const result = verifyDetached(FILE, signDetached(FILE, key));
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.signatureAlgorithm, 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    assert.equal(readCertificate(result.certificatePem).subject[0]?.value, 'Signer');
  });

  it('the Reference names the external file, carries no Transforms and SignedInfo uses exclusive c14n', () => {
    const signature = signDetached(FILE, key, { referenceUri: 'semd.xml' });
    assert.match(signature, /<ds:Reference URI="semd\.xml">/);
    assert.doesNotMatch(signature, /Transforms/);
    assert.match(signature, /CanonicalizationMethod Algorithm="http:\/\/www\.w3\.org\/2001\/10\/xml-exc-c14n#"/);
  });

  it('one changed byte of the file is a digest mismatch', () => {
    const tampered = Buffer.from(FILE);
    tampered[FILE.indexOf(':')] = ';'.charCodeAt(0);
    assert.equal(reasonOf(tampered, signDetached(FILE, key)), 'digest-mismatch');
  });

  it('a SignatureValue that does not match, or a certificate swapped for another, is a bad signature', () => {
    const signature = signDetached(FILE, key);
    const value = /<ds:SignatureValue>([^<]+)</.exec(signature)?.[1] ?? '';
    const flipped = (value[0] === 'A' ? 'B' : 'A') + value.slice(1);
    assert.equal(reasonOf(FILE, signature.replace(value, flipped)), 'bad-signature');
    const otherBody = other.certificatePem.replace(/-----[^-]+-----|\s/g, '');
    const swapped = signature.replace(/<ds:X509Certificate>[^<]+</, `<ds:X509Certificate>${otherBody}<`);
    assert.equal(reasonOf(FILE, swapped), 'bad-signature');
  });

  it('an algorithm xml-crypto does not implement answers unknown-algorithm with its URI', () => {
    const signature = signDetached(FILE, key).replace('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', UNKNOWN_SIGNATURE_URI);
    const result = verifyDetached(FILE, signature);
    assert.ok(!result.ok);
    assert.equal(result.reason, 'unknown-algorithm');
    assert.equal(result.algorithm, UNKNOWN_SIGNATURE_URI);
    const digest = signDetached(FILE, key).replace('http://www.w3.org/2001/04/xmlenc#sha256', 'urn:example:digest');
    assert.equal(reasonOf(FILE, digest), 'unknown-algorithm');
  });

  it('no KeyInfo certificate is no-certificate', () => {
    const signature = signDetached(FILE, key).replace(/<ds:KeyInfo>.*<\/ds:KeyInfo>/, '');
    assert.equal(reasonOf(FILE, signature), 'no-certificate');
  });

  it('malformed input is a reason, never an exception', () => {
    const signature = signDetached(FILE, key);
    const cases = [
      '',
      '<ds:Signature',
      '<Signature/>',
      '<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
      signature.replace('URI="document.xml"', 'URI=""'),
      signature.replace('URI="document.xml"', 'URI="#id"'),
      signature.replace('<ds:DigestMethod', '<ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod'),
      signature.replace(/<ds:Reference .*<\/ds:Reference>/, ''),
      `<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#">${'<ds:Object>'.repeat(100)}${'</ds:Object>'.repeat(100)}</ds:Signature>`,
    ];
    for (const text of cases) assert.equal(reasonOf(FILE, text), 'malformed', text.slice(0, 80));
  });

  it('the same seed reuses the key pair, so a second certificate is quick and verifies with the same key', async () => {
    const again = await selfSignedCertificate([{ oid: '2.5.4.3', value: 'Signer 2' }], { seed: 'dsig-test' });
    assert.equal(again.privateKeyPem, key.privateKeyPem);
    assert.notEqual(again.certificatePem, key.certificatePem);
  });

  it('readCertificate returns the subject by OID in order and the validity dates', async () => {
    const notBefore = new Date('2024-01-01T00:00:00Z');
    const notAfter = new Date('2025-01-01T00:00:00Z');
    const pem = (
      await selfSignedCertificate(
        [
          { oid: '1.2.3.4.5', value: '00123' },
          { oid: '2.5.4.3', value: 'Иванова Мария' },
        ],
        { notBefore, notAfter, seed: 'dsig-test' },
      )
    ).certificatePem;
    assert.deepEqual(readCertificate(pem), {
      subject: [
        { oid: '1.2.3.4.5', value: '00123' },
        { oid: '2.5.4.3', value: 'Иванова Мария' },
      ],
      notBefore,
      notAfter,
    });
  });
});
