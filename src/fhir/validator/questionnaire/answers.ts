/**
 * One answer of a QuestionnaireResponse item against its Questionnaire item: the value's type for the item type
 * (R4/valueset-item-type.html), the constraint extensions the HL7 validator applies (minValue, maxValue, minLength,
 * maxLength, regex, maxDecimalPlaces, mimeType, maxSize, SDC min/maxQuantity, unitOption, unitValueSet,
 * referenceResource, optionExclusive) and membership in answerOption or a locally known answerValueSet.
 */
import type { Severity } from '../../../findings/finding.ts';
import { list, report, str } from '../conformance/report.ts';
import type { ValidatorContext } from '../context.ts';
import { deepEqual, isObject } from '../json.ts';
import { base64Size } from '../primitives.ts';
import type { ResourceScope } from '../scope.ts';
import { compareDates, compareQuantities, compareTimes, describeQuantity } from '../value-range.ts';
import { choiceValue } from './enable-when.ts';
import { QR_RULE } from './rule-ids.ts';

type Obj = Record<string, unknown>;

const EXT = 'http://hl7.org/fhir/StructureDefinition/';
const SDC = 'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-';

/** The answer value types an item type takes (open-choice: any of choice's, free text being the "open" part). */
const ANSWER_TYPES: Record<string, string[]> = {
  boolean: ['Boolean'],
  decimal: ['Decimal'],
  integer: ['Integer'],
  date: ['Date'],
  dateTime: ['DateTime'],
  time: ['Time'],
  string: ['String'],
  text: ['String'],
  url: ['Uri'],
  attachment: ['Attachment'],
  reference: ['Reference'],
  quantity: ['Quantity'],
  choice: ['Coding', 'Date', 'Time', 'Integer', 'String'],
  'open-choice': ['Coding', 'Date', 'Time', 'Integer', 'String'],
};

const fhirType = (suffix: string): string => (['Coding', 'Attachment', 'Reference', 'Quantity'].includes(suffix) ? suffix : suffix.charAt(0).toLowerCase() + suffix.slice(1));

export const extensions = (el: Obj, url: string): Obj[] => list(el.extension).filter((e): e is Obj => isObject(e) && e.url === url);
const extValue = (el: Obj, url: string): unknown => {
  const e = extensions(el, url)[0];
  return e ? choiceValue(e, 'value')?.value : undefined;
};

export interface AnswerContext {
  sv: ValidatorContext;
  scope: ResourceScope;
  qItem: Obj;
  answerCount: number;
}

function fail(ctx: AnswerContext, rule: string, path: string, en: string, es: string, severity: Severity = 'error'): void {
  report(ctx.scope, rule, severity, severity === 'error' ? 'value' : 'informational', path, en, es);
}

const decimals = (v: number, raw?: string): number => {
  const s = raw ?? String(v);
  const dot = s.indexOf('.');
  return dot < 0 ? 0 : s.length - dot - 1;
};

function checkRange(ctx: AnswerContext, type: string, value: unknown, path: string): void {
  const min = extValue(ctx.qItem, EXT + 'minValue');
  const max = extValue(ctx.qItem, EXT + 'maxValue');
  const order = (a: unknown, b: unknown): number | undefined => {
    if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
    if (typeof a !== 'string' || typeof b !== 'string') return undefined;
    return type === 'Time' ? compareTimes(a, b) : compareDates(a, b);
  };
  if (min !== undefined && order(value, min) === -1) {
    fail(ctx, QR_RULE.answerValue, path, `The value ${String(value)} is less than the allowed minimum of ${String(min)}`, `El valor ${String(value)} es menor que el mínimo permitido ${String(min)}`);
  }
  if (max !== undefined && order(value, max) === 1) {
    fail(
      ctx,
      QR_RULE.answerValue,
      path,
      `The value ${String(value)} is greater than the allowed maximum of ${String(max)}`,
      `El valor ${String(value)} es mayor que el máximo permitido ${String(max)}`,
    );
  }
}

