/**
 * The structural FHIR validator: walks a JSON resource against compiled StructureDefinitions (the base
 * definition of its type plus the profiles it claims) and reports Findings the way the HL7 FHIR Validator
 * does: unknown elements, JSON shape, primitive formats, cardinality, types and choice types, fixed and
 * pattern values, slicing, bindings, extensions, invariants, references and must-support.
 *
 * Everything derived from a definition is compiled once and cached per URL; per validation the work is
 * one pass over the JSON, plus, for Bundles, one index of the entries by fullUrl (references resolve in
 * O(1), so a Bundle validates in linear time).
 */
import { createRequire } from 'node:module';
import type { Finding, Severity } from '../../findings/finding.ts';
import type { InvariantEvaluator, TerminologyService } from '../contracts.ts';
import { CORE_SD_PREFIX, type DefinitionRegistry } from '../definitions/registry.ts';
import { compileDefinition, type CElement, type CInvariant, type CompiledDefinition, type CType, type JsonChild } from './compile.ts';
import { navigate } from './fast-invariants.ts';
import { deepEqual, describe, isObject, matchesPattern } from './json.ts';
import { issue, RULE, text } from './messages.ts';
import { base64Size, checkPrimitive, checkResourceId, isAbsoluteUrl } from './primitives.ts';
import { checkXhtml, looksLikeHtml } from './xhtml.ts';
import { BundleIndex, checkBundle } from './bundle.ts';

export interface StructuralValidatorOptions {
  terminology?: TerminologyService;
  invariants?: InvariantEvaluator;
  /** Report strings that carry HTML markup (off by default, as in the HL7 validator). */
  securityChecks?: boolean;
  /** Report absent must-support elements of profiles as information (default true). */
  mustSupport?: boolean;
}

export interface ValidateOptions {
  /** Extra profile (canonical URL) to validate against, besides the base definition and meta.profile. */
  profile?: string;
}

interface Item {
  value: unknown;
  ext: unknown;
  type: CType | undefined;
  path: string;
}

interface Run {
  findings: Finding[];
  rootResource: unknown;
  /** Profile conformance already decided for a node (slices by profile ask it repeatedly). */
  conformance?: WeakMap<object, Map<string, boolean>>;
}

export interface ResourceScope {
  resource: Record<string, unknown>;
  /** The outermost resource (%rootResource). */
  rootResource: unknown;
  type: string;
  path: string;
  run: Run;
  parent: ResourceScope | undefined;
  /** Strings starting with '#' seen in the resource and its contained resources (dom-3). */
  hashRefs: Set<string>;
  /** Contained resources that refer to their container with '#'. */
  selfRefs: Set<unknown>;
  elementIds: Map<string, string>;
  /** The Bundle the resource is an entry of (or is inside of), for reference resolution. */
  bundle: BundleIndex | undefined;
  fullUrl: string | undefined;
  /** The index of this resource's own entries when it is a Bundle. */
  ownBundle: BundleIndex | undefined;
  containedIds: Set<string> | undefined;
  baseWalk: boolean;
  /** A contained resource: its narrative is its container's (dom-6 does not apply). */
  contained: boolean;
}

interface Container {
  host: CElement;
  /** Root element of the type's definition, whose invariants apply to every value of the type. */
  typeRoot: CElement | undefined;
}

interface SliceTest {
  slice: CElement;
  tests: ((item: Item, scope: ResourceScope) => boolean)[];
}

const EMPTY: Item[] = [];
const WHITESPACE_START = /^\s/;
const WHITESPACE_END = /\s$/;
const EXTENSION_BASE = CORE_SD_PREFIX + 'Extension';
const XVER = /^http:\/\/hl7\.org\/fhir\/[0-9.]+\/StructureDefinition\/extension-/;
const STRUCTURAL_TYPES = new Set(['BackboneElement', 'Element']);

/**
 * Domains whose unknown extensions the HL7 validator lets through (it errors on any other unknown
 * extension): its example domains, plus the TLDs RFC 2606 reserves for documentation (`.example`).
 * Sello still warns, since nothing about such an extension can be checked.
 */
