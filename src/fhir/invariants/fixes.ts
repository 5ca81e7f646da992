/**
 * Base R4 invariants whose published FHIRPath does not say what their `human` text says, and the
 * expressions the HL7 validator evaluates instead (the R4 entries of its FHIRPathExpressionFixer; the ones
 * that 4.0.1 already fixed are left out), plus the rewrites that fhirpath.js needs to reach the same verdicts
 * as the HL7 engine. Matching is on the exact published text (and the key, where there is one), so a profile
 * that writes its own expression is untouched.
 */

export interface ExpressionFix {
  key?: string;
  /** The published expression; absent when the HL7 validator replaces the key's expression whatever it is. */
  expression?: string;
  replacement: string;
  why: string;
}

const R4_REF_1 = "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))";
const R4_DOM_3 =
  "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()";
const R4B_DOM_3 =
  "contained.where(((id.exists() and ('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url)))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(uri) = '#').exists()).not()).trace('unmatched', id).empty()";

/** The HL7 engine's as() function keeps the items of the type; fhirpath.js's throws on more than one item. */
const asToOfType = (expression: string): string => expression.replace(/\.as\(/g, '.ofType(');

export const EXPRESSION_FIXES: readonly ExpressionFix[] = [
  {
    key: 'ref-1',
    expression: R4_REF_1,
    replacement: `reference.exists() implies (reference = '#' or (${R4_REF_1}))`,
    why: "empty when Reference.reference is absent (only identifier/display) and '#' (the container) is legal: HL7 fix",
  },
  {
    key: 'dom-3',
    expression: R4_DOM_3,
    replacement: asToOfType(R4_DOM_3),
    why: 'descendants().as(canonical) is a filter in the HL7 engine but an error on a collection in fhirpath.js',
  },
  {
    key: 'dom-3',
    expression: R4B_DOM_3,
    replacement: asToOfType(R4B_DOM_3),
    why: 'descendants().as(canonical) is a filter in the HL7 engine but an error on a collection in fhirpath.js',
  },
  {
    key: 'dom-6',
    expression: 'text.`div`.exists()',
    replacement: '(%rootResource != $this) or text.`div`.exists()',
    why: 'a contained resource needs no narrative of its own: HL7 fix',
  },
  {
    expression: "fullUrl.contains('/_history/').not()",
    replacement: "fullUrl.exists() implies fullUrl.contains('/_history/').not()",
    why: 'bdl-8 before 4.0.1: empty (so failing) for an entry without fullUrl: HL7 fix',
  },
  {
    expression: "name.matches('[A-Z]([A-Za-z0-9_]){0,254}')",
    replacement: "name.exists() implies name.matches('^[A-Z]([A-Za-z0-9_]){0,254}$')",
    why: 'the *-0 name rules: empty without a name, and unanchored: HL7 fix',
  },
  {
    key: 'eld-19',
    expression: "path.matches('[^\\\\s\\\\.,:;\\\\\\'\"\\\\/|?!@#$%&*()\\\\[\\\\]{}]{1,64}(\\\\.[^\\\\s\\\\.,:;\\\\\\'\"\\\\/|?!@#$%&*()\\\\[\\\\]{}]{1,64}(\\\\[x\\\\])?(\\\\:[^\\\\s\\\\.]+)?)*')",
    replacement: "path.matches('^[^\\\\s\\\\.,:;\\\\\\'\"\\\\/|?!@#$%&*()\\\\[\\\\]{}]{1,64}(\\\\.[^\\\\s\\\\.,:;\\\\\\'\"\\\\/|?!@#$%&*()\\\\[\\\\]{}]{1,64}(\\\\[x\\\\])?(\\\\:[^\\\\s\\\\.]+)?)*$')",
    why: 'unanchored regex accepts any path with one valid character: HL7 fix',
  },
  {
    key: 'eld-20',
    expression: "path.matches('[A-Za-z][A-Za-z0-9]*(\\\\.[a-z][A-Za-z0-9]*(\\\\[x])?)*')",
    replacement: "path.matches('^[A-Za-z][A-Za-z0-9]*(\\\\.[a-z][A-Za-z0-9]*(\\\\[x])?)*$')",
    why: 'unanchored regex: HL7 fix',
  },
  {
    key: 'que-7',
    expression: "operator = 'exists' implies (answer is Boolean)",
    replacement: "operator = 'exists' implies (answer is boolean)",
    why: 'FHIR.boolean is not System.Boolean in fhirpath.js; the HL7 engine compares type names ignoring case',
  },
  {
    expression: 'enableWhen.count() > 2 implies enableBehavior.exists()',
    replacement: 'enableWhen.count() >= 2 implies enableBehavior.exists()',
    why: 'enableBehavior is needed from two conditions on: HL7 fix',
  },
];

const byExpression = new Map<string, ExpressionFix[]>();
const byKeyOnly = new Map<string, ExpressionFix>();
for (const fix of EXPRESSION_FIXES) {
  if (fix.expression === undefined) {
    if (fix.key) byKeyOnly.set(fix.key, fix);
    continue;
  }
  const list = byExpression.get(fix.expression);
  if (list) list.push(fix);
  else byExpression.set(fix.expression, [fix]);
}

/** The expression to evaluate for an invariant: its published text, or the fix that applies to it. */
export function effectiveExpression(key: string, expression: string): string {
  for (const fix of byExpression.get(expression) ?? []) if (fix.key === undefined || fix.key === key) return fix.replacement;
  return byKeyOnly.get(key)?.replacement ?? expression;
}

export const BASE_EXPRESSIONS = { ref1: R4_REF_1, dom3: R4_DOM_3, dom3r4b: R4B_DOM_3 } as const;
