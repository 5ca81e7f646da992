import type { CodeSystem, DefinitionSource, ValueSet } from '../../../src/fhir/contracts.ts';

/** A DefinitionSource over hand-built resources, counting every lookup so tests can see what was fetched. */
export function mapSource(resources: (ValueSet | CodeSystem)[], fallback?: DefinitionSource): DefinitionSource & { calls: string[] } {
  const calls: string[] = [];
  const find = <T extends ValueSet | CodeSystem>(type: T['resourceType'], canonical: string): T | undefined => {
    const [url, version] = canonical.split('|');
    const matches = resources.filter((r): r is T => r.resourceType === type && r.url === url);
    return matches.find((r) => r.version === version) ?? (matches.length === 1 ? matches[0] : undefined);
  };
  return {
    calls,
    structureDefinition: () => undefined,
    valueSet(url) {
      calls.push(`ValueSet ${url}`);
      return find<ValueSet>('ValueSet', url) ?? fallback?.valueSet(url);
    },
    codeSystem(url) {
      calls.push(`CodeSystem ${url}`);
      return find<CodeSystem>('CodeSystem', url) ?? fallback?.codeSystem(url);
    },
  };
}

export const ANIMALS = 'http://example.org/CodeSystem/animals';

/**
 * animal ─┬─ mammal ─┬─ dog ── puppy
 *         │          └─ cat
 *         ├─ bird ─── penguin (also a child of `swimmer` by property: polyhierarchy)
 *         └─ swimmer (abstract)
 * plus `dodo` (retired) under bird.
 */
export const animals: CodeSystem = {
  resourceType: 'CodeSystem',
  url: ANIMALS,
  version: '1.0.0',
  status: 'active',
  content: 'complete',
  caseSensitive: true,
  hierarchyMeaning: 'is-a',
  property: [
    { code: 'notSelectable', uri: 'http://hl7.org/fhir/concept-properties#notSelectable', type: 'boolean' },
    { code: 'status', uri: 'http://hl7.org/fhir/concept-properties#status', type: 'code' },
    { code: 'kid', uri: 'http://hl7.org/fhir/concept-properties#child', type: 'code' },
    { code: 'legs', type: 'integer' },
  ],
  concept: [
    {
      code: 'animal',
      display: 'Animal',
      concept: [
        {
          code: 'mammal',
          display: 'Mammal',
          concept: [
            { code: 'dog', display: 'Dog', property: [{ code: 'legs', valueInteger: 4 }], concept: [{ code: 'puppy', display: 'Puppy' }] },
            { code: 'cat', display: 'Cat', property: [{ code: 'legs', valueInteger: 4 }] },
          ],
        },
        {
          code: 'bird',
          display: 'Bird',
          concept: [
            { code: 'penguin', display: 'Penguin', property: [{ code: 'legs', valueInteger: 2 }] },
            { code: 'dodo', display: 'Dodo', property: [{ code: 'status', valueCode: 'retired' }] },
          ],
        },
        {
          code: 'swimmer',
          display: 'Swimmer',
          property: [
            { code: 'notSelectable', valueBoolean: true },
            { code: 'kid', valueCode: 'penguin' },
          ],
        },
      ],
    },
  ],
};

export const vs = (url: string, compose: ValueSet['compose'], extra: Partial<ValueSet> = {}): ValueSet => ({
  resourceType: 'ValueSet',
  url,
  status: 'active',
  compose,
  ...extra,
});
