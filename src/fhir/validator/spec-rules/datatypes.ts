/**
 * Data type rules the R4 specification states in prose, beyond the invariants of the type definitions:
 *  - Coding.system (datatypes.html#Coding, terminologies.html#4.1): the code system's absolute URI — not a local
 *    reference, and not the canonical URL of a value set (a value set selects codes, it does not define them);
 *  - Identifier.system (datatypes.html#Identifier): an absolute URI that establishes the namespace; with the system
 *    `urn:ietf:rfc:3986` (identifiers.html) the value is itself an absolute URI.
 * Only what the reference also reports: it limits Coding.system to http:, https: and urn:, Sello only refuses what
 * has no scheme at all (never stricter than the specification, which asks for an absolute URI).
 */
import type { ValidatorContext } from '../context.ts';
import { issue, RULE, text } from '../messages.ts';
import { isAbsoluteUrl } from '../primitives.ts';
import type { ResourceScope } from '../scope.ts';

/** Whether a URL names a known ValueSet and no CodeSystem, cached per registry (bindings make the same ask). */
const valueSetOnly = new WeakMap<object, Map<string, boolean>>();

function isValueSetUrl(sv: ValidatorContext, url: string): boolean {
  let cache = valueSetOnly.get(sv.registry);
  if (!cache) valueSetOnly.set(sv.registry, (cache = new Map()));
  let known = cache.get(url);
  if (known === undefined) {
    known = sv.registry.valueSet(url) !== undefined && sv.registry.codeSystem(url) === undefined;
    cache.set(url, known);
  }
  return known;
}

export function checkCodingSystem(sv: ValidatorContext, coding: Record<string, unknown>, path: string, scope: ResourceScope): void {
  const system = coding.system;
  // The reference checks the system of codes it validates: a Coding with a code.
  if (typeof system !== 'string' || typeof coding.code !== 'string') return;
  if (!isAbsoluteUrl(system)) {
    scope.run.findings.push(
      issue(
        RULE.codingSystemRelative,
        'error',
        'code-invalid',
        `${path}.system`,
        text('Coding.system must be an absolute reference, not a local reference', 'Coding.system debe ser una referencia absoluta, no local'),
      ),
    );
  } else if (isValueSetUrl(sv, system)) {
    scope.run.findings.push(
      issue(
        RULE.codingSystemValueSet,
        'error',
        'code-invalid',
        `${path}.system`,
        text(`The Coding references a value set, not a code system ('${system}')`, `El Coding nombra un conjunto de valores, no un sistema de códigos ('${system}')`),
      ),
    );
  }
}

export function checkIdentifierSystem(identifier: Record<string, unknown>, path: string, scope: ResourceScope): void {
  const system = identifier.system;
  if (typeof system !== 'string') return;
  if (!isAbsoluteUrl(system)) {
    scope.run.findings.push(
      issue(
        RULE.identifierSystemRelative,
        'error',
        'code-invalid',
        path,
        text('Identifier.system must be an absolute reference, not a local reference', 'Identifier.system debe ser una referencia absoluta, no local'),
      ),
    );
  } else if (system === 'urn:ietf:rfc:3986' && typeof identifier.value === 'string' && !isAbsoluteUrl(identifier.value)) {
    scope.run.findings.push(
      issue(
        RULE.identifierUriValue,
        'error',
        'code-invalid',
        path,
        text(
          `if identifier.system is 'urn:ietf:rfc:3986', then the identifier.value must be a full URI (e.g. start with a scheme), not '${identifier.value}'`,
          `si identifier.system es 'urn:ietf:rfc:3986', identifier.value debe ser una URI completa (con esquema), no '${identifier.value}'`,
        ),
      ),
    );
  }
}
