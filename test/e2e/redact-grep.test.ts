import assert from 'node:assert/strict';
import { readdir, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { after, test } from 'node:test';
import { verifyRunDirectory } from '../../src/report/integrity.ts';
import { removeTempDir, runSello, tempDir } from './sello-process.ts';

/*
 * Issue 10 item 5: a redacted run of every program leaks none of the persons it generated. The same seed is run twice,
 * raw and with --redact (a run is deterministic for a seed: the same synthetic people); every identifier, name, birth
 * date, postal code and street line the raw run's messages carry is read back by this test's own reading of the bodies (not the
 * redactor's), then looked for in every file of the redacted run directory, plain, URL-encoded and HTML-escaped.
 */

// Not date-like: a seed that reads as somebody's birth date would be shortened in report.json like one.
const SEED = '42';
const PROGRAMS = ['mx-pgs', 'pe-ris', 'mx-ece', 'ru-egisz'];

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await removeTempDir(d);
});

const ID_FIELDS = new Set(['curp', 'curpanterior', 'titularcurp', 'rfc', 'nss', 'numeroafiliacion', 'dni', 'snils', 'patientsnils']);
const NAME_FIELDS = new Set(['nombre', 'nombres', 'primerapellido', 'segundoapellido', 'apellidopaterno', 'apellidomaterno', 'apellido1', 'apellido2', 'given', 'family', 'patronymic']);
const DATE_FIELDS = new Set(['fechanacimiento', 'birthdate']);
// Peru's UBIGEO (district of residence) is shortened like a postal code.
const POSTAL_FIELDS = new Set(['cp', 'codigopostal', 'postalcode', 'ubigeo']);
// Particles of surnames are not names alone (DE LA CRUZ); every other word of a name is looked for.
const PARTICLES = new Set(['DA', 'DAS', 'DE', 'DEL', 'DER', 'DI', 'DIE', 'DO', 'DOS', 'EL', 'LA', 'LAS', 'LE', 'LES', 'LOS', 'MAC', 'SAN', 'SANTA', 'VAN', 'VON', 'Y']);

type Kind = 'id' | 'name' | 'date' | 'postal' | 'address';

class Persons {
  readonly values = new Map<string, Kind>();
  add(kind: Kind, v: unknown): void {
    if (Array.isArray(v)) {
      for (const x of v) this.add(kind, x);
      return;
    }
    if (typeof v !== 'string' && typeof v !== 'number') return;
    const s = String(v).trim();
    if (kind === 'date') {
      const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(s.slice(0, 10).length === 10 && s.includes('-') ? s.slice(0, 10) : s.slice(0, 8));
      if (m) {
        this.values.set(`${m[1]}-${m[2]}-${m[3]}`, kind);
        this.values.set(`${m[1]}${m[2]}${m[3]}`, kind);
      }
    } else if (kind === 'name') {
      if (s.length >= 3) this.values.set(s, kind);
      for (const w of s.split(/[^\p{L}]+/u)) if (w.length >= 3 && !PARTICLES.has(w.toUpperCase())) this.values.set(w, kind);
    } else if (kind === 'address') {
      // A street line as a whole: its number alone ("385") is not the person's.
      if (s.length >= 6) this.values.set(s, kind);
    } else if (kind === 'postal') {
      if (/^\d{4,6}$/.test(s)) this.values.set(s, kind);
    } else if (s.length >= 4) {
      this.values.set(s, kind);
      // A DNI travels with and without its check character (12345678-K, 12345678^K in PID-3).
      const dni = /^(\d{8})-[0-9A-Z]$/.exec(s);
      if (dni) this.values.set(dni[1]!, kind);
      // A SNILS travels as 11 digits (SOAP metadata, a certificate) and as 123-456-789 01 (CDA).
      const digits = s.replace(/[ -]/g, '');
      if (/^\d{11}$/.test(digits) && /^[\d -]+$/.test(s)) {
        this.values.set(digits, kind);
        this.values.set(`${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6, 9)} ${digits.slice(9)}`, kind);
      }
    }
  }