function exampleExtensionDomain(url: string): boolean {
  if (
    url.includes('example.org') ||
    url.includes('example.com') ||
    url.includes('example.net') ||
    url.includes('acme.com') ||
    url.includes('nema.org') ||
    url.startsWith('http://hl7.org/fhir/tools/StructureDefinition/') ||
    url === 'http://hl7.org/fhir/StructureDefinition/structuredefinition-expression'
  ) {
    return true;
  }
  const host = /^[a-z][a-z0-9+.-]*:\/\/([^/:?#]+)/i.exec(url)?.[1]?.toLowerCase();
  return !!host && (host.endsWith('.example') || host === 'example');
}

/** Bundle types whose urn: references must resolve inside the Bundle (nothing else can resolve them). */
const SELF_CONTAINED = new Set(['document', 'message', 'transaction', 'batch', 'transaction-response', 'batch-response']);

const indexed = (path: string, name: string, isArray: boolean, i: number): string =>
  isArray ? `${path}.${name}[${i}]` : `${path}.${name}`;

export class StructuralValidator {
  private readonly compiled = new Map<string, CompiledDefinition | null>();
  private readonly ancestors = new Map<string, Set<string>>();
  private readonly targetTypes = new WeakMap<CType, Set<string> | 'any'>();
  private readonly resourceTypes: Set<string>;

  constructor(
    readonly registry: DefinitionRegistry,
    private readonly options: StructuralValidatorOptions = {},
  ) {
    this.resourceTypes = registry.resourceTypes();
  }

  /** The compiled form of a StructureDefinition, compiled on first use and cached by URL. */
  definition(url: string): CompiledDefinition | undefined {
    const cached = this.compiled.get(url);
    if (cached !== undefined) return cached ?? undefined;
    const sd = this.registry.structureDefinition(url);
    const compiled = sd?.snapshot?.element?.length ? compileDefinition(sd) : null;
    this.compiled.set(url, compiled);
    return compiled ?? undefined;
  }

  validate(resource: unknown, options: ValidateOptions = {}): Finding[] {
    const run: Run = { findings: [], rootResource: resource };
    if (!isObject(resource)) {
      run.findings.push(issue(RULE.resourceType, 'fatal', 'structure', '$', text('The content is not a JSON object', 'El contenido no es un objeto JSON')));
      return run.findings;
    }
    const type = typeof resource.resourceType === 'string' ? resource.resourceType : 'Resource';
    this.validateResource(resource, type, run, undefined, options.profile ? [options.profile] : [], true, undefined, undefined);
    return dedupe(run.findings);
  }

  // ---- resources --------------------------------------------------------------------------------------

  private validateResource(
    resource: Record<string, unknown>,
    path: string,
    run: Run,
    parent: ResourceScope | undefined,
    extraProfiles: string[],
    baseWalk: boolean,
    bundle: BundleIndex | undefined,
    fullUrl: string | undefined,
    contained = false,
  ): void {
    const type = resource.resourceType;
    if (typeof type !== 'string') {
      run.findings.push(issue(RULE.resourceType, 'error', 'structure', path, text('Unable to find the resourceType property', 'No se encuentra la propiedad resourceType')));
      return;
    }
    const base = this.resourceTypes.has(type) ? this.definition(CORE_SD_PREFIX + type) : undefined;
    if (!base) {
      run.findings.push(issue(RULE.resourceType, 'error', 'structure', path, text(`Unknown resource type '${type}'`, `Tipo de recurso desconocido '${type}'`)));
      return;
    }
    const scope: ResourceScope = {
      resource,
      rootResource: run.rootResource,
      type,
      path,
      run,
      parent,
      hashRefs: contained && parent ? parent.hashRefs : new Set(),
      selfRefs: contained && parent ? parent.selfRefs : new Set(),
      elementIds: new Map(),
      bundle,
      fullUrl,
      ownBundle: undefined,
      containedIds: undefined,
      baseWalk,
      contained,
    };
    if (type === 'Bundle' && baseWalk) scope.ownBundle = new BundleIndex(resource);

    const profiles: string[] = [];
    if (baseWalk) {
      const meta = resource.meta;
      if (isObject(meta) && Array.isArray(meta.profile)) {
        for (const p of meta.profile) if (typeof p === 'string') profiles.push(p);
      }
    }
    for (const p of extraProfiles) if (!profiles.includes(p)) profiles.push(p);

    if (baseWalk) this.walkDefinition(resource, base, scope);
    for (const url of profiles) {
      if (url === base.url) continue;
      const profile = this.definition(url);
      if (!profile) {
        run.findings.push(
          issue(RULE.profileUnknown, 'warning', 'not-supported', path, text(
            `Profile reference '${url}' has not been checked because it is unknown`,
            `El perfil '${url}' no se ha comprobado porque es desconocido`,
          )),
        );
        continue;
      }
      if (profile.type !== type) {
        run.findings.push(issue(RULE.resourceType, 'error', 'structure', path, text(
          `The profile '${url}' is for ${profile.type}, not ${type}`,
          `El perfil '${url}' es para ${profile.type}, no para ${type}`,
        )));
        continue;
      }
      this.walkDefinition(resource, profile, { ...scope, baseWalk: false, elementIds: new Map() });
    }
    if (!baseWalk) return;
    this.resourceChecks(scope, base);
  }

  private walkDefinition(resource: Record<string, unknown>, sd: CompiledDefinition, scope: ResourceScope): void {
    const root = sd.root;
    this.walkComplex(resource, root, { host: root, typeRoot: undefined }, scope.path, scope, true, scope.type, undefined);
    this.checkInvariants(scope.contained ? withoutNarrativeRule(root) : root.invariants, resource, scope.path, scope, scope.type, root.basePath);
  }

  /** Checks on the resource as a whole, once (not per profile). */
  private resourceChecks(scope: ResourceScope, base: CompiledDefinition): void {
    const { resource, path, run } = scope;
    if (typeof resource.id === 'string') {
      const p = checkResourceId(resource.id);
      if (p) run.findings.push(issue(RULE.format, 'error', 'value', `${path}.id`, text(p.en, p.es)));
    }
    const dom3 = base.root.invariants.find((i) => i.native === 'dom-3');
    if (dom3 && Array.isArray(resource.contained)) {
      for (const c of resource.contained) {
        if (!isObject(c) || typeof c.id !== 'string') continue;
        if (scope.hashRefs.has('#' + c.id) || scope.selfRefs.has(c)) continue;
        run.findings.push(
          issue(dom3.key, dom3.severity, 'invariant', path, text(
            `Constraint failed: ${dom3.key}: '${dom3.human}' (contained resource '${c.id}' is not referenced)`,
            `Restricción incumplida: ${dom3.key}: el recurso contenido '${c.id}' no está referenciado desde el recurso`,
          )),
        );
      }
    }
    if (scope.ownBundle) checkBundle(scope.ownBundle, scope, base, (ref, from) => this.resolveInBundle(ref, from));
    if (scope.type === 'StructureDefinition') this.checkStructureDefinition(scope);
    if (scope.type === 'SearchParameter') this.checkSearchParameter(scope);
    if (scope.type === 'ValueSet') this.checkValueSetParameters(scope);
  }

  /**
   * Parameterised ValueSets (tools extension valueset-parameter): every `%name` a filter expression uses
   * must be a declared parameter, and the expression must be FHIRPath.
   */
  private checkValueSetParameters(scope: ResourceScope): void {
    const vs = scope.resource;
    const declared = new Set<string>();
    for (const e of Array.isArray(vs.extension) ? vs.extension : []) {
      if (!isObject(e) || e.url !== VALUESET_PARAMETER || !Array.isArray(e.extension)) continue;
      for (const sub of e.extension) if (isObject(sub) && sub.url === 'name' && typeof sub.valueCode === 'string') declared.add(sub.valueCode);
    }
    const compose = isObject(vs.compose) ? vs.compose : undefined;
    if (!compose) return;
    for (const part of ['include', 'exclude'] as const) {
      const list = Array.isArray(compose[part]) ? compose[part] : [];
      list.forEach((inc, i) => {
        if (!isObject(inc) || !Array.isArray(inc.filter)) return;
        inc.filter.forEach((f, j) => {
          if (!isObject(f)) return;
          const holders = [f, isObject(f._value) ? f._value : undefined];
          for (const h of holders) {
            if (!h || !Array.isArray(h.extension)) continue;
            h.extension.forEach((x, k) => {
              if (!isObject(x) || x.url !== CQF_EXPRESSION || !isObject(x.valueExpression)) return;
              const expression = x.valueExpression.expression;
              if (typeof expression !== 'string') return;
              const path = `${scope.path}.compose.${part}[${i}].filter[${j}]${h === f ? '' : '.value'}.extension[${k}].value.ofType(Expression)`;
              this.checkParameterExpression(expression, declared, path, scope);
            });
          }
        });
      });
    }
  }

  private checkParameterExpression(expression: string, declared: Set<string>, path: string, scope: ResourceScope): void {
    try {
      fhirpathParser()(expression);
    } catch (error) {
      scope.run.findings.push(issue(RULE.valueSetParameter, 'error', 'invalid', path, text(
        `The value of the expression '${expression}' is not a valid FHIRPath: ${String((error as Error).message ?? error).split('\n')[0]}`,
        `La expresión '${expression}' no es FHIRPath válido`,
      )));
      return;
    }
    for (const m of expression.matchAll(/%([A-Za-z][A-Za-z0-9_-]*)/g)) {
      const name = m[1]!;
      if (declared.has(name) || STANDARD_VARIABLES.has(name)) continue;
      scope.run.findings.push(issue(RULE.valueSetParameter, 'error', 'invalid', path, text(
        `The filter parameter expression '${expression}' refers to the unknown parameter '${name}'`,
        `La expresión de filtro '${expression}' usa el parámetro desconocido '${name}'`,
      )));
    }
  }

  private checkStructureDefinition(scope: ResourceScope): void {
    const sd = scope.resource as { derivation?: string; snapshot?: unknown; differential?: { element?: unknown[] }; baseDefinition?: string };
    if (sd.snapshot || !sd.differential?.element) return;
    const { issues } = this.registry.trySnapshot(scope.resource as never);
    for (const i of issues) {
      const location = i.diffIndex !== undefined ? `${scope.path}.differential.element[${i.diffIndex}]` : scope.path;
      scope.run.findings.push(issue(RULE.snapshot, i.severity, 'invalid', location, text(i.message, `Error al generar el snapshot: ${i.message}`)));
    }
  }

  /** A SearchParameter derived from another must keep its type (the HL7 validator's SearchParameter rule). */
  private checkSearchParameter(scope: ResourceScope): void {
    const sp = scope.resource;
    if (typeof sp.derivedFrom !== 'string' || typeof sp.type !== 'string') return;
    const base = this.registry.searchParameter(sp.derivedFrom);
    if (!base || typeof base.type !== 'string' || base.type === sp.type) return;
    scope.run.findings.push(issue(RULE.searchParameter, 'error', 'business-rule', scope.path, text(
      `The type ${sp.type} is different to the type ${base.type} in the derivedFrom SearchParameter`,
      `El tipo ${sp.type} es distinto del tipo ${base.type} del SearchParameter derivedFrom`,
    )));
  }

  // ---- complex values -----------------------------------------------------------------------------

  private readonly resourceTypeCodes = new WeakMap<CType, boolean>();

  private isResourceTypeCode(type: CType): boolean {
    let r = this.resourceTypeCodes.get(type);
    if (r === undefined) {
      r = type.code === 'Resource' || type.code === 'DomainResource' || this.resourceTypes.has(type.code);
      this.resourceTypeCodes.set(type, r);
    }
    return r;
  }

  private containerFor(def: CElement, type: CType | undefined): Container | undefined {
    const key = type ? type.key : '';
    const cache = def.cache ?? (def.cache = new Map());
    const hit = cache.get(key) as Container | null | undefined;
    if (hit !== undefined) return hit ?? undefined;
    let result: Container | undefined;
    if (def.contentTarget) result = { host: def.contentTarget, typeRoot: undefined };
    else {
      const typeDef = type && !STRUCTURAL_TYPES.has(type.code) ? this.typeDefinition(type) : undefined;
      if (def.children.length > 0) result = { host: def, typeRoot: typeDef?.root };
      else if (typeDef) result = { host: typeDef.root, typeRoot: typeDef.root };
      else if (type && STRUCTURAL_TYPES.has(type.code)) result = { host: def, typeRoot: undefined };
    }
    cache.set(key, result ?? null);
    return result;
  }

  private typeDefinition(type: CType): CompiledDefinition | undefined {
    for (const p of type.profiles) {
      const d = this.definition(p);
      if (d) return d;
    }
    return this.definition(type.code.includes(':') ? type.code : CORE_SD_PREFIX + type.code);
  }

  /**
   * Validates the properties of a JSON object against a container (the element's own children, or its
   * type's). `typeName` and `hostDef` give the context in which extensions are used.
   */
  private walkComplex(
    obj: Record<string, unknown>,
    hostDef: CElement,
    container: Container,
    path: string,
    scope: ResourceScope,
    isResourceRoot: boolean,
    typeName: string,
    extensionUrl: string | undefined,
  ): void {
    const host = container.host;
    const findings = scope.run.findings;
    let count = 0;
    // One pass over the properties: unknown ones are reported, known ones grouped by element (an
    // element appears under one property, or two for a primitive and its `_` part, or several for a
    // choice that is wrongly repeated), so the work is proportional to what the JSON holds.
    let present: JsonChild[] | undefined;
    for (const key in obj) {
      if (isResourceRoot && key === 'resourceType') continue;
      // JSON has no undefined; a JavaScript caller's `{ x: undefined }` means x is absent
      if (obj[key] === undefined) continue;
      count++;
      const isExt = key.charCodeAt(0) === 95;
      const jc = host.jsonChildren.get(isExt ? key.slice(1) : key);
      if (jc && (!isExt || jc.primitive)) {
        if (isExt && obj[jc.json] !== undefined) continue; // taken with its value
        (present ??= []).push(jc);
        continue;
      }
      if (key === 'fhir_comments') continue;
      findings.push(issue(RULE.unknownElement, 'error', 'structure', `${path}.${key}`, jc
        ? text(`Unrecognized property '${key}' (only primitive elements have a '_' extension part)`, `Propiedad no reconocida '${key}' (solo los elementos primitivos tienen parte '_')`)
        : text(`Unrecognized property '${key}'`, `Propiedad no reconocida '${key}'`)));
    }
    if (count === 0 && !isResourceRoot) {
      findings.push(issue('ele-1', 'error', 'invariant', path, text(
        'Constraint failed: ele-1: All FHIR elements must have a @value or children',
        'Restricción incumplida: ele-1: todo elemento FHIR debe tener un valor o hijos',
      )));
    } else if (count === 1 && !isResourceRoot && typeof obj.id === 'string') {
      findings.push(issue('ele-1', 'error', 'invariant', path, text(
        'Constraint failed: ele-1: All FHIR elements must have a @value or children (an id alone is not content)',
        'Restricción incumplida: ele-1: todo elemento FHIR debe tener un valor o hijos (un id solo no es contenido)',
      )));
    }
    if (!isResourceRoot && typeof obj.id === 'string' && scope.baseWalk) {
      const seen = scope.elementIds.get(obj.id);
      if (seen !== undefined) {
        findings.push(issue(RULE.duplicateId, 'error', 'value', path, text(`Duplicate id value '${obj.id}'`, `Valor de id duplicado '${obj.id}'`)));
      } else scope.elementIds.set(obj.id, path);
    }

    const reportMustSupport = host.sd.isProfile && this.options.mustSupport !== false;
    if (present) {
      for (let p = 0; p < present.length; p++) {
        const child = present[p]!.element;
        let seen = false;
        for (let q = 0; q < p; q++) if (present[q]!.element === child) seen = true;
        if (seen) continue;
        let items = this.collectItems(obj, present[p]!, path, findings);
        // another property of the same (choice) element: together, so that cardinality counts both
        for (let q = p + 1; q < present.length; q++) {
          if (present[q]!.element === child) items = items.concat(this.collectItems(obj, present[q]!, path, findings));
        }
        this.checkChild(child, items, obj, hostDef, host, path, scope, typeName, extensionUrl);
      }
    }
    for (const child of host.checkAbsent) {
      let isPresent = false;
      for (const jc of child.jsonNames) {
        if (obj[jc.json] !== undefined || (jc.primitive && obj[jc.ext] !== undefined)) {
          isPresent = true;
          break;
        }
      }
      if (isPresent) continue;
      if (child.min > 0) {
        findings.push(issue(RULE.cardinalityMin, 'error', 'required', path, text(
          `${child.path}: minimum required = ${child.min}, but only found 0 (from ${host.sd.url})`,
          `${child.path}: mínimo requerido = ${child.min}, pero no hay ninguno (de ${host.sd.url})`,
        )));
      }
      if (reportMustSupport && child.mustSupport) {
        findings.push(issue(RULE.mustSupport, 'information', 'informational', path, text(
          `Must-support element ${child.path} is absent (${host.sd.url})`,
          `El elemento must-support ${child.path} está ausente (${host.sd.url})`,
        )));
      }
      if (child.slices.length > 0) this.checkSliceCounts(child, EMPTY, path, scope);
    }
    if (container.typeRoot && container.typeRoot !== hostDef) {
      this.checkInvariants(container.typeRoot.invariants, obj, path, scope, typeName, container.typeRoot.basePath);
    }
    if (typeName === 'Attachment') this.checkAttachment(obj, path, scope);
    if (typeName === 'Reference') this.checkReference(obj, hostDef, path, scope);
  }

  /** Cardinality, slicing and content of the values one element has in an object. */
  private checkChild(
    child: CElement,
    items: Item[],
    owner: Record<string, unknown>,
    hostDef: CElement,
    host: CElement,
    path: string,
    scope: ResourceScope,
    typeName: string,
    extensionUrl: string | undefined,
  ): void {
    const findings = scope.run.findings;
    if (items.length < child.min) {
      findings.push(issue(RULE.cardinalityMin, 'error', 'required', path, text(
        `${child.path}: minimum required = ${child.min}, but only found ${items.length} (from ${host.sd.url})`,
        `${child.path}: mínimo requerido = ${child.min}, pero solo hay ${items.length} (de ${host.sd.url})`,
      )));
    }
    if (items.length > child.max) {
      findings.push(issue(RULE.cardinalityMax, 'error', 'structure', `${path}.${child.name}`, text(
        `${child.path}: max allowed = ${child.max}, but found ${items.length} (from ${host.sd.url})`,
        `${child.path}: máximo permitido = ${child.max}, pero hay ${items.length} (de ${host.sd.url})`,
      )));
    }
    if (items.length === 0) {
      if (child.slices.length > 0) this.checkSliceCounts(child, EMPTY, path, scope);
      return;
    }
    const isExtensionList = child.name === 'extension' || child.name === 'modifierExtension';
    const assigned = child.slices.length > 0 ? this.assignSlices(child, items, path, scope) : undefined;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      const def = assigned?.[i] ?? child;
      if (isExtensionList) this.validateExtension(item, def, hostDef, typeName, scope, extensionUrl, host);
      else this.validateItem(item, def, scope, owner);
    }
  }

  /** The values of one property, zipping a primitive's value array with its `_` extension array. */
  private collectItems(obj: Record<string, unknown>, jc: JsonChild, path: string, findings: Finding[]): Item[] {
    const element = jc.element;
    const value = obj[jc.json];
    const ext = jc.primitive ? obj[jc.ext] : undefined;
    const type = jc.type;
    if (value !== undefined) this.checkShape(value, element.isArray, path, jc.json, findings);
    if (ext !== undefined) this.checkShape(ext, element.isArray, path, jc.ext, findings);
    const valueArray = Array.isArray(value);
    const extArray = Array.isArray(ext);
    if (!valueArray && !extArray) {
      const itemPath = `${path}.${jc.label}`;
      if (value === null && (ext === undefined || ext === null)) {
        this.nullItem(itemPath, findings);
        return EMPTY;
      }
      return [{ value: value === null ? undefined : value, ext: ext === null ? undefined : ext, type, path: itemPath }];
    }
    if (valueArray && extArray && (value as unknown[]).length !== (ext as unknown[]).length) {
      findings.push(issue(RULE.jsonShape, 'error', 'structure', `${path}.${jc.json}`, text(
        `The arrays ${jc.json} and ${jc.ext} must have the same length (${(value as unknown[]).length} vs ${(ext as unknown[]).length})`,
        `Los arrays ${jc.json} y ${jc.ext} deben tener la misma longitud (${(value as unknown[]).length} frente a ${(ext as unknown[]).length})`,
      )));
    }
    const n = Math.max(valueArray ? (value as unknown[]).length : value === undefined ? 0 : 1, extArray ? (ext as unknown[]).length : ext === undefined ? 0 : 1);
    const items: Item[] = [];
    const indexedPath = element.isArray;
    for (let i = 0; i < n; i++) {
      const v = valueArray ? (value as unknown[])[i] : i === 0 ? value : undefined;
      const e = extArray ? (ext as unknown[])[i] : i === 0 ? ext : undefined;
      const itemPath = indexedPath ? `${path}.${jc.label}[${i}]` : `${path}.${jc.label}`;
      if ((v === null || v === undefined) && (e === null || e === undefined)) {
        this.nullItem(itemPath, findings);
        continue;
      }
      items.push({ value: v === null ? undefined : v, ext: e === null ? undefined : e, type, path: itemPath });
    }
    return items;
  }

  private nullItem(path: string, findings: Finding[]): void {
    findings.push(issue(RULE.jsonShape, 'error', 'structure', path, text(
      'Null values are only allowed in arrays aligned with a primitive extension array',
      'Los valores null solo se permiten en arrays alineados con un array de extensiones de primitivo',
    )));
  }

  private checkShape(v: unknown, isArray: boolean, path: string, which: string, findings: Finding[]): void {
    if (isArray && !Array.isArray(v)) {
      findings.push(issue(RULE.jsonShape, 'error', 'structure', `${path}.${which}`, text(
        `The property ${which} must be a JSON Array, not ${describeKind(v)}`,
        `La propiedad ${which} debe ser un array JSON, no ${describeKind(v)}`,
      )));
    } else if (!isArray && Array.isArray(v)) {
      findings.push(issue(RULE.jsonShape, 'error', 'structure', `${path}.${which}`, text(
        `The property ${which} must be a single value, not an array`,
        `La propiedad ${which} debe ser un valor único, no un array`,
      )));
    } else if (Array.isArray(v) && v.length === 0) {
      findings.push(issue(RULE.jsonShape, 'error', 'structure', `${path}.${which}`, text(
        `Array cannot be empty - the property ${which} should not be present if it has no values`,
        `El array no puede estar vacío: la propiedad ${which} no debe aparecer si no tiene valores`,
      )));
    }
  }

  private validateItem(item: Item, def: CElement, scope: ResourceScope, owner: Record<string, unknown>): void {
    const type = item.type ?? (def.types.length === 1 ? def.types[0] : undefined);
    const findings = scope.run.findings;
    const code = type?.code;
    if (type && !type.primitive && this.isResourceTypeCode(type)) {
      this.validateNested(item, def, type, scope, owner);
      return;
    }
    if (type && type.primitive) {
      this.validatePrimitive(item, def, type, scope);
    } else {
      const v = item.value;
      if (!isObject(v)) {
        findings.push(issue(RULE.type, 'error', 'structure', item.path, text(
          `The property ${def.name} must be a JSON object (${code ?? 'complex type'}), not ${describeKind(v)}`,
          `La propiedad ${def.name} debe ser un objeto JSON (${code ?? 'tipo complejo'}), no ${describeKind(v)}`,
        )));
        return;
      }
      const container = this.containerFor(def, type);
      if (!container) {
        if (def.types.length > 1 && !def.isChoice) return;
        findings.push(issue(RULE.type, 'error', 'not-supported', item.path, text(
          `No definition found for type ${code ?? '(none)'} of ${def.path}`,
          `No hay definición para el tipo ${code ?? '(ninguno)'} de ${def.path}`,
        )));
        return;
      }
      this.walkComplex(v, def, container, item.path, scope, false, code ?? 'BackboneElement', undefined);
      if (def.fixed !== undefined && !deepEqual(v, def.fixed)) {
        findings.push(issue(RULE.fixed, 'error', 'value', item.path, text(
          `The value must be exactly ${describe(def.fixed)} (fixed value of ${def.path})`,
          `El valor debe ser exactamente ${describe(def.fixed)} (valor fijo de ${def.path})`,
        )));
      }
      if (def.pattern !== undefined && !matchesPattern(v, def.pattern)) {
        findings.push(issue(RULE.pattern, 'error', 'value', item.path, text(
          `The value does not match the required pattern ${describe(def.pattern)} (${def.path})`,
          `El valor no coincide con el patrón requerido ${describe(def.pattern)} (${def.path})`,
        )));
      }
      if (def.binding && code) this.checkBinding(def, code, v, item.path, scope);
    }
    if (def.invariants.length > 1 || (def.invariants.length === 1 && !def.invariants[0]!.native)) {
      this.checkInvariants(def.invariants, item.value, item.path, scope, code ?? 'Element', def.basePath);
    }
  }

  private validatePrimitive(item: Item, def: CElement, type: CType, scope: ResourceScope): void {
    const findings = scope.run.findings;
    const v = item.value;
    if (v === undefined) {
      if (item.ext === undefined) {
        findings.push(issue('ele-1', 'error', 'invariant', item.path, text(
          'Constraint failed: ele-1: All FHIR elements must have a @value or children',
          'Restricción incumplida: ele-1: todo elemento FHIR debe tener un valor o hijos',
        )));
      }
    } else {
      const problem = checkPrimitive(type.code, v);
      if (problem) {
        findings.push(issue(problem.kind === 'type' ? RULE.type : RULE.format, 'error', problem.kind === 'type' ? 'structure' : 'value', item.path, text(problem.en, problem.es)));
      } else if (typeof v === 'string') {
        if (v.charCodeAt(0) === 35) {
          // '#' strings reference contained resources (or, alone, the container): dom-3 needs them all
          if (v.length === 1 && scope.parent && scope.parent.hashRefs === scope.hashRefs) scope.selfRefs.add(scope.resource);
          else scope.hashRefs.add(v);
        }
        if (type.code === 'string' && (WHITESPACE_START.test(v) || WHITESPACE_END.test(v))) {
          findings.push(issue(RULE.stringWhitespace, 'warning', 'value', item.path, text(
            v.trim() === '' ? `The value '${v}' is all whitespace` : `The value should not start or finish with whitespace ('${v.length > 40 ? v.slice(0, 37) + '...' : v}')`,
            v.trim() === '' ? `El valor '${v}' solo contiene espacios` : 'El valor no debería empezar ni terminar con espacios',
          )));
        }
        if (def.maxLength !== undefined && v.length > def.maxLength) {
          findings.push(issue(RULE.maxLength, 'error', 'value', item.path, text(
            `The value is longer than the maximum length of ${def.maxLength}`,
            `El valor supera la longitud máxima de ${def.maxLength}`,
          )));
        }
        if (type.code === 'xhtml') {
          for (const p of checkXhtml(v)) {
            findings.push(issue(p.key, 'error', 'invariant', item.path, text(`Constraint failed: ${p.key}: ${p.en}`, `Restricción incumplida: ${p.key}: ${p.es}`)));
          }
        } else if (this.options.securityChecks && looksLikeHtml(v)) {
          findings.push(issue(RULE.securityHtml, 'error', 'security', item.path, text(
            'The string value contains text that looks like embedded HTML tags, which are not allowed for security reasons in this context',
            'El texto contiene lo que parecen etiquetas HTML incrustadas, no permitidas por seguridad en este contexto',
          )));
        }
      }
      if (def.fixed !== undefined && v !== def.fixed) {
        findings.push(issue(RULE.fixed, 'error', 'value', item.path, text(
          `Value is '${String(v)}' but must be '${String(def.fixed)}'`,
          `El valor es '${String(v)}' pero debe ser '${String(def.fixed)}'`,
        )));
      }
      if (def.pattern !== undefined && v !== def.pattern) {
        findings.push(issue(RULE.pattern, 'error', 'value', item.path, text(
          `Value is '${String(v)}' but must be '${String(def.pattern)}'`,
          `El valor es '${String(v)}' pero debe ser '${String(def.pattern)}'`,
        )));
      }
      if (def.binding && !problem && typeof v === 'string') this.checkBinding(def, type.code, v, item.path, scope);
    }
    if (item.ext !== undefined) {
      if (!isObject(item.ext)) {
        findings.push(issue(RULE.jsonShape, 'error', 'structure', item.path, text(
          'The primitive extension part (_property) must be a JSON object',
          'La parte de extensión del primitivo (_propiedad) debe ser un objeto JSON',
        )));
        return;
      }
      const typeDef = this.typeDefinition(type);
      if (!typeDef) return;
      this.walkPrimitiveExtension(item.ext, def, typeDef, type.code, item.path, scope);
    }
  }

  /** `_birthDate: { id, extension }`: the element's id and extensions, never a value. */
  private walkPrimitiveExtension(ext: Record<string, unknown>, def: CElement, typeDef: CompiledDefinition, typeName: string, path: string, scope: ResourceScope): void {
    const findings = scope.run.findings;
    const root = typeDef.root;
    let count = 0;
    for (const key in ext) {
      count++;
      if (key === 'id') {
        if (typeof ext.id !== 'string') {
          findings.push(issue(RULE.type, 'error', 'structure', `${path}.id`, text('The id must be a JSON string', 'El id debe ser un texto JSON')));
        }
        continue;
      }
      if (key === 'extension') continue;
      findings.push(issue(RULE.unknownElement, 'error', 'structure', `${path}.${key}`, text(
        `The property '${key}' is invalid`,
        `La propiedad '${key}' no es válida`,
      )));
    }
    if (count === 0) {
      findings.push(issue('ele-1', 'error', 'invariant', path, text(
        'Constraint failed: ele-1: All FHIR elements must have a @value or children',
        'Restricción incumplida: ele-1: todo elemento FHIR debe tener un valor o hijos',
      )));
    }
    const extDef = root.jsonChildren.get('extension');
    if (ext.extension === undefined || !extDef) return;
    const items = this.collectItems(ext, extDef, path, findings);
    for (const item of items) this.validateExtension(item, extDef.element, def, typeName, scope, undefined, root);
  }

  // ---- nested resources ------------------------------------------------------------------------------

  private validateNested(item: Item, def: CElement, type: CType, scope: ResourceScope, owner: Record<string, unknown>): void {
    const v = item.value;
    if (!isObject(v)) {
      scope.run.findings.push(issue(RULE.type, 'error', 'structure', item.path, text(
        `The property ${def.name} must be a JSON object (a resource)`,
        `La propiedad ${def.name} debe ser un objeto JSON (un recurso)`,
      )));
      return;
    }
    const allowed = def.types.map((t) => t.code);
    const rt = v.resourceType;
    if (typeof rt === 'string' && !allowed.includes('Resource') && !allowed.includes('DomainResource') && !allowed.includes(rt)) {
      scope.run.findings.push(issue(RULE.type, 'error', 'structure', item.path, text(
        `The resource type ${rt} is not allowed here (allowed: ${allowed.join(', ')})`,
        `El tipo de recurso ${rt} no está permitido aquí (permitidos: ${allowed.join(', ')})`,
      )));
    }
    const contained = def.basePath === 'DomainResource.contained';
    const isEntry = def.basePath === 'Bundle.entry.resource';
    const bundle = isEntry ? (scope.ownBundle ?? scope.bundle) : scope.bundle;
    const fullUrl = isEntry ? (typeof owner.fullUrl === 'string' ? owner.fullUrl : undefined) : scope.fullUrl;
    const extra = scope.baseWalk ? [] : type.profiles;
    if (!scope.baseWalk && extra.length === 0) return;
    this.validateResource(v, item.path, scope.run, scope, extra, scope.baseWalk, bundle, fullUrl, contained);
  }

  // ---- extensions ---------------------------------------------------------------------------------

  private validateExtension(
    item: Item,
    def: CElement,
    hostDef: CElement,
    hostType: string,
    scope: ResourceScope,
    parentExtensionUrl: string | undefined,
    host: CElement,
  ): void {
    const findings = scope.run.findings;
    const v = item.value;
    if (!isObject(v)) {
      findings.push(issue(RULE.type, 'error', 'structure', item.path, text('An extension must be a JSON object', 'Una extensión debe ser un objeto JSON')));
      return;
    }
    const url = typeof v.url === 'string' ? v.url : undefined;
    const bar = url?.indexOf('|') ?? -1;
    const plainUrl = url && bar >= 0 ? url.slice(0, bar) : url;
    let extDef: CompiledDefinition | undefined;
    for (const p of def.types[0]?.profiles ?? []) {
      extDef = this.definition(p);
      if (extDef) break;
    }
    const absolute = !!plainUrl && isAbsoluteUrl(plainUrl);
    if (!extDef && absolute) {
      const candidate = this.definition(plainUrl!);
      if (candidate?.type === 'Extension') extDef = candidate;
    }
    const isModifier = def.name === 'modifierExtension';
    if (!extDef && def.sliceName) {
      // a sub-extension slice of a complex extension (relative url): the slice is its definition
      const container = this.containerFor(def, def.types[0]);
      if (container) {
        this.walkComplex(v, def, container, item.path, scope, false, 'Extension', plainUrl ?? parentExtensionUrl);
        this.checkInvariants(def.invariants, v, item.path, scope, 'Extension', def.basePath);
        return;
      }
    }
    if (extDef) {
      if (absolute && !def.sliceName) this.checkExtensionContext(extDef, plainUrl!, hostDef, hostType, item.path, scope, parentExtensionUrl);
      const modifierDef = extDef.root.isModifier;
      if (absolute && modifierDef !== isModifier) {
        findings.push(issue(RULE.extensionModifier, 'error', 'structure', item.path, text(
          modifierDef ? `The extension ${plainUrl} must be used as a modifierExtension` : `The extension ${plainUrl} must not be used as a modifierExtension`,
          modifierDef ? `La extensión ${plainUrl} debe usarse como modifierExtension` : `La extensión ${plainUrl} no debe usarse como modifierExtension`,
        )));
      }
      this.walkComplex(v, extDef.root, { host: extDef.root, typeRoot: undefined }, item.path, scope, false, 'Extension', plainUrl);
      this.checkInvariants(extDef.root.invariants, v, item.path, scope, 'Extension', 'Extension');
    } else {
      if (url === undefined) {
        // the walk against the base Extension reports the missing url
      } else if (!absolute) {
        if (host.sd.type === 'Extension' && host.sd.isProfile) {
          findings.push(issue(RULE.extensionUnknown, 'error', 'structure', item.path, text(
            `Sub-extension url '${url}' is not defined by the extension ${host.sd.url}`,
            `La subextensión '${url}' no está definida por la extensión ${host.sd.url}`,
          )));
        } else if (!parentExtensionUrl) {
          findings.push(issue(RULE.extensionUnknown, 'error', 'structure', item.path, text(
            `The extension url '${url}' must be an absolute URL`,
            `La url de extensión '${url}' debe ser una URL absoluta`,
          )));
        }
      } else if (XVER.test(plainUrl!)) {
        findings.push(issue(RULE.extensionUnknown, 'information', 'informational', item.path, text(
          `Cross-version extension ${plainUrl} is not validated`,
          `La extensión entre versiones ${plainUrl} no se valida`,
        )));
      } else if (exampleExtensionDomain(plainUrl!)) {
        findings.push(issue(RULE.extensionUnknown, 'warning', 'extension', item.path, text(
          `The extension ${plainUrl} is unknown (example domain), so its content cannot be checked`,
          `La extensión ${plainUrl} es desconocida (dominio de ejemplo), no se puede comprobar su contenido`,
        )));
      } else {
        findings.push(issue(RULE.extensionUnknown, 'error', 'structure', item.path, text(
          `The extension ${plainUrl} could not be found so is not allowed here`,
          `La extensión ${plainUrl} no se encuentra, por lo que no se permite aquí`,
        )));
      }
      const base = this.definition(EXTENSION_BASE);
      if (base) {
        this.walkComplex(v, base.root, { host: base.root, typeRoot: undefined }, item.path, scope, false, 'Extension', plainUrl ?? parentExtensionUrl);
        this.checkInvariants(base.root.invariants, v, item.path, scope, 'Extension', 'Extension');
      }
    }
    if (def !== hostDef && def.invariants.length > 0) {
      const own = elementOnlyInvariants(def);
      if (own.length > 0) this.checkInvariants(own, v, item.path, scope, 'Extension', def.basePath);
    }
  }

  private checkExtensionContext(
    extDef: CompiledDefinition,
    url: string,
    hostDef: CElement,
    hostType: string,
    path: string,
    scope: ResourceScope,
    parentExtensionUrl: string | undefined,
  ): void {
    const contexts = extDef.definition.context ?? [];
    if (contexts.length === 0) return;
    const names = new Set<string>([hostDef.basePath, hostDef.path, hostType, 'Element', ...this.typeAncestors(hostType)]);
    for (const c of contexts) {
      const expr = c.expression ?? '';
      if (c.type === 'fhirpath') return;
      if (c.type === 'extension') {
        if (parentExtensionUrl === expr) return;
        continue;
      }
      if (names.has(expr)) return;
    }
    scope.run.findings.push(issue(RULE.extensionContext, 'error', 'structure', path, text(
      `The extension ${url} is not allowed to be used at this point (allowed = ${contexts.map((c) => `${c.type === 'extension' ? 'x' : 'e'}:${c.expression}`).join(', ')}; this element is [${hostDef.basePath}; ${hostType}])`,
      `La extensión ${url} no puede usarse en este punto (permitido = ${contexts.map((c) => c.expression).join(', ')}; este elemento es [${hostDef.basePath}; ${hostType}])`,
    )));
  }

  private typeAncestors(type: string): Set<string> {
    let set = this.ancestors.get(type);
    if (set) return set;
    set = new Set<string>();
    let url: string | undefined = CORE_SD_PREFIX + type;
    for (let guard = 0; url && guard < 10; guard++) {
      const sd = this.registry.structureDefinition(url);
      if (!sd) break;
      if (sd.type) set.add(sd.type);
      url = sd.baseDefinition;
    }
    if (this.resourceTypes.has(type)) {
      set.add('Resource');
      set.add('DomainResource');
    }
    this.ancestors.set(type, set);
    return set;
  }

  // ---- slicing --------------------------------------------------------------------------------------

  private sliceTests(def: CElement, scope: ResourceScope): SliceTest[] {
    const cache = def.cache ?? (def.cache = new Map());
    const hit = cache.get('#slices') as SliceTest[] | undefined;
    if (hit) return hit;
    const discriminators = def.slicing?.discriminators ?? [];
    const isExtension = def.types[0]?.code === 'Extension';
    const tests: SliceTest[] = def.slices.map((slice) => {
      const list: SliceTest['tests'] = [];
      const ds = discriminators.length > 0 ? discriminators : isExtension ? [{ type: 'value' as const, path: 'url' }] : [];
      for (const d of ds) {
        const test = this.discriminatorTest(slice, d.type, d.path, isExtension, scope);
        if (test) list.push(test);
      }
      return { slice, tests: list };
    });
    cache.set('#slices', tests);
    return tests;
  }

  private discriminatorTest(slice: CElement, kind: string, path: string, isExtension: boolean, scope: ResourceScope): ((item: Item, scope: ResourceScope) => boolean) | undefined {
    if (isExtension && path === 'url') {
      const urlEl = slice.children.find((c) => c.name === 'url');
      const expected = (urlEl?.fixed as string | undefined) ?? slice.types[0]?.profiles[0]?.split('|')[0];
      if (!expected) return undefined;
      return (item) => isObject(item.value) && item.value.url === expected;
    }
    const resolves = path === 'resolve()' || path.endsWith('.resolve()');
    if (resolves && (kind === 'type' || kind === 'profile')) {
      // the slice is told by the resource the reference points to (in the Bundle or contained)
      const refPath = path === 'resolve()' ? '$this' : path.slice(0, -'.resolve()'.length);
      const refEl = refPath === '$this' ? slice : this.elementAt(slice, refPath);
      const refType = refEl?.types.find((t) => t.code === 'Reference');
      if (!refType) return undefined;
      if (kind === 'type') {
        const allowed = this.allowedTargets(refType);
        if (allowed === 'any') return undefined;
        return (item, sc) => this.resolveAll(navigateJson(item.value, refPath), sc).some((r) => allowed.has(String(r.resourceType)));
      }
      const profile = refType.targetProfiles[0];
      if (!profile) return undefined;
      return (item, sc) => this.resolveAll(navigateJson(item.value, refPath), sc).some((r) => this.conforms(r, profile, sc));
    }
    if (kind === 'type') {
      const target = path === '$this' ? slice : this.elementAt(slice, path);
      const codes = new Set((target?.types ?? []).map((t) => t.code));
      if (codes.size === 0) return undefined;
      return (item) => {
        const nodes = path === '$this' ? [item.value] : navigateJson(item.value, path);
        if (path === '$this' && item.type) return codes.has(item.type.code);
        return nodes.some((n) => isObject(n) && typeof n.resourceType === 'string' && codes.has(n.resourceType));
      };
    }
    const target = path === '$this' ? slice : this.elementAt(slice, path);
    if (!target) return undefined;
    if (kind === 'exists') {
      const mustExist = target.min > 0;
      const mustNot = target.max === 0;
      if (!mustExist && !mustNot) return undefined;
      return (item) => {
        const n = navigateJson(item.value, path).length;
        return mustExist ? n > 0 : n === 0;
      };
    }
    if (kind === 'profile') {
      const profile = target.types[0]?.profiles[0];
      if (!profile) return undefined;
      return (item, sc) => navigateJson(item.value, path).some((n) => this.conforms(n, profile, sc));
    }
    // value / pattern
    if (target.fixed !== undefined) {
      const fixed = target.fixed;
      return (item) => navigateJson(item.value, path).some((n) => deepEqual(n, fixed) || matchesPattern(n, fixed));
    }
    if (target.pattern !== undefined) {
      const pattern = target.pattern;
      return (item) => navigateJson(item.value, path).some((n) => matchesPattern(n, pattern));
    }
    const binding = target.binding;
    if (binding?.valueSet && binding.strength === 'required' && this.options.terminology) {
      const vs = binding.valueSet;
      const ts = this.options.terminology;
      return (item) =>
        navigateJson(item.value, path).some((n) => {
          if (typeof n === 'string') return ts.checkCode(vs, undefined, n).result === 'member';
          if (isObject(n) && typeof n.code === 'string') return ts.checkCode(vs, typeof n.system === 'string' ? n.system : undefined, n.code).result === 'member';
          if (isObject(n) && Array.isArray(n.coding)) {
            return n.coding.some((c) => isObject(c) && typeof c.code === 'string' && ts.checkCode(vs, typeof c.system === 'string' ? c.system : undefined, c.code).result === 'member');
          }
          return false;
        });
    }
    void scope;
    return undefined;
  }

  /** The element a discriminator path designates inside a slice, following types where not expanded. */
  private elementAt(start: CElement, path: string): CElement | undefined {
    let el: CElement | undefined = start;
    for (const raw of path.split('.')) {
      if (!el) return undefined;
      const seg = raw.replace(/\.?ofType\([^)]*\)$/, '');
      if (seg === '$this') continue;
      if (seg.startsWith('extension(')) {
        const url = /extension\('([^']*)'\)/.exec(seg)?.[1];
        const host: CElement | undefined = el.children.length > 0 ? el : this.containerFor(el, el.types[0])?.host;
        const extEl: CElement | undefined = host?.children.find((c) => c.name === 'extension');
        el = extEl?.slices.find((s) => s.types[0]?.profiles.some((p) => p.split('|')[0] === url)) ?? extEl;
        continue;
      }
      if (seg === 'resolve()') return undefined;
      const host: CElement | undefined = el.children.length > 0 ? el : this.containerFor(el, el.types[0])?.host;
      if (!host) return undefined;
      el = host.children.find((c) => c.name === seg || (c.isChoice && seg.startsWith(c.name)));
    }
    return el;
  }

  /** The resources References point to: contained ones (`#id`) or Bundle entries (a single match). */
  private resolveAll(refs: unknown[], scope: ResourceScope): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    for (const r of refs) {
      if (!isObject(r) || typeof r.reference !== 'string') continue;
      const ref = r.reference;
      if (ref.startsWith('#')) {
        const holder = containerOf(scope);
        const found = Array.isArray(holder.resource.contained) ? holder.resource.contained.find((c) => isObject(c) && c.id === ref.slice(1)) : undefined;
        if (isObject(found)) out.push(found);
        continue;
      }
      const matches = this.resolveInBundle(ref, scope);
      if (matches.length === 1 && isObject(matches[0]!.resource)) out.push(matches[0]!.resource);
    }
    return out;
  }

  private conforms(node: unknown, profile: string, scope: ResourceScope): boolean {
    if (!isObject(node)) return false;
    const memo = (scope.run.conformance ??= new WeakMap());
    let byProfile = memo.get(node);
    const known = byProfile?.get(profile);
    if (known !== undefined) return known;
    const sd = this.definition(profile);
    let ok = false;
    if (sd) {
      const run: Run = { findings: [], rootResource: scope.run.rootResource, conformance: memo };
      if (typeof node.resourceType === 'string' && sd.kind === 'resource') {
        this.validateResource(node, node.resourceType, run, scope, [profile], false, scope.bundle, scope.fullUrl);
      } else {
        const sub: ResourceScope = { ...scope, run, baseWalk: false, elementIds: new Map() };
        this.walkComplex(node, sd.root, { host: sd.root, typeRoot: undefined }, '$', sub, false, sd.type, undefined);
      }
      ok = !run.findings.some((f) => f.severity === 'error' || f.severity === 'fatal');
    }
    if (!byProfile) memo.set(node, (byProfile = new Map()));
    byProfile.set(profile, ok);
    return ok;
  }


  private assignSlices(def: CElement, items: Item[], path: string, scope: ResourceScope): (CElement | undefined)[] {
    const tests = this.sliceTests(def, scope);
    const assigned: (CElement | undefined)[] = items.map((item) => {
      for (const t of tests) {
        if (t.tests.length === 0) continue;
        if (t.tests.every((test) => test(item, scope))) return t.slice;
      }
      return undefined;
    });
    const rules = def.slicing?.rules ?? 'open';
    if (rules === 'closed') {
      for (let i = 0; i < items.length; i++) {
        if (assigned[i]) continue;
        scope.run.findings.push(issue(RULE.sliceUnmatched, 'error', 'structure', items[i]!.path, text(
          `This element does not match any known slice defined in the profile ${def.sd.url} and slicing is CLOSED: ${def.path}`,
          `Este elemento no coincide con ningún slice del perfil ${def.sd.url} y el slicing es CERRADO: ${def.path}`,
        )));
      }
    }
    this.checkSliceCounts(def, items, path, scope, assigned);
    return assigned;
  }

  private checkSliceCounts(def: CElement, items: Item[], path: string, scope: ResourceScope, assigned: (CElement | undefined)[] = []): void {
    for (const slice of def.slices) {
      let n = 0;
      for (let i = 0; i < items.length; i++) if (assigned[i] === slice) n++;
      if (n < slice.min) {
        scope.run.findings.push(issue(RULE.sliceCardinality, 'error', 'structure', path, text(
          `Slice '${def.path}:${slice.sliceName}': a matching slice is required, but not found (from ${def.sd.url})`,
          `Slice '${def.path}:${slice.sliceName}': se requiere un elemento que coincida con el slice, pero no se encuentra (de ${def.sd.url})`,
        )));
      } else if (n > slice.max) {
        scope.run.findings.push(issue(RULE.sliceCardinality, 'error', 'structure', path, text(
          `Slice '${def.path}:${slice.sliceName}': max allowed = ${slice.max}, but found ${n} (from ${def.sd.url})`,
          `Slice '${def.path}:${slice.sliceName}': máximo permitido = ${slice.max}, pero hay ${n} (de ${def.sd.url})`,
        )));
      }
    }
  }

  // ---- bindings -------------------------------------------------------------------------------------

  private checkBinding(def: CElement, code: string, value: unknown, path: string, scope: ResourceScope): void {
    const binding = def.binding!;
    const strength = binding.strength;
    if ((strength !== 'required' && strength !== 'extensible') || !binding.valueSet) return;
    const ts = this.options.terminology;
    if (!ts) return;
    const vs = binding.valueSet;
    const codings: { system: string | undefined; code: string }[] = [];
    if (code === 'code' || code === 'string' || code === 'uri') {
      if (typeof value === 'string') codings.push({ system: undefined, code: value });
    } else if (code === 'Coding' || code === 'Quantity') {
      if (isObject(value) && typeof value.code === 'string') {
        codings.push({ system: typeof value.system === 'string' ? value.system : undefined, code: value.code });
      } else return;
    } else if (code === 'CodeableConcept') {
      if (!isObject(value)) return;
      for (const c of Array.isArray(value.coding) ? value.coding : []) {
        if (isObject(c) && typeof c.code === 'string') codings.push({ system: typeof c.system === 'string' ? c.system : undefined, code: c.code });
      }
      if (codings.length === 0) {
        if (strength === 'required' && !value.extension) {
          scope.run.findings.push(issue(RULE.bindingRequired, 'warning', 'code-invalid', path, text(
            `No code provided, and a code is required from the value set ${vs}`,
            `No hay código, y se requiere un código del conjunto de valores ${vs}`,
          )));
        }
        return;
      }
    } else return;
    if (!ts.hasValueSet(vs)) {
      scope.run.findings.push(issue(RULE.valueSetUnknown, 'information', 'not-supported', path, text(
        `ValueSet ${vs} is not known, so the ${strength} binding cannot be checked`,
        `El conjunto de valores ${vs} es desconocido, no se puede comprobar el binding ${strength}`,
      )));
      return;
    }
    let member = false;
    let unknown = false;
    for (const c of codings) {
      const r = ts.checkCode(vs, c.system, c.code);
      if (r.result === 'member') {
        member = true;
        break;
      }
      if (r.result === 'unknown') unknown = true;
    }
    if (member || unknown) return;
    const shown = codings.map((c) => (c.system ? `${c.system}#${c.code}` : `'${c.code}'`)).join(', ');
    const severity: Severity = strength === 'required' ? 'error' : 'warning';
    scope.run.findings.push(issue(strength === 'required' ? RULE.bindingRequired : RULE.bindingExtensible, severity, 'code-invalid', path, text(
      strength === 'required'
        ? `The value provided (${shown}) was not found in the value set ${vs}, and a code is required from this value set`
        : `The value provided (${shown}) was not found in the value set ${vs}, and a code should come from this value set unless it has no suitable code`,
      strength === 'required'
        ? `El valor (${shown}) no está en el conjunto de valores ${vs}, y se requiere un código de este conjunto`
        : `El valor (${shown}) no está en el conjunto de valores ${vs}; debería usarse un código de este conjunto salvo que no haya uno adecuado`,
    )));
  }

  // ---- invariants -----------------------------------------------------------------------------------

  private checkInvariants(invariants: CInvariant[], node: unknown, path: string, scope: ResourceScope, type: string, elementPath: string): void {
    for (const inv of invariants) {
      // the base walk evaluates the base specification's invariants; a profile walk only adds its own
      if (inv.core && !scope.baseWalk) continue;
      let passed: boolean | undefined;
      if (inv.native) {
        if (inv.native === 'per-1') passed = periodOk(node);
        else if (inv.native === 'dom-6') passed = !isObject(node) || (isObject(node.text) && node.text.div !== undefined);
        else continue;
      } else {
        if (inv.fast) passed = inv.fast(node, scope);
        if (passed === undefined) {
          if (inv.guard && inv.guard(node)) continue;
          const evaluator = this.options.invariants;
          if (!evaluator) continue;
          const outcome = evaluator.evaluate(inv, node, { resource: scope.resource, rootResource: scope.run.rootResource, type, path: elementPath });
          if (outcome.passed === 'error') {
            scope.run.findings.push(issue(RULE.invariantError, 'warning', 'exception', path, text(
              `Problem evaluating invariant ${inv.key} (${inv.expression}): ${outcome.error}`,
              `Error al evaluar la restricción ${inv.key} (${inv.expression}): ${outcome.error}`,
            )));
            continue;
          }
          passed = outcome.passed;
        }
      }
      if (!passed) {
        scope.run.findings.push(issue(inv.key, inv.severity, 'invariant', path, text(
          `Constraint failed: ${inv.key}: '${inv.human}'`,
          `Restricción incumplida: ${inv.key}: '${inv.human}'`,
        )));
      }
    }
  }

  // ---- datatypes with extra rules -------------------------------------------------------------------

  private checkAttachment(obj: Record<string, unknown>, path: string, scope: ResourceScope): void {
    if (typeof obj.data !== 'string' || typeof obj.size !== 'number') return;
    if (checkPrimitive('base64Binary', obj.data)) return;
    const actual = base64Size(obj.data);
    if (actual !== obj.size) {
      scope.run.findings.push(issue(RULE.attachmentSize, 'error', 'value', path, text(
        `Stated Attachment Size ${obj.size} does not match actual attachment size ${actual}`,
        `El tamaño declarado del adjunto (${obj.size}) no coincide con el real (${actual})`,
      )));
    }
  }

  private allowedTargets(type: CType | undefined): Set<string> | 'any' {
    if (!type || type.targetProfiles.length === 0) return 'any';
    const hit = this.targetTypes.get(type);
    if (hit) return hit;
    let result: Set<string> | 'any' = new Set<string>();
    for (const p of type.targetProfiles) {
      const url = p.split('|')[0]!;
      let name: string | undefined;
      if (url.startsWith(CORE_SD_PREFIX) && !url.slice(CORE_SD_PREFIX.length).includes('/')) name = url.slice(CORE_SD_PREFIX.length);
      const sd = name && this.resourceTypes.has(name) ? undefined : this.registry.structureDefinition(url);
      if (sd?.type) name = sd.type;
      if (!name || name === 'Resource' || name === 'DomainResource') {
        result = 'any';
        break;
      }
      result.add(name);
    }
    this.targetTypes.set(type, result);
    return result;
  }

  private checkReference(obj: Record<string, unknown>, def: CElement, path: string, scope: ResourceScope): void {
    const ref = obj.reference;
    if (typeof ref !== 'string') return;
    const findings = scope.run.findings;
    if (ref.charCodeAt(0) === 35) {
      if (ref.length === 1) return;
      const holder = containerOf(scope);
      if (!holder.containedIds) {
        holder.containedIds = new Set();
        if (Array.isArray(holder.resource.contained)) {
          for (const c of holder.resource.contained) if (isObject(c) && typeof c.id === 'string') holder.containedIds.add(c.id);
        }
      }
      if (!holder.containedIds.has(ref.slice(1))) {
        findings.push(issue('ref-1', 'error', 'invariant', path, text(
          `Constraint failed: ref-1: 'SHALL have a contained resource if a local reference is provided' (unable to resolve '${ref}')`,
          `Restricción incumplida: ref-1: 'DEBE existir un recurso contenido si se da una referencia local' (no se resuelve '${ref}')`,
        )));
      }
      return;
    }
    const type = def.types.find((t) => t.code === 'Reference');
    let targetType = referenceType(ref, this.resourceTypes);
    if (scope.bundle) {
      const matches = this.resolveInBundle(ref, scope);
      if (matches.length > 1) {
        findings.push(issue(RULE.referenceAmbiguous, 'error', 'invalid', path, text(
          `Multiple matches in bundle for reference ${ref}`,
          `Varias coincidencias en el bundle para la referencia ${ref}`,
        )));
      } else if (matches.length === 1) {
        const rt = matches[0]!.resource;
        if (isObject(rt) && typeof rt.resourceType === 'string') targetType = rt.resourceType;
      } else if (ref.startsWith('urn:uuid:') || ref.startsWith('urn:oid:')) {
        const bundleType = scope.bundle.type ?? '';
        findings.push(issue(RULE.referenceUnresolved, SELF_CONTAINED.has(bundleType) ? 'error' : 'warning', 'not-found', path, text(
          `Unable to resolve the reference '${ref}' in the bundle`,
          `No se puede resolver la referencia '${ref}' en el bundle`,
        )));
      }
    }
    const allowed = this.allowedTargets(type);
    if (targetType && allowed !== 'any' && !allowed.has(targetType)) {
      findings.push(issue(RULE.referenceType, 'error', 'structure', path, text(
        `The type '${targetType}' implied by the reference '${ref}' is not a valid target for this element (must be one of ${[...allowed].join(', ')})`,
        `El tipo '${targetType}' de la referencia '${ref}' no es un destino válido para este elemento (debe ser uno de ${[...allowed].join(', ')})`,
      )));
    }
    if (targetType && typeof obj.type === 'string' && obj.type !== targetType && this.resourceTypes.has(obj.type)) {
      findings.push(issue(RULE.referenceType, 'error', 'structure', path, text(
        `The reference '${ref}' points to a ${targetType} but Reference.type says ${obj.type}`,
        `La referencia '${ref}' apunta a un ${targetType} pero Reference.type indica ${obj.type}`,
      )));
    }
  }

  /** Bundle entries a reference resolves to, following the fullUrl rules of the FHIR specification. */
  resolveInBundle(ref: string, from: { bundle: BundleIndex | undefined; fullUrl: string | undefined }): { index: number; resource: unknown }[] {
    const bundle = from.bundle;
    if (!bundle) return [];
    return bundle.resolve(ref, from.fullUrl);
  }
}

