import { MAX_JSON_DEPTH } from '../util/json-depth.ts';
import { type Finding, finding, type LocalizedText, type LocationKind } from './finding.ts';

/**
 * What Sello itself declines to judge because judging it would cost more than a message can reasonably ask: one
 * rule id for every such limit, so a reader (and a CI gate) tells "Sello did not judge this" from a conformance rule.
 */
export const LIMIT_RULE = 'SELLO-LIMIT';

export const limitFinding = (message: LocalizedText, locationKind: LocationKind = 'json-pointer', location = ''): Finding =>
  finding(LIMIT_RULE, 'fatal', 'too-costly', location, message, locationKind);

/** A JSON value nested past MAX_JSON_DEPTH: the validators walk by recursion, so it is refused before any walk. */
export const tooDeepFinding = (locationKind: LocationKind, location: string): Finding =>
  limitFinding(
    {
      en: `The content nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels; it was not judged.`,
      es: `El contenido anida objetos y arreglos a más de ${MAX_JSON_DEPTH} niveles; no se evaluó.`,
    },
    locationKind,
    location,
  );