function checkMaxDecimals(ctx: AnswerContext, value: number, path: string): void {
  const limit = extValue(ctx.qItem, EXT + 'maxDecimalPlaces');
  if (typeof limit === 'number' && decimals(value) > limit) {
    fail(ctx, QR_RULE.answerValue, path, `The value ${value} has too many decimal places (limit = ${limit})`, `El valor ${value} tiene demasiados decimales (límite = ${limit})`);
  }
}

function checkString(ctx: AnswerContext, itemType: string, value: string, path: string): void {
  const q = ctx.qItem;
  const minLength = extValue(q, EXT + 'minLength');
  if (typeof minLength === 'number' && value.length < minLength) {
    fail(ctx, QR_RULE.answerValue, path, `The answer '${value}' is shorter than the required minimum length of ${minLength}`, `La respuesta '${value}' es más corta que el mínimo de ${minLength}`);
  }
  if (typeof q.maxLength === 'number' && value.length > q.maxLength) {
    fail(ctx, QR_RULE.answerValue, path, `The answer '${value}' is longer than the allowed maximum length of ${q.maxLength}`, `La respuesta '${value}' supera la longitud máxima de ${q.maxLength}`);
  }
  const regex = extValue(q, EXT + 'regex');
  if (typeof regex === 'string') {
    let re: RegExp | undefined;
    try {
      re = new RegExp(`^(?:${regex})$`, 'u');
    } catch {
      re = undefined;
    }
    if (re && !re.test(value)) {
      const format = extValue(q, EXT + 'entryFormat');
      fail(
        ctx,
        QR_RULE.answerValue,
        path,
        `The answer '${value}' does not conform to the ${typeof format === 'string' ? `expected format '${format}' (regex '${regex}')` : `required regex '${regex}'`}`,
        `La respuesta '${value}' no cumple la expresión regular '${regex}'`,
      );
    }
  }
  if (itemType === 'string' && /[\r\n]/.test(value)) {
    fail(
      ctx,
      QR_RULE.answerValue,
      path,
      'The answer should not contain new line characters (a string item is one line; text items take several)',
      'La respuesta no debería contener saltos de línea',
      'warning',
    );
  }
}

function checkAttachment(ctx: AnswerContext, value: Obj, path: string): void {
  const allowed = extensions(ctx.qItem, EXT + 'mimeType')
    .map((e) => e.valueCode)
    .filter((m): m is string => typeof m === 'string');
  if (allowed.length > 0) {
    const mime = str(value.contentType);
    if (!mime) fail(ctx, QR_RULE.answerValue, path, 'A mime type is required for this answer', 'Esta respuesta requiere un tipo MIME');
    else if (!allowed.some((a) => mime.startsWith(a))) {
      fail(
        ctx,
        QR_RULE.answerValue,
        path,
        `The mime type ${mime} is not valid for this answer (allowed = ${allowed.join(', ')})`,
        `El tipo MIME ${mime} no es válido aquí (permitidos: ${allowed.join(', ')})`,
      );
    }
  }
  const maxSize = extValue(ctx.qItem, EXT + 'maxSize');
  if (typeof maxSize === 'number' && typeof value.data === 'string') {
    const size = base64Size(value.data);
    if (size > maxSize)
      fail(ctx, QR_RULE.answerValue, path, `The attachment is too large (allowed = ${maxSize}, found = ${size})`, `El adjunto es demasiado grande (permitido ${maxSize}, hay ${size})`);
  }
}

function checkReference(ctx: AnswerContext, value: Obj, path: string): void {
  const ref = str(value.reference);
  if (!ref) return;
  const m = /(?:^|\/)([A-Za-z]+)\/[^/]+(?:\/_history\/[^/]+)?$/.exec(ref.split('?')[0]!);
  const type = m?.[1] ?? str(value.type);
  if (!type) return;
  if (!ctx.sv.resourceTypes.has(type)) {
    fail(ctx, QR_RULE.answerValue, path, `The resource type ${type} in the reference ${ref} is not valid`, `El tipo de recurso ${type} de la referencia ${ref} no es válido`);
    return;
  }
  const allowed = extensions(ctx.qItem, EXT + 'questionnaire-referenceResource')
    .map((e) => e.valueCode)
    .filter((c): c is string => typeof c === 'string');
  if (allowed.length > 0 && !allowed.includes(type) && !allowed.includes('Resource')) {
    fail(
      ctx,
      QR_RULE.answerValue,
      path,
      `The resource type '${type}' in the reference ${ref} is not allowed (allowed = ${allowed.join(',')})`,
      `El tipo de recurso '${type}' de la referencia ${ref} no está permitido (permitidos: ${allowed.join(',')})`,
    );
  }
}