// ---- helpers ----------------------------------------------------------------------------------------

const require = createRequire(import.meta.url);
let parseFhirpath: ((expression: string) => unknown) | undefined;

/** fhirpath.js takes ~100 ms to load: only the rare checks that need its parser pay for it. */
function fhirpathParser(): (expression: string) => unknown {
  parseFhirpath ??= (require('fhirpath') as { parse: (expression: string) => unknown }).parse;
  return parseFhirpath;
}

const VALUESET_PARAMETER = 'http://hl7.org/fhir/tools/StructureDefinition/valueset-parameter';
const CQF_EXPRESSION = 'http://hl7.org/fhir/StructureDefinition/cqf-expression';
const STANDARD_VARIABLES = new Set(['resource', 'rootResource', 'context', 'ucum', 'sct', 'loinc', 'us-zip', 'factory', 'terminologies', 'server']);

const narrativeFree = new WeakMap<CElement, CInvariant[]>();
const elementOnly = new WeakMap<CElement, CInvariant[]>();

/** The invariants an extension element adds to those of the Extension definition itself. */
function elementOnlyInvariants(def: CElement): CInvariant[] {
  let list = elementOnly.get(def);
  if (!list) elementOnly.set(def, (list = def.invariants.filter((i) => i.key !== 'ext-1' && !i.native)));
  return list;
}

