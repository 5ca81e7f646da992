/**
 * One tool in a fresh process: `node --import tsx bench/child.ts sello|peer [singles] [bundlePasses] [snapshotFile]`.
 * Prints JSON lines: `first` as soon as the first validation result exists (cold start, measured from
 * the process's time origin), then `done` with the process's peak memory after the whole workload, so
 * each tool's memory is its own and not the sum of both.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StructureDefinition } from '@medplum/fhirtypes';
import type { Finding } from '../src/findings/finding.ts';
import { loadSelloEngine, PROFILE_DIRS, REPO_ROOT } from '../test/fhir/profiles/engine.ts';
import { loadMedplumPeer } from './peer-medplum.ts';

type Validate = (resource: Record<string, unknown>, profile: string | undefined) => Finding[];

const [tool, singlesArg, passesArg, snapshotFile] = process.argv.slice(2);
const emit = (o: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};

// The first input is read before tooling loads: reading a fixture is not the validator's cold start.
const firstInput = JSON.parse(readFileSync(join(REPO_ROOT, 'test/fixtures/fhir/pe-ris/valid/paciente-dni.json'), 'utf8')) as Record<string, unknown>;
const FIRST_PROFILE = 'https://www.gob.pe/minsa/RENHICE/fhir/StructureDefinition/PacientePe';

let validate: Validate;
let firstProfile: string | undefined = FIRST_PROFILE;
const loadStart = performance.now();
if (tool === 'sello') {
  const engine = await loadSelloEngine();
  if (!engine.ok) {
    emit({ event: 'unavailable', reason: engine.reason });
    process.exit(0);
  }
  const validator = engine.createFhirValidator({ profileDirs: PROFILE_DIRS.map((d) => join(REPO_ROOT, d)) });
  validate = (r, p) => validator.validate(r, p === undefined ? {} : { profile: p });
} else if (tool === 'peer') {
  // The peer's cold start is base R4 (its own definitions): Sello's snapshots are not the peer's cost.
  const peer = await loadMedplumPeer();
  validate = (r, p) => peer.validate(r, p);
  firstProfile = undefined;
} else {
  throw new Error(`child.ts: tool must be sello or peer, got ${String(tool)}`);
}
const findings = validate(firstInput, firstProfile);
emit({ event: 'first', sinceProcessStartMs: performance.now(), loadAndFirstMs: performance.now() - loadStart, findings: findings.length });

const singlesCount = Number(singlesArg ?? '0');
const passes = Number(passesArg ?? '0');
if (singlesCount > 0 || passes > 0) {
  if (tool === 'peer' && snapshotFile) {
    // Profiles for the memory run, so the peer checks what Sello checks.
    const snapshots = JSON.parse(readFileSync(snapshotFile, 'utf8')) as StructureDefinition[];
    const peer = await loadMedplumPeer(snapshots);
    validate = (r, p) => peer.validate(r, p);
  }
  const { bigBundle, singles } = await import('./workloads.ts');
  const items = singles(singlesCount);
  const bundle = bigBundle();
  let heapPeak = process.memoryUsage().heapUsed;
  const sample = (): void => {
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
  };
  items.forEach((item, i) => {
    validate(item.resource, item.profile);
    if (i % 500 === 0) sample();
  });
  for (let i = 0; i < passes; i++) {
    validate(bundle.resource, bundle.profile);
    sample();
  }
  emit({ event: 'done', maxRssKb: process.resourceUsage().maxRSS, heapPeakBytes: heapPeak });
}
