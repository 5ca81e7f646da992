/**
 * The Questionnaire a QuestionnaireResponse answers, where the HL7 validator finds it without a server: a contained
 * resource (`#id`), an entry of the same Bundle, or a Questionnaire of the loaded IGs (`--ig`), by canonical URL with
 * or without `|version`.
 */
import type { ValidatorContext } from '../context.ts';
import { isObject } from '../json.ts';
import type { ResourceScope } from '../scope.ts';

const isQuestionnaire = (r: unknown, url: string, version: string | undefined): r is Record<string, unknown> =>
  isObject(r) && r.resourceType === 'Questionnaire' && r.url === url && (version === undefined || r.version === version);

export function resolveQuestionnaire(sv: ValidatorContext, scope: ResourceScope, ref: string): Record<string, unknown> | undefined {
  const qr = scope.resource;
  if (ref.startsWith('#')) {
    const id = ref.slice(1);
    const contained = Array.isArray(qr.contained) ? qr.contained : [];
    const hit = contained.find((c) => isObject(c) && c.resourceType === 'Questionnaire' && c.id === id);
    return isObject(hit) ? hit : undefined;
  }
  const bar = ref.indexOf('|');
  const url = bar >= 0 ? ref.slice(0, bar) : ref;
  const version = bar >= 0 ? ref.slice(bar + 1) : undefined;
  for (let s: ResourceScope | undefined = scope; s; s = s.parent) {
    for (const entry of s.bundle?.entries ?? []) {
      if (isObject(entry) && isQuestionnaire(entry.resource, url, version)) return entry.resource;
    }
  }
  const loaded = sv.options.questionnaires;
  return loaded?.get(ref) ?? (version === undefined ? undefined : loaded?.get(url));
}
