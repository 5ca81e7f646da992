/**
 * The forms of references and canonicals (FHIR R4 references.html, datatypes.html#canonical) as the HL7 validator
 * enforces them, and the example-URL policy. Each check names its rule id here and the Messages.properties key of
 * the HL7 validator whose behaviour it follows (docs/fhir-rules.md lists them with their spec sections).
 */
import { CORE_SD_PREFIX } from '../definitions/registry.ts';
import type { CElement, CType } from './compile.ts';
import type { ValidatorContext } from './context.ts';
import { isObject } from './json.ts';
import { issue, text } from './messages.ts';
import { isAbsoluteUrl } from './primitives.ts';
import type { ResourceScope } from './scope.ts';
import { containerOf } from './support.ts';

export const REFERENCE_RULE = {
  /** Reference.reference: no whitespace; relative references in a Bundle are Type/id[/_history/vid] (or a search URL in a transaction). */
  form: 'FHIR-REFERENCE-FORM',
  /** A reference resolved in the resource, Bundle or Parameters must conform to one of the element's target profiles. */
  profile: 'FHIR-REFERENCE-PROFILE',
  /** canonical: absolute, or `#id` naming a contained resource; with validateReferences, known and of an allowed type. */
  canonicalForm: 'FHIR-CANONICAL-FORM',
  /** With the example policy 'reject': example.org / acme.com URLs are not allowed. */
  exampleUrl: 'FHIR-EXAMPLE-URL',
  /** The contained resources of a resource have distinct ids ('#id' must name one). */
  containedId: 'FHIR-CONTAINED-ID',
} as const;

/** The HL7 validator's example domains (BaseValidator.isExampleUrl). */
export function isExampleUrl(url: string): boolean {
  return /(example\.(org|com|net)|acme\.(com|org))(\/|$)/.test(url) || url.endsWith('example.org') || url.startsWith('urn:oid:1.3.6.1.4.1.32473.') || url.startsWith('urn:oid:2.999.');
}

/** Where the HL7 validator knows every definition, so an unresolved canonical is an error rather than a warning. */
const knownSpace = (url: string): boolean => url.startsWith('http://hl7.org/fhir') || url.startsWith('http://terminology.hl7.org/') || url.startsWith('http://fhir.org/guides');

/** Bundle types in which a relative reference may be a conditional (search) URL. */
const TRANSACTIONAL = new Set(['transaction', 'batch']);

/**
 * Reference.reference forms: whitespace (REFERENCE_REF_INVALID_REF) and, inside a Bundle entry, a relative
 * reference that is not `Type/id` or `Type/id/_history/vid` (Reference_REF_Format2, Format1 in a transaction).
 */
export function checkReferenceForm(ref: string, path: string, scope: ResourceScope): void {
  const findings = scope.run.findings;
  if (/\s/.test(ref)) {
    findings.push(issue(REFERENCE_RULE.form, 'error', 'invalid', path, text(`The reference '${ref}' is not a valid reference`, `La referencia '${ref}' no es una referencia válida`)));
    return;
  }
  if (!scope.bundle || !scope.fullUrl || ref.startsWith('#') || isAbsoluteUrl(ref)) return;
  const slashes = ref.split('/').length - 1;
  if (slashes === 1 || slashes === 3) return;
  const transactional = TRANSACTIONAL.has(scope.bundle.type ?? '');
  if (transactional && /^[A-Z][A-Za-z]+\?/.test(ref)) return;
  findings.push(
    issue(
      REFERENCE_RULE.form,
      'error',
      'invalid',
      path,
      transactional
        ? text(
            `Relative URLs must be of the format [ResourceName]/[id], or a search URL is allowed ([type]?parameters. Encountered ${ref})`,
            `Las URL relativas deben tener la forma [Recurso]/[id], o ser una URL de búsqueda ([tipo]?parámetros); se encontró ${ref}`,
          )
        : text(`Relative URLs must be of the format [ResourceName]/[id]. Encountered ${ref}`, `Las URL relativas deben tener la forma [Recurso]/[id]; se encontró ${ref}`),
    ),
  );
}

/** The resource type a Reference.type or target profile names (`Patient`, the core URL of Patient, or a profile of it). */
export function typeNamed(sv: ValidatorContext, value: string): string | undefined {
  if (!isAbsoluteUrl(value)) return sv.resourceTypes.has(value) ? value : undefined;
  const url = value.split('|')[0]!;
  if (url.startsWith(CORE_SD_PREFIX) && sv.resourceTypes.has(url.slice(CORE_SD_PREFIX.length))) return url.slice(CORE_SD_PREFIX.length);
  return sv.registry.structureDefinition(url)?.type;
}

/** Resource types a Reference or canonical element allows ('any' when it names no profile or Resource). */
export function allowedTargets(sv: ValidatorContext, type: CType | undefined): Set<string> | 'any' {
  if (!type || type.targetProfiles.length === 0) return 'any';
  const hit = sv.targetTypes.get(type);
  if (hit) return hit;
  let result: Set<string> | 'any' = new Set<string>();
  for (const p of type.targetProfiles) {
    const name = typeNamed(sv, p);
    if (!name || name === 'Resource' || name === 'DomainResource') {
      result = 'any';
      break;
    }
    result.add(name);
  }
  sv.targetTypes.set(type, result);
  return result;
}

/** A defining canonical (StructureDefinition.url …): its own identity, not a reference to check. */
const definingUrl = (sv: ValidatorContext, def: CElement): boolean => {
  const dot = def.basePath.indexOf('.');
  return def.basePath.endsWith('.url') && dot === def.basePath.length - 4 && sv.resourceTypes.has(def.basePath.slice(0, dot));
};

