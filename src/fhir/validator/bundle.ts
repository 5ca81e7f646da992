/**
 * Bundle rules: an index of the entries by fullUrl, built once per Bundle, through which references
 * resolve in O(1) (the FHIR rules: absolute references match a fullUrl, relative ones are resolved against
 * the referring entry's RESTful base, `_history/n` selects meta.versionId), plus the entry-level checks of
 * the HL7 validator (absolute fullUrl, fullUrl/id agreement, bdl-7 uniqueness, document references), and the
 * type-specific rules of spec-rules/bundle-types.ts (links, search results).
 */
import type { Finding } from '../../findings/finding.ts';
import type { CompiledDefinition } from './compile.ts';
import { isObject } from './json.ts';
import { issue, RULE, text } from './messages.ts';
import { isAbsoluteUrl } from './primitives.ts';
import { checkBundleLinks, checkFullUrlIdentity, checkSearchSet } from './spec-rules/bundle-types.ts';
import { checkBundleSignature } from './spec-rules/signature.ts';

const NO_TYPES: ReadonlySet<string> = new Set();

interface IndexedEntry {
  index: number;
  resource: unknown;
  versionId: string | undefined;
}

const RESTFUL = /^(.*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

export class BundleIndex {
  readonly byFullUrl = new Map<string, IndexedEntry[]>();
  readonly entries: unknown[];
  readonly type: string | undefined;

  constructor(readonly bundle: Record<string, unknown>) {
    this.entries = Array.isArray(bundle.entry) ? bundle.entry : [];
    this.type = typeof bundle.type === 'string' ? bundle.type : undefined;
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (!isObject(e) || typeof e.fullUrl !== 'string') continue;
      const resource = e.resource;
      const meta = isObject(resource) && isObject(resource.meta) ? resource.meta : undefined;
      const versionId = typeof meta?.versionId === 'string' ? meta.versionId : undefined;
      const list = this.byFullUrl.get(e.fullUrl);
      const entry = { index: i, resource, versionId };
      if (list) list.push(entry);
      else this.byFullUrl.set(e.fullUrl, [entry]);
    }
  }

  resolve(ref: string, fromFullUrl: string | undefined): IndexedEntry[] {
    let target = ref;
    let version: string | undefined;
    const h = ref.indexOf('/_history/');
    if (h >= 0) {
      target = ref.slice(0, h);
      version = ref.slice(h + '/_history/'.length);
    }
    let key: string | undefined;
    if (isAbsoluteUrl(target)) key = target;
    else {
      const m = fromFullUrl ? RESTFUL.exec(fromFullUrl) : null;
      if (m && fromFullUrl && /^https?:/.test(fromFullUrl)) key = (m[1] ?? '') + target;
      else if (!fromFullUrl || !isAbsoluteUrl(fromFullUrl)) key = target;
    }
    if (!key) return [];
    const found = this.byFullUrl.get(key) ?? [];
    return version === undefined ? found : found.filter((e) => e.versionId === version);
  }
}

/** Composition references that must resolve inside a document Bundle. */
const DOCUMENT_REFERENCES: [string, string][] = [
  ['subject', 'Composition.subject'],
  ['encounter', 'Composition.encounter'],
  ['author', 'Composition.author'],
  ['custodian', 'Composition.custodian'],
];

type Resolve = (ref: string, from: { bundle: BundleIndex | undefined; fullUrl: string | undefined }) => { index: number; resource: unknown }[];