function checkQuantity(ctx: AnswerContext, value: Obj, path: string): void {
  for (const [which, url] of [
    ['min', SDC + 'minQuantity'],
    ['max', SDC + 'maxQuantity'],
  ] as const) {
    const limit = extValue(ctx.qItem, url);
    if (!isObject(limit)) continue;
    const c = compareQuantities(value, limit);
    const word = which === 'min' ? 'minimum' : 'maximum';
    if (c.order === (which === 'min' ? -1 : 1)) {
      fail(
        ctx,
        QR_RULE.answerValue,
        path,
        `The quantity ${describeQuantity(value)} is ${which === 'min' ? 'less' : 'greater'} than the allowed ${word} of ${describeQuantity(limit)}`,
        `La cantidad ${describeQuantity(value)} está fuera del ${which === 'min' ? 'mínimo' : 'máximo'} permitido ${describeQuantity(limit)}`,
      );
    } else if (c.reason === 'incompatible' || c.reason === 'other-system') {
      fail(
        ctx,
        QR_RULE.answerValue,
        path,
        `The quantity ${describeQuantity(value)} cannot be compared to the allowed ${word} of ${describeQuantity(limit)}`,
        `La cantidad ${describeQuantity(value)} no es comparable con el ${which === 'min' ? 'mínimo' : 'máximo'} ${describeQuantity(limit)}`,
      );
    } else if (c.reason) {
      fail(
        ctx,
        QR_RULE.answerValue,
        path,
        `The quantity ${describeQuantity(value)} cannot be compared to the allowed ${word} of ${describeQuantity(limit)} because no formal units are specified`,
        `La cantidad ${describeQuantity(value)} no se puede comparar con ${describeQuantity(limit)}: faltan unidades codificadas`,
        'warning',
      );
    }
  }
  if (typeof value.value === 'number') checkMaxDecimals(ctx, value.value, path);
  const options = extensions(ctx.qItem, EXT + 'questionnaire-unitOption')
    .map((e) => e.valueCoding)
    .filter(isObject);
  if (options.length > 0 && !options.some((o) => o.code === value.code && o.system === value.system)) {
    fail(
      ctx,
      QR_RULE.answerValue,
      path,
      `The value ${describeQuantity(value)} has a unit that is not valid (allowed = ${options.map((o) => String(o.code)).join(',')})`,
      `El valor ${describeQuantity(value)} tiene una unidad no válida (permitidas: ${options.map((o) => String(o.code)).join(',')})`,
    );
  }
  const unitVs = extValue(ctx.qItem, EXT + 'questionnaire-unitValueSet');
  if (typeof unitVs === 'string') inValueSet(ctx, unitVs, str(value.system), str(value.code), path, describeQuantity(value));
}

/** Membership in a value set Sello holds; an unknown value set or code system is a warning that it was not checked. */
function inValueSet(ctx: AnswerContext, vs: string, system: string | undefined, code: string | undefined, path: string, shown: string): void {
  const ts = ctx.sv.options.terminology;
  if (!ts) return;
  if (!ts.hasValueSet(vs)) {
    fail(
      ctx,
      QR_RULE.answerOption,
      path,
      `ValueSet '${vs}' not found, so the answer was not checked against it`,
      `El conjunto de valores '${vs}' no existe aquí; no se comprobó la respuesta`,
      'warning',
    );
    return;
  }
  if (code === undefined) return;
  const r = ts.checkCode(vs, system, code);
  if (r.result !== 'member' && r.result !== 'unknown') {
    fail(
      ctx,
      QR_RULE.answerOption,
      path,
      `The value ${shown} is not in the list of allowed values (value set '${vs}')`,
      `El valor ${shown} no está entre los permitidos (conjunto de valores '${vs}')`,
    );
  }
}