function withoutNarrativeRule(root: CElement): CInvariant[] {
  let list = narrativeFree.get(root);
  if (!list) narrativeFree.set(root, (list = root.invariants.filter((i) => i.key !== 'dom-6')));
  return list;
}

function containerOf(scope: ResourceScope): ResourceScope {
  // a contained resource shares its container's hash set: local references resolve in the container
  let s = scope;
  while (s.parent && s.parent.hashRefs === s.hashRefs) s = s.parent;
  return s;
}

const REST_REF = /(?:^|\/)([A-Z][A-Za-z]+)\/[A-Za-z0-9\-.]{1,64}(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

function referenceType(ref: string, types: Set<string>): string | undefined {
  const m = REST_REF.exec(ref);
  if (!m) return undefined;
  return types.has(m[1]!) ? m[1] : undefined;
}

/** Navigation for slice discriminators: plain paths, `$this`, `extension('url')`, `ofType(T)`. */
function navigateJson(value: unknown, path: string): unknown[] {
  let nodes: unknown[] = [value];
  for (const raw of path.split('.')) {
    if (raw === '$this' || raw === '') continue;
    if (raw.startsWith('ofType(')) continue;
    const ext = /^extension\('([^']*)'\)$/.exec(raw);
    if (ext) {
      const url = ext[1];
      nodes = navigate(nodes, 'extension').filter((e) => isObject(e) && e.url === url);
      continue;
    }
    if (raw === 'resolve()') return [];
    nodes = navigate(nodes, raw);
  }
  return nodes;
}

