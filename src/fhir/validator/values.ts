/**
 * Values of a type: primitives (format, whitespace, fixed and pattern values), the extensions of
 * primitives, nested complex values and attachments.
 */
import type { CElement, CompiledDefinition, CType } from './compile.ts';
import type { ValidatorContext } from './context.ts';
import { validateExtension } from './extensions.ts';
import { collectItems, typeDefinition } from './items.ts';
import { isObject } from './json.ts';
import { issue, RULE, text } from './messages.ts';
import { base64Size, checkPrimitive } from './primitives.ts';
import { checkContainedId, checkUriValue } from './reference-forms.ts';
import { checkBinding } from './rules.ts';
import type { Item, ResourceScope } from './scope.ts';
import { conforms } from './slicing.ts';
import { WHITESPACE_END, WHITESPACE_START } from './support.ts';
import { checkXhtml, looksLikeHtml } from './xhtml.ts';

/** Whether a character may be one that \s matches: printable ASCII never is, and every string value is tested. */
const mayBeSpace = (c: number): boolean => c <= 32 || c >= 127;

export function validatePrimitive(sv: ValidatorContext, item: Item, def: CElement, type: CType, scope: ResourceScope): void {
  const findings = scope.run.findings;
  const v = item.value;
  if (v === undefined) {
    if (item.ext === undefined) {
      findings.push(
        issue(
          'ele-1',
          'error',
          'invariant',
          item.path,
          text('Constraint failed: ele-1: All FHIR elements must have a @value or children', 'Restricción incumplida: ele-1: todo elemento FHIR debe tener un valor o hijos'),
        ),
      );
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
      if (type.code === 'string' && ((mayBeSpace(v.charCodeAt(0)) && WHITESPACE_START.test(v)) || (mayBeSpace(v.charCodeAt(v.length - 1)) && WHITESPACE_END.test(v)))) {
        findings.push(
          issue(
            RULE.stringWhitespace,
            'warning',
            'value',
            item.path,
            text(
              v.trim() === '' ? `The value '${v}' is all whitespace` : `The value should not start or finish with whitespace ('${v.length > 40 ? v.slice(0, 37) + '...' : v}')`,
              v.trim() === '' ? `El valor '${v}' solo contiene espacios` : 'El valor no debería empezar ni terminar con espacios',
            ),
          ),
        );
      }
      if (def.maxLength !== undefined && v.length > def.maxLength) {
        findings.push(
          issue(RULE.maxLength, 'error', 'value', item.path, text(`The value is longer than the maximum length of ${def.maxLength}`, `El valor supera la longitud máxima de ${def.maxLength}`)),
        );
      }
      if (type.code === 'xhtml') {
        for (const p of checkXhtml(v)) {
          findings.push(issue(p.key, 'error', 'invariant', item.path, text(`Constraint failed: ${p.key}: ${p.en}`, `Restricción incumplida: ${p.key}: ${p.es}`)));
        }
      } else if (type.code === 'markdown' && looksLikeHtml(v)) {
        // GFM would pass raw HTML through; the presentation layer escapes it (or SHOULD): a warning, as the reference has it
        findings.push(
          issue(
            RULE.markdownHtml,
            'warning',
            'invalid',
            item.path,
            text(
              'The markdown contains content that appears to be an embedded HTML tag. This will (or SHOULD) be escaped by the presentation layer',
              'El markdown contiene lo que parece una etiqueta HTML incrustada. La capa de presentación la escapará (o DEBERÍA)',
            ),
          ),
        );
      } else if (sv.options.securityChecks && looksLikeHtml(v)) {
        findings.push(
          issue(
            RULE.securityHtml,
            'error',
            'security',
            item.path,
            text(
              'The string value contains text that looks like embedded HTML tags, which are not allowed for security reasons in this context',
              'El texto contiene lo que parecen etiquetas HTML incrustadas, no permitidas por seguridad en este contexto',
            ),
          ),
        );
      }
      if (type.code === 'uri' || type.code === 'url' || type.code === 'canonical') checkUriValue(sv, v, def, type, item.path, scope);
    }
    if (def.fixed !== undefined && v !== def.fixed) {
      findings.push(
        issue(RULE.fixed, 'error', 'value', item.path, text(`Value is '${String(v)}' but must be '${String(def.fixed)}'`, `El valor es '${String(v)}' pero debe ser '${String(def.fixed)}'`)),
      );
    }
    if (def.pattern !== undefined && v !== def.pattern) {
      findings.push(
        issue(RULE.pattern, 'error', 'value', item.path, text(`Value is '${String(v)}' but must be '${String(def.pattern)}'`, `El valor es '${String(v)}' pero debe ser '${String(def.pattern)}'`)),
      );
    }
    if (def.binding && !problem && typeof v === 'string') checkBinding(sv, def, type.code, v, item.path, scope);
  }
  if (item.ext !== undefined) {
    if (!isObject(item.ext)) {
      findings.push(
        issue(
          RULE.jsonShape,
          'error',
          'structure',
          item.path,
          text('The primitive extension part (_property) must be a JSON object', 'La parte de extensión del primitivo (_propiedad) debe ser un objeto JSON'),
        ),
      );
      return;
    }
    const typeDef = typeDefinition(sv, type);
    if (!typeDef) return;
    walkPrimitiveExtension(sv, item.ext, def, typeDef, type.code, item.path, scope);
  }
}