  /** CDA and SOAP by their element names, base64 content (a CDA file, a signature) decoded and read again. */
  xml(text: string, depth = 0): void {
    for (const [, local, value] of text.matchAll(/<(?:[\w.-]+:)?([\w.-]+)(?:\s[^<>]*)?>([^<]*)<\/(?:[\w.-]+:)?\1>/g)) {
      const key = local!.toLowerCase();
      if (ID_FIELDS.has(key)) this.add('id', value);
      else if (NAME_FIELDS.has(key)) this.add('name', value);
      else if (DATE_FIELDS.has(key)) this.add('date', value);
      else if (key === 'postalcode') this.add('postal', value);
      else if (depth < 3 && decodedText(value!) !== undefined) this.xml(decodedText(value!)!, depth + 1);
    }
    for (const [, value] of text.matchAll(/<(?:[\w.-]+:)?birthTime\s[^<>]*?value="(\d{8})/g)) this.add('date', value);
    for (const [, value] of text.matchAll(/<(?:[\w.-]+:)?(?:patientRole|assignedAuthor|assignedEntity)>\s*(?:<(?:[\w.-]+:)?id [^<>]*extension="([^"]+)"[^<>]*>\s*)+/g)) this.add('id', value);
    for (const [, value] of text.matchAll(/<(?:[\w.-]+:)?id root="1\.2\.643\.100\.3" extension="([^"]+)"/g)) this.add('id', value);
  }

  json(v: unknown): void {
    if (typeof v === 'string') {
      const t = v.trimStart();
      if (t.startsWith('MSH')) this.er7(t);
      else if (t.startsWith('<')) this.xml(t);
      else if (t.startsWith('{')) {
        try {
          this.json(JSON.parse(t));
        } catch {
          // NDJSON (an export): a resource a line.
          for (const line of t.split('\n')) {
            try {
              this.json(JSON.parse(line));
            } catch {}
          }
        }
      }
      return;
    }
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) this.json(x);
      return;
    }
    const o = v as Record<string, unknown>;
    // A document carried in base64 (Attachment.data, Binary.data): a CDA summary names its patient and author.
    if (typeof o.data === 'string') {
      const text = decodedText(o.data);
      if (text !== undefined) this.json(text);
    }
    if (o.resourceType === 'Patient' || o.resourceType === 'RelatedPerson' || o.resourceType === 'Practitioner') {
      for (const id of (o.identifier as { value?: string }[] | undefined) ?? []) this.add('id', id.value);
      for (const n of (o.name as { text?: string }[] | undefined) ?? []) this.add('name', n.text);
      for (const a of (o.address as { line?: string[] }[] | undefined) ?? []) this.add('address', a.line);
    }
    for (const [k, x] of Object.entries(o)) {
      const key = k.toLowerCase();
      if (ID_FIELDS.has(key)) this.add('id', x);
      else if (NAME_FIELDS.has(key)) this.add('name', x);
      else if (DATE_FIELDS.has(key)) this.add('date', x);
      else if (POSTAL_FIELDS.has(key)) this.add('postal', x);
      this.json(x);
    }
  }

  /** PID-3 ids, PID-5 names, PID-7 birth date, PID-11 street, postal code and county (UBIGEO), NK1-2 names; plain splits. */
  er7(text: string): void {
    for (const seg of text.split(/\r\n?|\n/)) {
      const f = seg.split('|');
      const comps = (n: number) => (f[n] ?? '').split('~').map((r) => r.split('^'));
      if (f[0] === 'PID') {
        for (const c of comps(3)) this.add('id', c[0]);
        for (const c of comps(5)) this.add('name', c.slice(0, 3));
        this.add('date', f[7]);
        for (const c of comps(11)) {
          this.add('address', c[0]);
          this.add('postal', c[4]);
          this.add('postal', c[8]);
        }
      } else if (f[0] === 'NK1') {
        for (const c of comps(2)) this.add('name', c.slice(0, 3));
      }
    }
  }

  url(u: unknown): void {
    if (typeof u !== 'string') return;
    const m = /[?&]identifier=(?:[^&|]*(?:\||%7C))?(\d{8})/i.exec(u);
    if (m) this.add('id', m[1]);
  }
}

/** The UTF-8 text of a base64 value (line breaks allowed), or undefined when it is not base64 text. */
function decodedText(value: string): string | undefined {
  const b64 = value.replace(/\s+/g, '');
  if (b64.length < 24 || b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const text = Buffer.from(b64, 'base64').toString('utf8');
  return text.includes('\ufffd') ? undefined : text;
}

/**
 * What a file carries inside base64, to any depth (a certificate in a signature in a SOAP answer): each run decoded as
 * UTF-8 and as Latin-1 (a certificate's DER holds its subject's SNILS as ASCII), wrapped lines and JSON escapes allowed.
 */
function base64Contents(text: string, depth = 0): string[] {
  if (depth > 3) return [];
  const out: string[] = [];
  for (const [run] of text.matchAll(/(?:[A-Za-z0-9+/]{4}(?:\r?\n|\\r\\n|\\n)?){6,}[A-Za-z0-9+/]{0,3}={0,2}/g)) {
    const bytes = Buffer.from(run.replace(/\\[rn]|\s/g, ''), 'base64');
    const utf8 = bytes.toString('utf8');
    out.push(bytes.toString('latin1'), utf8, ...base64Contents(utf8, depth + 1));
  }
  return out;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

async function run(program: string, redact: boolean): Promise<string> {
  const out = await tempDir(`sello-redact-${program}-`);
  dirs.push(out);
  const r = await runSello(['run', '--program', program, '--quiet', '--seed', SEED, '--out', out, ...(redact ? ['--redact'] : [])], {}, 240_000);
  assert.equal(r.code, 0, `${program}${redact ? ' --redact' : ''}: exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  return realpath(path.join(out, 'latest'));
}

/** The persons a raw run's messages carry: every exchange the scenarios attached and every journal of the mocks. */
async function personsOf(runDir: string): Promise<Map<string, Kind>> {
  const persons = new Persons();
  for (const file of await filesUnder(path.join(runDir, 'evidence'))) {
    if (!file.endsWith('.ndjson') || file.endsWith('cucumber-messages.ndjson')) continue;
    for (const line of (await readFile(file, 'utf8')).split('\n')) {
      if (!line) continue;
      const x = JSON.parse(line) as { url?: string; request?: { body?: unknown }; response?: { body?: unknown } };
      persons.url(x.url);
      persons.json([x.request?.body, x.response?.body]);
    }
  }
  return persons.values;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Every form of every value in one pattern (one pass over a 20 MB file, not one per value): whole words, so "1234" is
 * not found inside "912345"; "\nJUAN" still counts. `found` names the values a text holds.
 */
function persons(values: Map<string, Kind>): { found: (text: string, decode?: boolean) => Set<string> } {
  const byForm = new Map<string, string>();
  for (const [value, kind] of values) {
    const forms = [value, encodeURIComponent(value), html(value), ...(kind === 'name' || kind === 'address' ? [value.toUpperCase(), encodeURIComponent(value.toUpperCase())] : [])];
    for (const form of forms) if (!byForm.has(form)) byForm.set(form, value);
  }
  const alternatives = [...byForm.keys()].sort((a, b) => b.length - a.length).map(escapeRe);
  const re = new RegExp(`(?<!(?<!\\\\)[\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'gu');
  // Inside binary content (a certificate's DER) an identifier runs into the next field's bytes: found as a substring.
  const ids = [...values].filter(([value, kind]) => kind === 'id' && value.length >= 6).map(([value]) => value);
  return {
    found(text, decode = true) {
      const hit = new Set<string>();
      for (const [m] of text.matchAll(re)) hit.add(byForm.get(m) ?? m);
      for (const inside of decode ? base64Contents(text) : []) {
        for (const [m] of inside.matchAll(re)) hit.add(byForm.get(m) ?? m);
        for (const id of ids) if (inside.includes(id)) hit.add(id);
      }
      return hit;
    },
  };
}

for (const program of PROGRAMS) {
  test(`${program}: no identifier, name, birth date or postal code of the run is left in any file of the redacted run`, { timeout: 300_000 }, async (t) => {
    const [rawDir, redactedDir] = await Promise.all([run(program, false), run(program, true)]);
    const values = await personsOf(rawDir);
    const kinds = new Set(values.values());
    assert.ok(values.size > 20 && kinds.has('id') && kinds.has('name') && kinds.has('date'), `too few persons read back: ${[...values.keys()].join(' ')}`);
    const search = persons(values);

    // The search itself finds them where they are: the raw report.html holds persons.
    const rawHtml = await readFile(path.join(rawDir, 'report.html'), 'utf8');
    assert.ok(search.found(rawHtml).size > 0, 'the grep finds nothing even in the raw report');

    const files = await filesUnder(redactedDir);
    const leaks: string[] = [];
    for (const file of files) {
      // A .jws holds base64url of the signature's header and value, no content ("typ":"JOSE" is not José).
      for (const value of search.found(await readFile(file, 'utf8'), !file.endsWith('.jws'))) leaks.push(`${path.relative(redactedDir, file)}: ${value}`);
    }
    const byKind = [...kinds].map((k) => `${[...values.values()].filter((x) => x === k).length} ${k}`).join(', ');
    t.diagnostic(`${program}: ${files.length} files × ${values.size} values (${byKind}) checked, base64 content decoded, ${leaks.length} hits`);
    assert.deepEqual([...new Set(leaks)].slice(0, 50), [], `${leaks.length} leaks`);
    // Redacted before it was hashed and signed: the run still verifies (no hash, path or UUID was taken for a person).
    const verified = await verifyRunDirectory(redactedDir);
    assert.equal(verified.ok, true, JSON.stringify(verified.files.filter((f) => f.status !== 'ok').slice(0, 10)));
    const report = JSON.parse(await readFile(path.join(redactedDir, 'report.json'), 'utf8')) as { redaction: { applied: boolean; rawFiles: string[] } };
    assert.deepEqual(report.redaction, { ...report.redaction, applied: true, rawFiles: [] });
  });
}
