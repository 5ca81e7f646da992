/**
 * Extensions: resolution of the extension definition, its value and where it may be used.
 */
import { CORE_SD_PREFIX } from '../definitions/registry.ts';
import type { CElement, CompiledDefinition } from './compile.ts';
import type { ValidatorContext } from './context.ts';
import { containerFor } from './items.ts';
import { isObject } from './json.ts';
import { issue, RULE, text } from './messages.ts';
import { isAbsoluteUrl } from './primitives.ts';
import { isExampleUrl } from './reference-forms.ts';
import { checkInvariants } from './rules.ts';
import type { Item, ResourceScope } from './scope.ts';
import { extraExtensionContexts } from './spec-rules/errata.ts';
import { EXTENSION_BASE, elementOnlyInvariants, exampleExtensionDomain, XVER } from './support.ts';

export function validateExtension(
  sv: ValidatorContext,
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
    extDef = sv.definition(p);
    if (extDef) break;
  }
  const absolute = !!plainUrl && isAbsoluteUrl(plainUrl);
  if (!extDef && absolute) {
    const candidate = sv.definition(plainUrl!);
    if (candidate?.type === 'Extension') extDef = candidate;
  }
  const isModifier = def.name === 'modifierExtension';
  if (!extDef && def.sliceName) {
    // a sub-extension slice of a complex extension (relative url): the slice is its definition
    const container = containerFor(sv, def, def.types[0]);
    if (container) {
      sv.walkComplex(sv, v, def, container, item.path, scope, false, 'Extension', plainUrl ?? parentExtensionUrl);
      checkInvariants(sv, def.invariants, v, item.path, scope, 'Extension', def.basePath);
      return;
    }
  }
  if (extDef) {
    if (absolute && !def.sliceName) checkExtensionContext(sv, extDef, plainUrl!, hostDef, hostType, item.path, scope, parentExtensionUrl);
    const modifierDef = extDef.root.isModifier;
    if (absolute && modifierDef !== isModifier) {
      findings.push(
        issue(
          RULE.extensionModifier,
          'error',
          'structure',
          item.path,
          text(
            modifierDef ? `The extension ${plainUrl} must be used as a modifierExtension` : `The extension ${plainUrl} must not be used as a modifierExtension`,
            modifierDef ? `La extensión ${plainUrl} debe usarse como modifierExtension` : `La extensión ${plainUrl} no debe usarse como modifierExtension`,
          ),
        ),
      );
    }
    sv.walkComplex(sv, v, extDef.root, { host: extDef.root, typeRoot: undefined }, item.path, scope, false, 'Extension', plainUrl);
    checkInvariants(sv, extDef.root.invariants, v, item.path, scope, 'Extension', 'Extension');
  } else {
    if (url === undefined) {
      // the walk against the base Extension reports the missing url
    } else if (!absolute) {
      if (host.sd.type === 'Extension' && host.sd.isProfile) {
        findings.push(
          issue(
            RULE.extensionUnknown,
            'error',
            'structure',
            item.path,
            text(`Sub-extension url '${url}' is not defined by the extension ${host.sd.url}`, `La subextensión '${url}' no está definida por la extensión ${host.sd.url}`),
          ),
        );
      } else if (!parentExtensionUrl) {
        findings.push(
          issue(RULE.extensionUnknown, 'error', 'structure', item.path, text(`The extension url '${url}' must be an absolute URL`, `La url de extensión '${url}' debe ser una URL absoluta`)),
        );
      }
    } else if (XVER.test(plainUrl!)) {
      findings.push(
        issue(RULE.extensionUnknown, 'information', 'informational', item.path, text(`Cross-version extension ${plainUrl} is not validated`, `La extensión entre versiones ${plainUrl} no se valida`)),
      );
    } else if (exampleExtensionDomain(plainUrl!) && !(sv.options.exampleUrls === 'reject' && isExampleUrl(plainUrl!))) {
      findings.push(
        issue(
          RULE.extensionUnknown,
          'warning',
          'extension',
          item.path,
          text(
            `The extension ${plainUrl} is unknown (example domain), so its content cannot be checked`,
            `La extensión ${plainUrl} es desconocida (dominio de ejemplo), no se puede comprobar su contenido`,
          ),
        ),
      );
    } else {
      findings.push(
        issue(
          RULE.extensionUnknown,
          'error',
          'structure',
          item.path,
          text(`The extension ${plainUrl} could not be found so is not allowed here`, `La extensión ${plainUrl} no se encuentra, por lo que no se permite aquí`),
        ),
      );
    }
    const base = sv.definition(EXTENSION_BASE);
    if (base) {
      sv.walkComplex(sv, v, base.root, { host: base.root, typeRoot: undefined }, item.path, scope, false, 'Extension', plainUrl ?? parentExtensionUrl);
      checkInvariants(sv, base.root.invariants, v, item.path, scope, 'Extension', 'Extension');
    }
  }
  if (def !== hostDef && def.invariants.length > 0) {
    const own = elementOnlyInvariants(def);
    if (own.length > 0) checkInvariants(sv, own, v, item.path, scope, 'Extension', def.basePath);
  }
}

export function checkExtensionContext(
  sv: ValidatorContext,
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
  const names = new Set<string>([hostDef.basePath, hostDef.path, hostType, 'Element', ...typeAncestors(sv, hostType)]);
  for (const c of contexts) {
    const expr = c.expression ?? '';
    if (c.type === 'fhirpath') return;
    if (c.type === 'extension') {
      if (parentExtensionUrl === expr) return;
      continue;
    }
    if (names.has(expr)) return;
  }
  if (extraExtensionContexts(url).some((p) => names.has(p))) return;
  scope.run.findings.push(
    issue(
      RULE.extensionContext,
      'error',
      'structure',
      path,
      text(
        `The extension ${url} is not allowed to be used at this point (allowed = ${contexts.map((c) => `${c.type === 'extension' ? 'x' : 'e'}:${c.expression}`).join(', ')}; this element is [${hostDef.basePath}; ${hostType}])`,
        `La extensión ${url} no puede usarse en este punto (permitido = ${contexts.map((c) => c.expression).join(', ')}; este elemento es [${hostDef.basePath}; ${hostType}])`,
      ),
    ),
  );
}

export function typeAncestors(sv: ValidatorContext, type: string): Set<string> {
  let set = sv.ancestors.get(type);
  if (set) return set;
  set = new Set<string>();
  let url: string | undefined = CORE_SD_PREFIX + type;
  for (let guard = 0; url && guard < 10; guard++) {
    const sd = sv.registry.structureDefinition(url);
    if (!sd) break;
    if (sd.type) set.add(sd.type);
    url = sd.baseDefinition;
  }
  if (sv.resourceTypes.has(type)) {
    set.add('Resource');
    set.add('DomainResource');
  }
  sv.ancestors.set(type, set);
  return set;
}
