/**
 * What every fuzz test of test/fuzz shares: one seed and run count per target, and mutations of valid messages.
 *
 * The seed is fixed so that CI replays the same inputs; SELLO_FUZZ_SEED=<integer> explores others, SELLO_FUZZ_RUNS=<n>
 * sets every target's number of runs (a longer local session). Each test's name carries both, so a report shows how
 * many iterations ran against each parser and listener. A failure prints fast-check's counterexample, seed and path:
 * `SELLO_FUZZ_SEED=<seed>` reproduces it.
 */
import fc from 'fast-check';

export const FUZZ_SEED = Number.parseInt(process.env.SELLO_FUZZ_SEED ?? '', 10) || 20_250_314;

/** fast-check's parameters for a target, and a label "(seed S, N runs)" for its test name. */
export function fuzzRuns(defaultRuns: number): { params: { seed: number; numRuns: number; includeErrorInReport: true }; label: string } {
  const override = Number.parseInt(process.env.SELLO_FUZZ_RUNS ?? '', 10);
  const numRuns = override > 0 ? override : defaultRuns;
  // includeErrorInReport: the failed assertion's message beside the counterexample (node's reporter omits the cause).
  return { params: { seed: FUZZ_SEED, numRuns, includeErrorInReport: true }, label: `(seed ${FUZZ_SEED}, ${numRuns} runs)` };
}

/**
 * A valid text with up to `maxEdits` edits, each cutting up to 5 characters at a random place and inserting one of
 * `pieces` (the syntax of the format: delimiters, escapes, framing bytes) or a random string there.
 */
export function mutatedText(seeds: readonly string[], pieces: readonly string[], maxEdits = 8): fc.Arbitrary<string> {
  const insert = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...pieces) }, fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }));
  return fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat(5), insert), { minLength: 1, maxLength: maxEdits })).map(([seed, edits]) =>
    edits.reduce((text, [at, cut, piece]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + piece + text.slice(i + cut);
    }, seed),
  );
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path to a member or item of `value`, the root excluded. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [[...prefix, k], ...paths((value as Record<string | number, unknown>)[k], [...prefix, k])]);
}

/** A JSON value as a fuzzer would bend it: strings and numbers of other shapes, other types, odd characters. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', 'null', 'true', '\u0000', '\uD800', '😀', 'Ñ', '<b>x</b>', '../..', '%00', '2025-02-30', '9999-99-99T99:99:99Z', 'x'.repeat(300)),
  fc.constantFrom(0, -1, 1.5, 2 ** 53, -0, Number.MAX_VALUE),
  fc.constant({}),
  fc.constant([]),
);

/**
 * A valid JSON value with up to `maxEdits` structural edits: a member or item removed, replaced by another value or
 * type, duplicated into an array, or a new member added beside it.
 */
export function mutatedJson(seeds: readonly unknown[], maxEdits = 4): fc.Arbitrary<unknown> {
  const edit = fc.tuple(fc.nat(), fc.constantFrom('delete', 'replace', 'wrap', 'add'), oddValue, fc.string({ maxLength: 6 }));
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: maxEdits })).map(([seed, edits]) => {
    const value = structuredClone(seed) as Json;
    for (const [at, op, replacement, key] of edits) {
      const all = paths(value);
      if (all.length === 0) break;
      const path = all[at % all.length]!;
      const parent = path.slice(0, -1).reduce<Json>((node, k) => (node as Record<string | number, Json>)[k]!, value) as Record<string | number, Json>;
      const last = path[path.length - 1]!;
      if (op === 'delete') {
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete parent[last];
      } else if (op === 'replace') parent[last] = replacement as Json;
      else if (op === 'wrap') parent[last] = [parent[last]!, parent[last]!];
      else if (!Array.isArray(parent)) parent[key || last] = replacement as Json;
    }
    return value;
  });
}

/** The text of a mutated JSON value, or of a valid one with its text cut and spliced (malformed JSON). */
export function mutatedJsonText(seeds: readonly unknown[]): fc.Arbitrary<string> {
  const texts = seeds.map((s) => JSON.stringify(s));
  return fc.oneof(
    { weight: 3, arbitrary: mutatedJson(seeds).map((v) => JSON.stringify(v) ?? '') },
    { weight: 2, arbitrary: mutatedText(texts, ['{', '}', '[', ']', '"', ',', ':', '\\', 'null', '\\u0000', '\uFEFF', '1e999', '[]'.repeat(60), '['.repeat(150)], 4) },
    fc.string({ maxLength: 60 }),
  );
}
