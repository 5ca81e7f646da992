import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64Fragments, filterStrings, MIN_SECRET_LENGTH, secretForms, secretScrubber } from '../../src/util/secret-scrubber.ts';

const SECRET = 'Zq7!s3cr et/+&"<x>\'é';
const R = '[redacted]';
const filter = secretScrubber([SECRET])!;
const scrub = (text: string) => filter(text, 'evidence/x.json');
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

function gone(text: string, label: string): void {
  const out = scrub(text);
  assert.ok(out.includes(R), `${label}: nothing replaced in ${out}`);
  for (const form of secretForms(SECRET)) assert.ok(!out.includes(form), `${label}: ${form} left in ${out}`);
}

test('plain', () => {
  assert.equal(scrub(`x ${SECRET} y`), `x ${R} y`);
  assert.equal(scrub(`${SECRET}${SECRET}`), `${R}${R}`);
});

test('JSON-string-escaped, once and nested (a body inside an exchange inside a cucumber attachment)', () => {
  const once = JSON.stringify({ client_id: 'c', body: SECRET });
  assert.equal(scrub(once), JSON.stringify({ client_id: 'c', body: R }));
  const twice = JSON.stringify({ attachment: once });
  gone(twice, 'nested');
  assert.ok(!scrub(twice).includes('Zq7'));
  gone(JSON.stringify(JSON.stringify({ attachment: twice })), 'three levels');
  gone(`"${JSON.stringify(SECRET).slice(1, -1).replace('é', '\\u00e9')}"`, 'ASCII-only JSON');
  // report.html embeds its data as JSON with <, > and & escaped (embedJson).
  gone(`<script type="application/json">${JSON.stringify({ s: SECRET }).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')}</script>`, 'HTML-embedded JSON');
});

test('URL-encoded: component, form with +, URLSearchParams, lower-case hex', () => {
  gone(`http://h/x?secret=${encodeURIComponent(SECRET)}&a=1`, 'encodeURIComponent');
  gone(`grant_type=client_credentials&client_secret=${encodeURIComponent(SECRET).replace(/%20/g, '+')}`, 'form +');
  gone(new URLSearchParams({ client_secret: SECRET, a: 'b' }).toString(), 'URLSearchParams');
  gone(`p=${encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase())}`, 'lower-case hex');
});

test('base64 and base64url of the value alone: decoded, scrubbed, encoded again', () => {
  assert.equal(scrub(`token ${b64(SECRET)} end`), `token ${b64(R)} end`);
  assert.equal(scrub(`token ${b64url(SECRET)} end`), `token ${b64url(R)} end`);
  const unpadded = scrub(`"${b64(SECRET).replace(/=+$/, '')}"`);
  assert.equal(Buffer.from(unpadded.slice(1, -1), 'base64').toString('utf8'), R, unpadded);
  // Too short to be decoded as a run of its own (a 4-character value): replaced as it is.
  const f = secretScrubber(['k9Q#'])!;
  assert.equal(f(`x ${b64('k9Q#')} y`, 'f'), `x ${R} y`);
});

test('any Basic credential whose decoded form holds the value: user:value, value:x, value in the middle', () => {
  for (const credential of [`client:${SECRET}`, `${SECRET}:x`, `a${SECRET}b:c`, `ab:${SECRET}`, `abc:${SECRET}`]) {
    const header = `authorization: Basic ${b64(credential)}`;
    assert.equal(scrub(header), `authorization: Basic ${R}`, credential);
    assert.equal(scrub(`"Authorization":"basic ${b64url(credential)}"`), `"Authorization":"basic ${R}"`, credential);
  }
  const other = `authorization: Basic ${b64('client:not-the-secret')}`;
  assert.equal(scrub(other), other, 'another credential is not touched');
});