/** `_birthDate: { id, extension }`: the element's id and extensions, never a value. */
export function walkPrimitiveExtension(sv: ValidatorContext, ext: Record<string, unknown>, def: CElement, typeDef: CompiledDefinition, typeName: string, path: string, scope: ResourceScope): void {
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
    findings.push(issue(RULE.unknownElement, 'error', 'structure', `${path}.${key}`, text(`The property '${key}' is invalid`, `La propiedad '${key}' no es válida`)));
  }
  if (count === 0) {
    findings.push(
      issue(
        'ele-1',
        'error',
        'invariant',
        path,
        text('Constraint failed: ele-1: All FHIR elements must have a @value or children', 'Restricción incumplida: ele-1: todo elemento FHIR debe tener un valor o hijos'),
      ),
    );
  }
  const extDef = root.jsonChildren.get('extension');
  if (ext.extension === undefined || !extDef) return;
  const items = collectItems(sv, ext, extDef, path, findings);
  for (const item of items) validateExtension(sv, item, extDef.element, def, typeName, scope, undefined, root);
}

export function validateNested(sv: ValidatorContext, item: Item, def: CElement, type: CType, scope: ResourceScope, owner: Record<string, unknown>): void {
  const v = item.value;
  if (!isObject(v)) {
    scope.run.findings.push(
      issue(RULE.type, 'error', 'structure', item.path, text(`The property ${def.name} must be a JSON object (a resource)`, `La propiedad ${def.name} debe ser un objeto JSON (un recurso)`)),
    );
    return;
  }
  const allowed = def.types.map((t) => t.code);
  const rt = v.resourceType;
  if (typeof rt === 'string' && !allowed.includes('Resource') && !allowed.includes('DomainResource') && !allowed.includes(rt)) {
    scope.run.findings.push(
      issue(
        RULE.type,
        'error',
        'structure',
        item.path,
        text(`The resource type ${rt} is not allowed here (allowed: ${allowed.join(', ')})`, `El tipo de recurso ${rt} no está permitido aquí (permitidos: ${allowed.join(', ')})`),
      ),
    );
  }
  const contained = def.basePath === 'DomainResource.contained';
  if (contained && scope.baseWalk) checkContainedId(owner, v, item.path, scope);
  const isEntry = def.basePath === 'Bundle.entry.resource';
  const bundle = isEntry ? (scope.ownBundle ?? scope.bundle) : scope.bundle;
  const fullUrl = isEntry ? (typeof owner.fullUrl === 'string' ? owner.fullUrl : undefined) : scope.fullUrl;
  const extra = scope.baseWalk ? (typeof rt === 'string' && sv.options.globalProfiles?.get(rt)) || [] : type.profiles;
  if (!scope.baseWalk && extra.length === 0) return;
  // several profiles on a type are alternatives (ElementDefinition.type.profile): one that holds is enough
  const holding = !scope.baseWalk && extra.length > 1 ? extra.find((p) => conforms(sv, v, p, { ...scope, bundle, fullUrl })) : undefined;
  sv.validateResource(sv, v, item.path, scope.run, scope, holding ? [holding] : extra, scope.baseWalk, bundle, fullUrl, contained);
}

export function checkAttachment(sv: ValidatorContext, obj: Record<string, unknown>, path: string, scope: ResourceScope): void {
  if (typeof obj.data !== 'string' || typeof obj.size !== 'number') return;
  if (checkPrimitive('base64Binary', obj.data)) return;
  const actual = base64Size(obj.data);
  if (actual !== obj.size) {
    scope.run.findings.push(
      issue(
        RULE.attachmentSize,
        'error',
        'value',
        path,
        text(`Stated Attachment Size ${obj.size} does not match actual attachment size ${actual}`, `El tamaño declarado del adjunto (${obj.size}) no coincide con el real (${actual})`),
      ),
    );
  }
}