/** Resource types the registry or the loaded IGs know a canonical URL as. */
function canonicalTypes(sv: ValidatorContext, url: string): string[] {
  const found: string[] = [];
  if (sv.registry.structureDefinition(url)) found.push('StructureDefinition');
  if (sv.registry.valueSet(url)) found.push('ValueSet');
  if (sv.registry.codeSystem(url)) found.push('CodeSystem');
  if (sv.registry.searchParameter(url)) found.push('SearchParameter');
  const other = sv.options.knownCanonicals?.get(url.split('|')[0]!);
  if (other && !found.includes(other)) found.push(other);
  return found;
}

/**
 * uri, url and canonical values: the example policy (TYPE_SPECIFIC_CHECKS_DT_URL_EXAMPLE), canonical forms
 * (TYPE_SPECIFIC_CHECKS_CANONICAL_ABSOLUTE, a `#id` canonical naming a contained resource:
 * TYPE_SPECIFIC_CHECKS_DT_URL_INTERNAL) and, with validateReferences, canonical resolution and type
 * (TYPE_SPECIFIC_CHECKS_DT_CANONICAL_RESOLVE, TYPE_SPECIFIC_CHECKS_DT_CANONICAL_TYPE).
 */
export function checkUriValue(sv: ValidatorContext, value: string, def: CElement, type: CType, path: string, scope: ResourceScope): void {
  const findings = scope.run.findings;
  if (def.basePath === 'Bundle.entry.fullUrl') return;
  if (definingUrl(sv, def)) {
    // a canonical resource's own url is an absolute URI (CodeSystem.url …: "an absolute URI"), contained or not
    if (!isAbsoluteUrl(value)) {
      findings.push(
        issue(
          REFERENCE_RULE.canonicalForm,
          'error',
          'invalid',
          path,
          scope.contained
            ? text(`Canonical URLs in contained resources must be absolute URLs if present (${value})`, `Las URL canónicas de los recursos contenidos deben ser absolutas (${value})`)
            : text(`Canonical URLs must be absolute URLs if they are not fragment references (${value})`, `Las URL canónicas deben ser absolutas salvo las referencias a fragmento (${value})`),
        ),
      );
    }
    return;
  }
  if (sv.options.exampleUrls === 'reject' && def.basePath !== 'Extension.value[x]' && isExampleUrl(value)) {
    findings.push(
      issue(REFERENCE_RULE.exampleUrl, 'error', 'invalid', path, text(`Example URLs are not allowed in this context (${value})`, `No se permiten URL de ejemplo en este contexto (${value})`)),
    );
    return;
  }
  if (type.code !== 'canonical') return;
  if (value.startsWith('#')) {
    const holder = containerOf(scope).resource;
    const contained = Array.isArray(holder.contained) ? holder.contained : [];
    if (value.length > 1 && !contained.some((c) => isObject(c) && c.id === value.slice(1))) {
      findings.push(
        issue(
          REFERENCE_RULE.canonicalForm,
          'error',
          'invalid',
          path,
          text(`The URL value '${value}' is invalid because there is no matching target`, `La URL '${value}' no es válida porque no hay un recurso contenido con ese id`),
        ),
      );
    }
    return;
  }
  if (!isAbsoluteUrl(value)) {
    findings.push(
      issue(
        REFERENCE_RULE.canonicalForm,
        'error',
        'invalid',
        path,
        text(`Canonical URLs must be absolute URLs if they are not fragment references (${value})`, `Las URL canónicas deben ser absolutas salvo las referencias a fragmento (${value})`),
      ),
    );
    return;
  }
  if (!sv.options.validateReferences || (sv.options.exampleUrls !== 'reject' && isExampleUrl(value))) return;
  const found = canonicalTypes(sv, value);
  if (found.length === 0) {
    findings.push(
      issue(
        REFERENCE_RULE.canonicalForm,
        knownSpace(value) ? 'error' : 'warning',
        'not-found',
        path,
        text(`A definition could not be found for Canonical URL '${value}'`, `No se encuentra ninguna definición para la URL canónica '${value}'`),
      ),
    );
    return;
  }
  const allowed = allowedTargets(sv, type);
  if (allowed !== 'any' && !found.some((t) => allowed.has(t))) {
    findings.push(
      issue(
        REFERENCE_RULE.canonicalForm,
        'error',
        'invalid',
        path,
        text(
          `Canonical URL '${value}' refers to a resource that has the wrong type. Found ${found.join(', ')} expecting one of [${[...allowed].join(', ')}]`,
          `La URL canónica '${value}' apunta a un recurso de tipo incorrecto: ${found.join(', ')}; se espera uno de [${[...allowed].join(', ')}]`,
        ),
      ),
    );
  }
}

const containedIds = new WeakMap<object, Map<string, unknown>>();

/** RESOURCE_DUPLICATE_CONTAINED_ID: two contained resources of one resource with the same id. */
export function checkContainedId(owner: Record<string, unknown>, contained: Record<string, unknown>, path: string, scope: ResourceScope): void {
  if (typeof contained.id !== 'string' || !Array.isArray(owner.contained)) return;
  let ids = containedIds.get(owner);
  if (!ids) {
    ids = new Map();
    for (const c of owner.contained) if (isObject(c) && typeof c.id === 'string' && !ids.has(c.id)) ids.set(c.id, c);
    containedIds.set(owner, ids);
  }
  if (ids.get(contained.id) === contained) return;
  scope.run.findings.push(
    issue(REFERENCE_RULE.containedId, 'error', 'invalid', path, text(`Duplicate ID for contained resource: ${contained.id}`, `Id duplicado de recurso contenido: ${contained.id}`)),
  );
}
