/**
 * fhirpath.js, loaded on first use. Most invariants of a typical resource are answered by native.ts or by the
 * validator's own fast paths, so a run may never need the general engine; loading it costs about 90 ms of
 * cold start (its ESM bundle and its CommonJS build cost about the same). The CommonJS build is used because
 * a synchronous evaluate() cannot await a dynamic import; all of Sello's fhirpath.js use goes through here,
 * so its internal classes are never mixed with the ESM bundle's.
 */
import { createRequire } from 'node:module';
import type * as FhirpathApi from 'fhirpath';
import type { Model } from 'fhirpath';

const require = createRequire(import.meta.url);

/** The R4 model also carries availableTypes, which fhirpath.js uses for base paths but its typings leave out. */
export type R4Model = Model & { availableTypes: Set<string> };

export interface FhirpathEngine {
  fhirpath: typeof FhirpathApi;
  model: R4Model;
}

let engine: FhirpathEngine | undefined;

export function fhirpathEngine(): FhirpathEngine {
  engine ??= {
    fhirpath: require('fhirpath') as typeof FhirpathApi,
    model: require('fhirpath/fhir-context/r4') as R4Model,
  };
  return engine;
}

let choicePaths: Record<string, string[]> | undefined;

/** The types of a choice element (`Extension.value` → `['base64Binary', …]`) without loading the engine. */
export function choiceTypes(path: string): string[] {
  choicePaths ??= require('fhirpath/fhir-context/r4/choiceTypePaths.json') as Record<string, string[]>;
  return choicePaths[path] ?? [];
}
