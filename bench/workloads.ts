/**
 * The benchmark's inputs, built from the committed valid corpus before any clock starts, so that the
 * timed loops only validate.
 */

import { SeededRandom } from '../src/identifiers/seeded-random.ts';
import { type CorpusCase, readCorpus } from '../test/fhir/profiles/corpus-files.ts';
import { PROFILES, uuid } from '../test/fixtures/fhir/generate.ts';

export interface Item {
  resource: Record<string, unknown>;
  profile: string;
}

type Json = Record<string, unknown>;

/** Replaces every string equal to a key of `map` (fullUrls and the references to them), deep. */
function rewrite(value: unknown, map: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') return map.get(value) ?? value;
  if (Array.isArray(value)) return value.map((v) => rewrite(v, map));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, map)]));
  }
  return value;
}

const triageBundles = (corpus: CorpusCase[]): Json[] => corpus.filter((c) => c.kind === 'valid' && c.profile === PROFILES.TriageBundle).map((c) => c.resource);

/**
 * One transaction Bundle of `size` entries: the valid triage Bundles' entries copied over and over,
 * each copy with fresh urn:uuid fullUrls and its internal references rewritten to match, so every
 * reference still resolves inside the Bundle. Validated against BundlePe (a TriageBundle holds one patient).
 */
export function bigBundle(size = 1000, seed = 'sello-bench-bundle'): Item {
  const rng = new SeededRandom(seed);
  const sources = triageBundles(readCorpus());
  if (sources.length === 0) throw new Error('no valid TriageBundle in the corpus');
  const entries: unknown[] = [];
  for (let copy = 0; entries.length < size; copy++) {
    const source = sources[copy % sources.length] as Json;
    const sourceEntries = (source['entry'] as Json[] | undefined) ?? [];
    const map = new Map<string, string>();
    for (const e of sourceEntries) {
      const fullUrl = e['fullUrl'];
      if (typeof fullUrl === 'string') map.set(fullUrl, `urn:uuid:${uuid(rng)}`);
    }
    for (const e of sourceEntries) {
      if (entries.length >= size) break;
      entries.push(rewrite(e, map));
    }
  }
  return {
    resource: {
      resourceType: 'Bundle',
      meta: { profile: [PROFILES.BundlePe] },
      type: 'transaction',
      timestamp: '2025-03-14T09:30:00-05:00',
      entry: entries,
    },
    profile: PROFILES.BundlePe,
  };
}

/** `count` stand-alone resources cycling through every valid non-Bundle instance, each with its own id. */
export function singles(count = 10_000): Item[] {
  const sources = readCorpus().filter((c) => c.kind === 'valid' && c.resource['resourceType'] !== 'Bundle');
  if (sources.length === 0) throw new Error('no valid single resources in the corpus');
  return Array.from({ length: count }, (_, i) => {
    const source = sources[i % sources.length] as CorpusCase;
    const resource = structuredClone(source.resource);
    resource['id'] = `bench-${i}`;
    return { resource, profile: source.profile };
  });
}