function describeKind(v: unknown): string {
  if (Array.isArray(v)) return 'an Array';
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'object') return 'an Object';
  return `a ${typeof v}`;
}

/** per-1: start <= end; mixed precisions that cannot be ordered fail, as in the HL7 validator. */
function periodOk(node: unknown): boolean {
  if (!isObject(node) || typeof node.start !== 'string' || typeof node.end !== 'string') return true;
  const start = node.start;
  const end = node.end;
  const hasTime = (s: string): boolean => s.includes('T');
  if (hasTime(start) && hasTime(end)) {
    const a = Date.parse(start);
    const b = Date.parse(end);
    if (Number.isNaN(a) || Number.isNaN(b)) return true;
    return a <= b;
  }
  if (!hasTime(start) && !hasTime(end)) {
    if (start.length === end.length) return start <= end;
    const n = Math.min(start.length, end.length);
    const a = start.slice(0, n);
    const b = end.slice(0, n);
    return a < b;
  }
  // one has a time, the other not: comparable only when the dates differ
  const a = start.slice(0, 10);
  const b = end.slice(0, 10);
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) < b.slice(0, n);
}

function dedupe(findings: Finding[]): Finding[] {
  // the base and profile walks can report the same thing; same rule, place and text is one finding
  const seen = new Map<string, Finding[]>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = f.ruleId + '\u0000' + f.location;
    const same = seen.get(key);
    if (same?.some((g) => g.message.en === f.message.en)) continue;
    if (same) same.push(f);
    else seen.set(key, [f]);
    out.push(f);
  }
  return out;
}

