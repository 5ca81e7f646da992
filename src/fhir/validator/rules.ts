/**
 * Bindings to value sets and invariants (FHIRPath constraints) of an element.
 */
import type { Severity } from '../../findings/finding.ts';
import type { CElement, CInvariant } from './compile.ts';
import type { ValidatorContext } from './context.ts';
import { isObject } from './json.ts';
import { issue, RULE, text } from './messages.ts';
import type { ResourceScope } from './scope.ts';
import { periodOk } from './support.ts';

export function checkBinding(sv: ValidatorContext, def: CElement, code: string, value: unknown, path: string, scope: ResourceScope): void {
  const binding = def.binding!;
  const strength = binding.strength;
  if ((strength !== 'required' && strength !== 'extensible') || !binding.valueSet) return;
  const ts = sv.options.terminology;
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
        scope.run.findings.push(
          issue(
            RULE.bindingRequired,
            'warning',
            'code-invalid',
            path,
            text(`No code provided, and a code is required from the value set ${vs}`, `No hay código, y se requiere un código del conjunto de valores ${vs}`),
          ),
        );
      }
      return;
    }
  } else return;
  if (!ts.hasValueSet(vs)) {
    scope.run.findings.push(
      issue(
        RULE.valueSetUnknown,
        'information',
        'not-supported',
        path,
        text(`ValueSet ${vs} is not known, so the ${strength} binding cannot be checked`, `El conjunto de valores ${vs} es desconocido, no se puede comprobar el binding ${strength}`),
      ),
    );
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
  scope.run.findings.push(
    issue(
      strength === 'required' ? RULE.bindingRequired : RULE.bindingExtensible,
      severity,
      'code-invalid',
      path,
      text(
        strength === 'required'
          ? `The value provided (${shown}) was not found in the value set ${vs}, and a code is required from this value set`
          : `The value provided (${shown}) was not found in the value set ${vs}, and a code should come from this value set unless it has no suitable code`,
        strength === 'required'
          ? `El valor (${shown}) no está en el conjunto de valores ${vs}, y se requiere un código de este conjunto`
          : `El valor (${shown}) no está en el conjunto de valores ${vs}; debería usarse un código de este conjunto salvo que no haya uno adecuado`,
      ),
    ),
  );
}

export function checkInvariants(sv: ValidatorContext, invariants: CInvariant[], node: unknown, path: string, scope: ResourceScope, type: string, elementPath: string): void {
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
        const evaluator = sv.options.invariants;
        if (!evaluator) continue;
        const outcome = evaluator.evaluate(inv, node, { resource: scope.resource, rootResource: scope.run.rootResource, type, path: elementPath });
        if (outcome.passed === 'error') {
          scope.run.findings.push(
            issue(
              RULE.invariantError,
              'warning',
              'exception',
              path,
              text(`Problem evaluating invariant ${inv.key} (${inv.expression}): ${outcome.error}`, `Error al evaluar la restricción ${inv.key} (${inv.expression}): ${outcome.error}`),
            ),
          );
          continue;
        }
        passed = outcome.passed;
      }
    }
    if (!passed) {
      scope.run.findings.push(issue(inv.key, inv.severity, 'invariant', path, text(`Constraint failed: ${inv.key}: '${inv.human}'`, `Restricción incumplida: ${inv.key}: '${inv.human}'`)));
    }
  }
}