function checkOptions(ctx: AnswerContext, itemType: string, type: string, value: unknown, path: string): void {
  const q = ctx.qItem;
  const options = list(q.answerOption).filter(isObject);
  const open = itemType === 'open-choice';
  if (options.length > 0) {
    const typed = options.map((o) => ({ option: o, v: choiceValue(o, 'value') })).filter((o) => o.v?.type === type);
    let match: Obj | undefined;
    if (type === 'Coding' && isObject(value)) match = typed.find((o) => isObject(o.v!.value) && o.v!.value.code === value.code && o.v!.value.system === value.system)?.option;
    else match = typed.find((o) => deepEqual(o.v!.value, value))?.option;
    if (match) {
      if (extValue(match, EXT + 'questionnaire-optionExclusive') === true && ctx.answerCount > 1) {
        const shown = isObject(value) ? `${String(value.system)}#${String(value.code)}` : String(value);
        fail(
          ctx,
          QR_RULE.answerOption,
          path,
          `Selected answer ${shown} is an exclusive option - can't select anything else at the same time`,
          `La respuesta ${shown} es exclusiva: no se puede elegir nada más a la vez`,
        );
      }
    } else if (!(open && type === 'String')) {
      const shown = isObject(value) ? `${String(value.system)}::${String(value.code)}` : String(value);
      fail(
        ctx,
        QR_RULE.answerOption,
        path,
        `The ${type === 'Coding' ? 'code' : fhirType(type)} ${shown} is not in the set of permitted values`,
        `El valor ${shown} no está entre las opciones permitidas`,
      );
    }
    return;
  }
  const vs = str(q.answerValueSet);
  if (!vs) return;
  if (type === 'Coding' && isObject(value)) inValueSet(ctx, vs, str(value.system), str(value.code), path, `${String(value.system)}#${String(value.code)}`);
  else if (type === 'String' && typeof value === 'string' && !open) inValueSet(ctx, vs, undefined, value, path, `'${value}'`);
}

/** Checks one answer (at `path`) of an item whose Questionnaire item is ctx.qItem. */
export function checkAnswer(ctx: AnswerContext, answer: Obj, path: string): void {
  const itemType = str(ctx.qItem.type);
  if (!itemType) return;
  const v = choiceValue(answer, 'value');
  if (!v) return;
  const allowed = ANSWER_TYPES[itemType];
  if (!allowed) return;
  const valuePath = `${path}.value.ofType(${fhirType(v.type)})`;
  if (!allowed.includes(v.type)) {
    const names = allowed.map(fhirType);
    fail(
      ctx,
      QR_RULE.answerType,
      valuePath,
      `Answer value must be ${names.length === 1 ? `of the type ${names[0]}` : `one of the ${names.length} types ${names.join(', ')}`} not ${fhirType(v.type)}`,
      `El valor de la respuesta debe ser de tipo ${names.join(', ')}, no ${fhirType(v.type)}`,
    );
    return;
  }
  const value = v.value;
  switch (itemType) {
    case 'decimal':
    case 'integer':
      if (typeof value !== 'number') return;
      checkRange(ctx, v.type, value, valuePath);
      if (itemType === 'decimal') checkMaxDecimals(ctx, value, valuePath);
      break;
    case 'date':
    case 'dateTime':
    case 'time':
      if (typeof value === 'string') checkRange(ctx, v.type, value, valuePath);
      break;
    case 'string':
    case 'text':
      if (typeof value === 'string') checkString(ctx, itemType, value, valuePath);
      break;
    case 'attachment':
      if (isObject(value)) checkAttachment(ctx, value, path);
      return;
    case 'reference':
      if (isObject(value)) checkReference(ctx, value, valuePath);
      return;
    case 'quantity':
      if (isObject(value)) checkQuantity(ctx, value, valuePath);
      return;
    default:
      break;
  }
  if (itemType !== 'boolean') checkOptions(ctx, itemType, v.type, value, itemType === 'choice' || itemType === 'open-choice' ? (v.type === 'Coding' ? path : valuePath) : valuePath);
}
