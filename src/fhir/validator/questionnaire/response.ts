/**
 * A QuestionnaireResponse against its Questionnaire (R4/questionnaireresponse.html: "the QuestionnaireResponse SHALL
 * conform to the Questionnaire"), when the Questionnaire is at hand (resolve.ts): every item's linkId is one of the
 * Questionnaire's, at the same place and in its order; required items are answered (a warning until the response is
 * completed or amended, as the HL7 validator has it); items and answers repeat only where the item repeats; groups
 * and display items carry no answers; enabled-when rules decide whether an item may be answered; each answer is
 * checked by answers.ts. Called once per QuestionnaireResponse; other resources cost one type comparison.
 */
import { list, report, str } from '../conformance/report.ts';
import type { ValidatorContext } from '../context.ts';
import { isObject } from '../json.ts';
import type { ResourceScope } from '../scope.ts';
import { type AnswerContext, checkAnswer, extensions } from './answers.ts';
import { isEnabled } from './enable-when.ts';
import { resolveQuestionnaire } from './resolve.ts';
import { QR_RULE } from './rule-ids.ts';

type Obj = Record<string, unknown>;

interface Walk {
  sv: ValidatorContext;
  scope: ResourceScope;
  completed: boolean;
  /** Every Questionnaire item by linkId, to tell a misplaced item from an unknown one. */
  byLinkId: Map<string, Obj>;
}

function index(items: unknown[], into: Map<string, Obj>): Map<string, Obj> {
  for (const it of items) {
    if (!isObject(it)) continue;
    if (typeof it.linkId === 'string' && !into.has(it.linkId)) into.set(it.linkId, it);
    index(list(it.item), into);
  }
  return into;
}

const EXAMPLE = /^https?:\/\/example\.org\//;

export function checkQuestionnaireResponse(sv: ValidatorContext, scope: ResourceScope): void {
  const ref = str(scope.resource.questionnaire);
  if (!ref) return;
  const q = resolveQuestionnaire(sv, scope, ref);
  if (!q) {
    if (!EXAMPLE.test(ref)) {
      report(
        scope,
        QR_RULE.questionnaireNotFound,
        'warning',
        'not-found',
        `${scope.path}.questionnaire`,
        `The questionnaire '${ref}' could not be resolved, so no validation can be performed against the base questionnaire`,
        `No se encontró el cuestionario '${ref}'; las respuestas no se comprobaron contra él`,
      );
    }
    return;
  }
  const status = scope.resource.status;
  const walk: Walk = { sv, scope, completed: status === 'completed' || status === 'amended', byLinkId: index(list(q.item), new Map()) };
  checkItems(walk, list(q.item), scope.resource, scope.path, [list(scope.resource.item)]);
}

/** The items of one QR container (the response, an item or an answer) against the Questionnaire items of that level. */
function checkItems(walk: Walk, qItems: unknown[], container: Obj, path: string, ancestors: unknown[][]): void {
  const items = list(container.item);
  const byLink = new Map<string, { item: Obj; path: string }[]>();
  const qList = qItems.filter(isObject);
  let last = -1;
  items.forEach((item, i) => {
    if (!isObject(item) || typeof item.linkId !== 'string') return;
    const itemPath = `${path}.item[${i}]`;
    const at = qList.findIndex((q) => q.linkId === item.linkId);
    if (at < 0) {
      const elsewhere = walk.byLinkId.get(item.linkId);
      report(
        walk.scope,
        QR_RULE.linkId,
        'error',
        elsewhere ? 'structure' : 'not-found',
        elsewhere ? itemPath : path,
        elsewhere ? `Structural Error: item with linkId ${item.linkId} is in the wrong place` : `LinkId '${item.linkId}' not found in questionnaire`,
        elsewhere ? `Error estructural: el item con linkId ${item.linkId} está en otro lugar del cuestionario` : `El linkId '${item.linkId}' no está en el cuestionario`,
      );
      if (elsewhere) checkItem(walk, elsewhere, item, itemPath, ancestors);
      return;
    }
    if (at < last) report(walk.scope, QR_RULE.order, 'error', 'structure', itemPath, 'Structural Error: items are out of order', 'Error estructural: los items están fuera de orden');
    last = at;
    const group = byLink.get(item.linkId);
    if (group) group.push({ item, path: itemPath });
    else byLink.set(item.linkId, [{ item, path: itemPath }]);
  });
  for (const qItem of qList) {
    const linkId = str(qItem.linkId);
    if (!linkId) continue;
    const found = byLink.get(linkId);
    const enabled = isEnabled(qItem, ancestors);
    if (!found) {
      if (enabled && qItem.required === true) missing(walk, linkId, path);
      continue;
    }
    if (found.length > 1 && qItem.repeats !== true) {
      report(
        walk.scope,
        QR_RULE.repeats,
        'error',
        'structure',
        found[1]!.path,
        `Only one response item with the linkId ${linkId} allowed - found ${found.length} items`,
        `Solo se permite un item con el linkId ${linkId}; hay ${found.length}`,
      );
    }
    for (const f of found) {
      if (!enabled && (list(f.item.answer).length > 0 || list(f.item.item).length > 0)) {
        report(
          walk.scope,
          QR_RULE.notEnabled,
          'error',
          'invalid',
          f.path,
          `Item has answer, even though it is not enabled (item id = '${linkId}')`,
          `El item tiene respuesta aunque no está habilitado (linkId '${linkId}')`,
        );
      }
      checkItem(walk, qItem, f.item, f.path, ancestors, enabled);
    }
  }
}

