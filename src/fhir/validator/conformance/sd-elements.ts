/**
 * ElementDefinitions of a StructureDefinition, as the HL7 validator's StructureDefinitionValidator checks
 * each one (R4 elementdefinition.html): a binding, maxLength or min/maxValue only where one of the
 * element's types can carry it (the type characteristics the reference infers for R4 types), and in a
 * snapshot every element below the root has a type or a content reference, and its fixed, pattern and
 * default values are of one of its types.
 */
import { typeCode } from '../../definitions/snapshot.ts';
import { isObject } from '../json.ts';
import type { ResourceScope } from '../scope.ts';
import { list, report } from './report.ts';
import { CONFORMANCE_RULE as R } from './rule-ids.ts';

/** What each R4 type allows (the reference's addCharacteristics); a type not listed allows none of these. */
const CHARACTERISTICS: Record<string, readonly string[]> = {
  integer: ['has-range', 'has-length'],
  decimal: ['has-range', 'has-length'],
  instant: ['has-range', 'has-length'],
  string: ['has-length', 'can-bind'],
  uri: ['has-length', 'can-bind'],
  date: ['has-range', 'has-length'],
  dateTime: ['has-range', 'has-length'],
  time: ['has-range', 'has-length'],
  canonical: ['has-length'],
  code: ['has-length', 'can-bind'],
  id: ['has-length'],
  markdown: ['has-length'],
  oid: ['has-length', 'can-bind'],
  positiveInt: ['has-range', 'has-length'],
  unsignedInt: ['has-range', 'has-length'],
  url: ['has-length', 'can-bind'],
  uuid: ['has-length', 'can-bind'],
  Age: ['has-range', 'can-bind'],
  CodeableConcept: ['can-bind'],
  Coding: ['can-bind'],
  Count: ['has-range'],
  Distance: ['has-range', 'can-bind'],
  Duration: ['has-range', 'can-bind'],
  Money: ['has-range'],
  Quantity: ['has-range', 'can-bind'],
  Range: ['can-bind'],
  Extension: ['can-bind'],
  MoneyQuantity: ['has-range', 'can-bind'],
  SimpleQuantity: ['has-range', 'can-bind'],
};

const CONSTRAINTS: readonly [string, string, (e: Record<string, unknown>) => boolean][] = [
  ['Binding', 'can-bind', (e) => e.binding !== undefined],
  ['MaxLength', 'has-length', (e) => e.maxLength !== undefined],
  ['MinValue', 'has-range', (e) => Object.keys(e).some((k) => k.startsWith('minValue'))],
  ['MaxValue', 'has-range', (e) => Object.keys(e).some((k) => k.startsWith('maxValue'))],
];

export function checkElements(scope: ResourceScope, knownType: (code: string) => boolean): void {
  for (const part of ['snapshot', 'differential'] as const) {
    const holder = scope.resource[part];
    if (!isObject(holder)) continue;
    list(holder.element).forEach((e, i) => {
      if (!isObject(e) || typeof e.path !== 'string') return;
      const at = `${scope.path}.${part}.element[${i}]`;
      const codes = list(e.type)
        .filter(isObject)
        .map((t) => typeCode(t as never))
        .filter((c) => c !== '');
      // the root element's type is its path; the reference judges it so only when the type is known
      const types = codes.length > 0 ? codes : e.path.includes('.') ? [] : [e.path];
      const judged = types.filter(knownType);
      if (judged.length > 0) {
        const allowed = new Set(judged.flatMap((c) => CHARACTERISTICS[c] ?? []));
        for (const [name, needs, present] of CONSTRAINTS) {
          if (!present(e) || allowed.has(needs)) continue;
          report(
            scope,
            R.sdElement,
            'error',
            'business-rule',
            at,
            `This element has a ${name} but the types [${types.join(', ')}] do not make this kind of constraint relevant`,
            `El elemento tiene ${name}, pero sus tipos [${types.join(', ')}] no admiten esa restricción`,
          );
        }
      }
      if (part === 'snapshot' && typeof e.id === 'string' && e.id.includes('.')) checkSnapshotElement(scope, e, codes, at);
    });
  }
}

function checkSnapshotElement(scope: ResourceScope, e: Record<string, unknown>, codes: string[], at: string): void {
  if (codes.length === 0) {
    if (e.contentReference === undefined) {
      report(
        scope,
        R.sdElement,
        'error',
        'exception',
        at,
        `The element ${String(e.id)} has no assigned types, and no content reference`,
        `El elemento ${String(e.id)} no tiene tipos ni contentReference`,
      );
    }
    return;
  }
  for (const prefix of ['defaultValue', 'fixed', 'pattern']) {
    const key = Object.keys(e).find((k) => k.startsWith(prefix) && k.length > prefix.length && k[prefix.length]! >= 'A' && k[prefix.length]! <= 'Z');
    if (!key) continue;
    const suffix = key.slice(prefix.length);
    if (codes.includes(suffix) || codes.includes(suffix[0]!.toLowerCase() + suffix.slice(1))) continue;
    report(
      scope,
      R.sdElement,
      'error',
      'exception',
      `${at}.${key}`,
      `The element ${String(e.id)} has a ${prefix} of type ${suffix}, which is not in the list of allowed types (${codes.join(', ')})`,
      `El elemento ${String(e.id)} tiene un ${prefix} de tipo ${suffix}, que no está entre sus tipos (${codes.join(', ')})`,
    );
  }
}