export function checkBundle(
  index: BundleIndex,
  scope: { path: string; run: { findings: Finding[] } },
  base: CompiledDefinition,
  resolve: Resolve,
  resourceTypes: ReadonlySet<string> = NO_TYPES,
): void {
  const findings = scope.run.findings;
  const path = scope.path;
  const context = { path, findings, resourceTypes };
  checkBundleLinks(index.bundle, index.type, context);
  if (index.type === 'searchset') checkSearchSet(index.bundle, index.entries, context);
  checkBundleSignature(index.bundle, path, findings);
  const seen = new Map<string, number>();
  const bdl7 = base.root.invariants.find((i) => i.native === 'bdl-7');
  for (let i = 0; i < index.entries.length; i++) {
    const e = index.entries[i];
    if (!isObject(e)) continue;
    const entryPath = `${path}.entry[${i}]`;
    const fullUrl = typeof e.fullUrl === 'string' ? e.fullUrl : undefined;
    const resource = isObject(e.resource) ? e.resource : undefined;
    if (fullUrl !== undefined && !isAbsoluteUrl(fullUrl)) {
      findings.push(issue(RULE.bundleFullUrl, 'error', 'invalid', entryPath, text(`The fullUrl must be an absolute URL (not '${fullUrl}')`, `El fullUrl debe ser una URL absoluta (no '${fullUrl}')`)));
    } else if (fullUrl && resource) checkFullUrlIdentity(fullUrl, resource, entryPath, context);
    if (bdl7 && fullUrl && index.type !== 'history') {
      const meta = resource && isObject(resource.meta) ? resource.meta : undefined;
      const key = fullUrl + '\u0000' + (typeof meta?.versionId === 'string' ? meta.versionId : '');
      const first = seen.get(key);
      if (first !== undefined) {
        findings.push(
          issue(
            bdl7.key,
            bdl7.severity,
            'invariant',
            entryPath,
            text(
              `Constraint failed: ${bdl7.key}: '${bdl7.human}' (duplicate fullUrl '${fullUrl}', first at entry[${first}])`,
              `Restricción incumplida: ${bdl7.key}: el fullUrl '${fullUrl}' está repetido (primero en entry[${first}])`,
            ),
          ),
        );
      } else seen.set(key, i);
    }
  }
  if (index.type === 'document') checkDocument(index, path, findings, resolve);
}

function checkDocument(index: BundleIndex, path: string, findings: Finding[], resolve: Resolve): void {
  const first = index.entries[0];
  if (!isObject(first) || !isObject(first.resource) || first.resource.resourceType !== 'Composition') return;
  const composition = first.resource;
  const from = { bundle: index, fullUrl: typeof first.fullUrl === 'string' ? first.fullUrl : undefined };
  const base = `${path}.entry[0].resource`;
  const check = (value: unknown, location: string, label: string): void => {
    if (!isObject(value) || typeof value.reference !== 'string') return;
    const ref = value.reference;
    if (ref.startsWith('#')) return;
    const matches = resolve(ref, from);
    if (matches.length === 0) {
      findings.push(issue(RULE.referenceUnresolved, 'error', 'not-found', location, text(`Can't find '${ref}' in the bundle (${label})`, `No se encuentra '${ref}' en el bundle (${label})`)));
    } else if (matches.length > 1) {
      findings.push(
        issue(
          RULE.referenceAmbiguous,
          'error',
          'invalid',
          location,
          text(`Found ${matches.length} matches for '${ref}' in the bundle (${label})`, `Hay ${matches.length} coincidencias para '${ref}' en el bundle (${label})`),
        ),
      );
    }
  };
  for (const [name, label] of DOCUMENT_REFERENCES) {
    const v = composition[name];
    if (Array.isArray(v)) for (const [i, x] of v.entries()) check(x, `${base}.${name}[${i}]`, label);
    else check(v, `${base}.${name}`, label);
  }
  if (Array.isArray(composition.attester)) {
    for (const [i, a] of composition.attester.entries()) if (isObject(a)) check(a.party, `${base}.attester[${i}].party`, 'Composition.attester.party');
  }
  const sections = (list: unknown, at: string): void => {
    if (!Array.isArray(list)) return;
    list.forEach((s, i) => {
      if (!isObject(s)) return;
      const sp = `${at}.section[${i}]`;
      if (Array.isArray(s.entry)) for (const [j, x] of s.entry.entries()) check(x, `${sp}.entry[${j}]`, 'Section Entry');
      if (Array.isArray(s.author)) for (const [j, x] of s.author.entries()) check(x, `${sp}.author[${j}]`, 'Section Author');
      check(s.focus, `${sp}.focus`, 'Section Focus');
      sections(s.section, sp);
    });
  };
  sections(composition.section, base);
}