function missing(walk: Walk, linkId: string, path: string): void {
  report(
    walk.scope,
    QR_RULE.required,
    walk.completed ? 'error' : 'warning',
    'required',
    path,
    `No response answer found for required item '${linkId}'`,
    `No hay respuesta para el item obligatorio '${linkId}'`,
  );
}

const occurs = (qItem: Obj, which: 'min' | 'max'): number | undefined => {
  const v = extensions(qItem, `http://hl7.org/fhir/StructureDefinition/questionnaire-${which}Occurs`)[0]?.valueInteger;
  return typeof v === 'number' ? v : undefined;
};

function checkItem(walk: Walk, qItem: Obj, item: Obj, path: string, ancestors: unknown[][], enabled = true): void {
  const type = str(qItem.type);
  const answers = list(item.answer).filter(isObject);
  const linkId = String(qItem.linkId);
  const hasAnswers = type !== 'group' && type !== 'display';
  if (enabled && hasAnswers && qItem.required === true && answers.length === 0) missing(walk, linkId, path);
  if (answers.length > 1 && qItem.repeats !== true) {
    report(walk.scope, QR_RULE.repeats, 'error', 'structure', `${path}.answer[1]`, 'Only one response answer item with this linkId allowed', 'Solo se permite una respuesta para este linkId');
  }
  const max = occurs(qItem, 'max');
  if (max !== undefined && answers.length > max) {
    report(
      walk.scope,
      QR_RULE.repeats,
      'error',
      'structure',
      path,
      `The maximum number of answers is ${max} but this has ${answers.length} answers`,
      `El máximo de respuestas es ${max} y hay ${answers.length}`,
    );
  }
  const min = occurs(qItem, 'min');
  if (min !== undefined && answers.length < min) {
    report(
      walk.scope,
      QR_RULE.repeats,
      'error',
      'structure',
      path,
      `The minimum number of answers is ${min} but this has ${answers.length} answers`,
      `El mínimo de respuestas es ${min} y hay ${answers.length}`,
    );
  }
  const ctx: AnswerContext = { sv: walk.sv, scope: walk.scope, qItem, answerCount: answers.length };
  list(item.answer).forEach((answer, j) => {
    if (!isObject(answer)) return;
    const answerPath = `${path}.answer[${j}]`;
    if (type === 'group' || type === 'display' || type === 'question') {
      report(
        walk.scope,
        QR_RULE.structure,
        'error',
        'structure',
        path,
        type === 'display' ? "Items of type 'display' cannot have answers" : `Items of type ${type} should not have answers`,
        `Los items de tipo ${type} no tienen respuestas`,
      );
      return;
    }
    checkAnswer(ctx, answer, answerPath);
    if (list(answer.item).length > 0) checkItems(walk, list(qItem.item), answer, answerPath, [...ancestors, list(answer.item)]);
  });
  const children = list(item.item);
  if (type === 'group') {
    if (qItem.required === true && children.length === 0) {
      report(walk.scope, QR_RULE.required, 'error', 'required', path, 'No sub-items found for required group', 'El grupo obligatorio no tiene items');
    }
    checkItems(walk, list(qItem.item), item, path, [...ancestors, children]);
  } else if (children.length > 0) {
    report(
      walk.scope,
      QR_RULE.structure,
      'error',
      'structure',
      path,
      type === 'display' ? `Items of type display should not have items - linkId ${linkId}` : 'Items not of type group should not have items outside answers (use answer.item not .item)',
      type === 'display' ? `Los items de tipo display no tienen items (linkId ${linkId})` : 'Solo los grupos tienen items fuera de las respuestas (use answer.item)',
    );
  }
}