test('base64 text (an attachment) holding the value in any of its forms is decoded, scrubbed and encoded again', () => {
  for (const [k, inner] of [
    ['plain', `{"body":"grant_type=client_credentials&client_secret=${encodeURIComponent(SECRET)}"}`],
    ['offset 1', `x${SECRET}`],
    ['offset 2', `xy${SECRET} and more`],
    ['JSON', JSON.stringify({ echo: SECRET })],
  ] as const) {
    const out = scrub(`{"body":"${b64(inner)}","contentEncoding":"BASE64"}`);
    const decoded = Buffer.from(JSON.parse(out).body, 'base64').toString('utf8');
    assert.ok(decoded.includes(R), `${k}: ${decoded}`);
    for (const form of secretForms(SECRET)) assert.ok(!decoded.includes(form), `${k}: ${decoded}`);
  }
});

test('binary base64 holding the value loses the fragments', () => {
  const bytes = Buffer.concat([Buffer.from([0xff, 0xfe, 0x00]), Buffer.from(`k${SECRET}`), Buffer.from([0xc3])]);
  const out = scrub(bytes.toString('base64'));
  assert.ok(out.includes(R), out);
  for (const fragment of base64Fragments(Buffer.from(SECRET))) if (fragment.length >= 6) assert.ok(!out.includes(fragment), out);
});

test('HTML- and XML-escaped (report.html, junit.xml), also of the JSON-escaped form', () => {
  const html = (s: string, apos: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, apos);
  gone(`<td>${html(SECRET, '&#39;')}</td>`, 'html');
  gone(`<failure message="${html(SECRET, '&apos;')}"/>`, 'xml');
  gone(`<pre>${html(JSON.stringify({ s: SECRET }), '&#39;')}</pre>`, 'html of JSON');
});

test('values shorter than the minimum are not looked for, a multi-line value line by line too', () => {
  assert.equal(MIN_SECRET_LENGTH, 4);
  assert.equal(secretScrubber(['1', 'on', 'abc', '']), undefined, 'nothing to look for: no filter');
  const f = secretScrubber(['abc', 'abcd'])!;
  assert.equal(f('abc abcd 1', 'f'), `abc ${R} 1`);
  const pem = '-----BEGIN KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEF\nAASCAUAwggE8AgEAAkEAq7BFUpkGp3+\n-----END KEY-----';
  const g = secretScrubber([pem])!;
  assert.equal(g('MIIBVgIBADANBgkqhkiG9w0BAQEF', 'f'), R);
  assert.equal(g(JSON.stringify(pem), 'f'), `"${R}"`);
});

test('text without a secret is returned as it is', () => {
  const text = `{"hash":"${'ab'.repeat(32)}","sig":"${b64('unrelated binary-ish signature bytes here')}","url":"http://h/a/b/c-d_e"}`;
  assert.equal(scrub(text), text);
});

test('filterStrings filters every string of a JSON value and keeps it valid JSON (certification.json)', () => {
  const f = secretScrubber(['2026', 'Sekret-77'])!;
  const value = { year: 2026, reason: { en: 'Not run: @Sekret-77 in 2026' }, list: ['Sekret-77', true, null], 'Sekret-77': 1 };
  const shown = filterStrings(value, f, 'certification.json');
  assert.deepEqual(shown, { year: 2026, reason: { en: `Not run: @${R} in ${R}` }, list: [R, true, null], [R]: 1 });
  assert.equal(filterStrings(value, undefined, 'x'), value);
});

test('HL7 v2-escaped (a secret in a v2 field) and URL-encoded twice', () => {
  const f = secretScrubber(['ab|c^d&e~f\\g'])!;
  assert.equal(f('PID|1||ab\\F\\c\\S\\d\\T\\e\\R\\f\\E\\g||', 'f'), `PID|1||${R}||`);
  assert.equal(f(`next=${encodeURIComponent(`http://h/?k=${encodeURIComponent('ab|c^d&e~f\\g')}`)}`, 'f'), `next=${encodeURIComponent('http://h/?k=')}${R}`);
});
