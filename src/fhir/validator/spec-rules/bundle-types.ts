/**
 * Bundle rules the R4 specification states in prose, per Bundle.type, beyond the bdl-* invariants:
 *  - links (bundle.html#links, http.html#paging): a paging or `self` relation appears once; the paging relations
 *    (first/previous/next/last) belong to searchset and history Bundles;
 *  - search results (search.html#return, bundle.html#searchset): entries carry a resource, `match` and `include`
 *    resources have ids, `match` resources are of the type searched (the `self` link's type or `_type`), `outcome`
 *    entries are OperationOutcomes; without search modes the same facts are only warnings, as the reference has them;
 *  - entry identity (Bundle.entry.fullUrl, R4 definition): a fullUrl that looks like a RESTful URL ends with the
 *    resource's type and id, so a resource without an id cannot have one.
 * Severities and texts follow the HL7 validator's BundleValidator (message ids in docs/fhir-rules.md).
 */
import type { Finding, Severity } from '../../../findings/finding.ts';
import { isObject } from '../json.ts';
import { issue, RULE, text } from '../messages.ts';

const PAGING = ['first', 'previous', 'next', 'last'];
const SEARCH_LIKE = new Set(['searchset', 'history']);
/** A RESTful resource URL: [base/]Type/id[/_history/vid] (Bundle.entry.fullUrl comment, R4). */
const RESTFUL = /^(https?:\/\/.*\/)?([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

interface Context {
  path: string;
  findings: Finding[];
  resourceTypes: ReadonlySet<string>;
}

function push(c: Context, rule: string, severity: Severity, location: string, en: string, es: string): void {
  c.findings.push(issue(rule, severity, 'invalid', location, text(en, es)));
}

const relationOf = (link: unknown): string | undefined => (isObject(link) && typeof link.relation === 'string' ? link.relation : undefined);

export function checkBundleLinks(bundle: Record<string, unknown>, type: string | undefined, c: Context): void {
  if (!Array.isArray(bundle.link)) return;
  const seen = new Set<string>();
  bundle.link.forEach((link, i) => {
    const rel = relationOf(link);
    if (rel === undefined) return;
    const at = `${c.path}.link[${i}]`;
    const paging = PAGING.includes(rel);
    if (paging && type !== undefined && !SEARCH_LIKE.has(type)) {
      // The reference makes this an error; R4 describes paging links for searchset and history without prohibiting
      // them elsewhere, so Sello warns (never stricter than the specification).
      push(
        c,
        RULE.bundleLinkContext,
        'warning',
        `${at}.relation`,
        `The link relationship type '${rel}' is a paging relation of search sets and histories, not of a ${type} Bundle`,
        `La relación de enlace '${rel}' es de paginación de búsquedas e historiales, no de un Bundle ${type}`,
      );
    }
    if (paging || rel === 'self') {
      if (seen.has(rel)) {
        push(c, RULE.bundleLinkDuplicate, 'error', at, `The link relationship type '${rel}' can only occur once`, `La relación de enlace '${rel}' solo puede aparecer una vez`);
      }
      seen.add(rel);
    }
  });
}

/** A malformed %-escape is left as written: a self link is the server's text, not something to fail on. */
function decoded(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The resource types a search URL asks for: its last path segment when a type, else its `_type` parameter. */
export function searchTypes(url: string | undefined, resourceTypes: ReadonlySet<string>): string[] {
  if (!url) return [];
  const q = url.indexOf('?');
  const head = (q >= 0 ? url.slice(0, q) : url).split('/');
  const last = head[head.length - 1] ?? '';
  if (resourceTypes.has(last)) return [last];
  if (q < 0) return [];
  const types: string[] = [];
  for (const param of url.slice(q + 1).split('&')) if (param.startsWith('_type=')) types.push(...decoded(param.slice(6)).split(','));
  return types;
}

export function checkSearchSet(bundle: Record<string, unknown>, entries: readonly unknown[], c: Context): void {
  const links = Array.isArray(bundle.link) ? bundle.link : [];
  const self = links.find((l) => relationOf(l) === 'self');
  if (!self) {
    push(
      c,
      RULE.bundleSearchSelf,
      'warning',
      c.path,
      'SearchSet Bundles should have a self link that specifies what the search was',
      'Un Bundle searchset debería tener un enlace self que diga cuál fue la búsqueda',
    );
  }
  const types = searchTypes(isObject(self) && typeof self.url === 'string' ? self.url : undefined, c.resourceTypes);
  const modeOf = (e: unknown): string | undefined => (isObject(e) && isObject(e.search) && typeof e.search.mode === 'string' ? e.search.mode : undefined);
  const anyMode = entries.some((e) => modeOf(e) !== undefined);
  entries.forEach((e, i) => {
    const at = `${c.path}.entry[${i}]`;
    const resource = isObject(e) && isObject(e.resource) ? e.resource : undefined;
    const mode = modeOf(e);
    if (anyMode && mode === undefined) {
      push(c, RULE.bundleSearchMode, 'warning', at, 'SearchSet bundles should have search modes on the entries', 'Las entradas de un Bundle searchset deberían tener modo de búsqueda');
    }
    if (!resource) {
      push(c, RULE.bundleSearchEntry, 'error', at, 'SearchSet Bundle Entries must have resources', 'Las entradas de un Bundle searchset deben tener recurso');
      return;
    }
    const rt = typeof resource.resourceType === 'string' ? resource.resourceType : '';
    const hasId = typeof resource.id === 'string';
    const rAt = `${at}.resource`;
    // Without any search mode the entry's role is a guess: the reference only warns.
    const severity: Severity = anyMode ? 'error' : 'warning';
    if (mode === 'outcome') {
      if (rt !== 'OperationOutcome') push(c, RULE.bundleSearchEntry, 'error', rAt, `This is not an OperationOutcome (${rt})`, `No es un OperationOutcome (${rt})`);
      return;
    }
    if (mode !== undefined && mode !== 'match' && mode !== 'include') return;
    if (!hasId && rt !== 'OperationOutcome') push(c, RULE.bundleSearchId, severity, rAt, 'Search results must have ids', 'Los resultados de búsqueda deben tener id');
    if ((mode === 'match' || (!anyMode && rt !== 'OperationOutcome')) && types.length > 0 && !types.includes(rt)) {
      push(
        c,
        RULE.bundleSearchType,
        severity,
        anyMode ? rAt : at,
        `This is not a matching resource type for the specified search (${rt} expecting [${types.join(', ')}])`,
        `No es un tipo de recurso de la búsqueda indicada (${rt}; se esperaba [${types.join(', ')}])`,
      );
    }
  });
}

/** A RESTful-looking fullUrl names the resource's type and id: a resource without an id cannot match it. */
export function checkFullUrlIdentity(fullUrl: string, resource: Record<string, unknown>, at: string, c: Context): void {
  const m = RESTFUL.exec(fullUrl);
  if (!m || !m[1] || !c.resourceTypes.has(m[2]!) || typeof resource.resourceType !== 'string') return;
  if (typeof resource.id !== 'string') {
    push(
      c,
      RULE.bundleFullUrl,
      'error',
      at,
      `The fullUrl '${fullUrl}' looks like a RESTful server URL, but the resource has no id`,
      `El fullUrl '${fullUrl}' parece una URL RESTful, pero el recurso no tiene id`,
    );
  } else if (m[2] !== resource.resourceType || m[3] !== resource.id) {
    push(
      c,
      RULE.bundleFullUrl,
      'error',
      at,
      `The fullUrl '${fullUrl}' looks like a RESTful server URL, so it must end with the correct type and id (/${resource.resourceType}/${resource.id})`,
      `El fullUrl '${fullUrl}' parece una URL RESTful, así que debe terminar con el tipo e id correctos (/${resource.resourceType}/${resource.id})`,
    );
  }
}
