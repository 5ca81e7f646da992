/**
 * The certification programs Sello runs, in the order a full run (`sello run` with no --program) runs them. Each entry
 * says where its features are, which roles it has (the role tags, and what a target file's `sut.role` may be), how its
 * requirement catalogue is loaded, how a planted defect names a role, and how `sello mocks` starts its reference
 * implementations. Program-specific code is imported on demand: `sello verify` needs none of it.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRequirementCatalogue, type RequirementCatalogue } from '../report/requirements.ts';
import type { TargetFile } from '../config/target.ts';

export type ProgramId = 'mx-pgs' | 'pe-ris';

export interface MocksRequest {
  target?: TargetFile;
  /** Start only this role, as a stand-in SUT. */
  role?: string;
  /** Base port (all roles) or the port of the one role. */
  port?: number;
  /** Further program-specific options of `sello mocks` (e.g. `central-index`, `mllp-port`). */
  extra: Record<string, string | undefined>;
  faults: Record<string, string[]>;
}

export interface RunningMocks {
  /** Lines to print: where each mock listens, and anything a developer needs to use them. */
  lines: string[];
  stop(): Promise<void>;
}

export interface ProgramDefinition {
  id: ProgramId;
  title: string;
  /** Feature files, relative to the repository root. */
  featuresDir: string;
  /** The role tags (without `@`), in report column order; a target file's `sut.role` is one of them. */
  roles: readonly string[];
  /** The target-file shape of the program: a definition of src/config/target.schema.json. */
  targetSchema: string;
  /** The key a planted defect `ROLE:fault` is stored under in the run configuration (mx-pgs: `IMSS`; pe-ris: `sihce`). */
  faultKey(role: string): string;
  loadCatalogue(profilesRoot?: string): RequirementCatalogue;
  /** Starts reference implementations for `sello mocks`. */
  startMocks(request: MocksRequest): Promise<RunningMocks>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROFILES = join(REPO_ROOT, 'profiles');

export const PROGRAMS: readonly ProgramDefinition[] = Object.freeze([
  {
    id: 'mx-pgs',
    title: 'México — Padrón General de Salud (IMSS, ISSSTE, SSA)',
    featuresDir: 'features/mx-pgs',
    roles: ['imss', 'issste', 'ssa'],
    targetSchema: '#/$defs/mx-pgs',
    faultKey: (role: string) => role.toUpperCase(),
    loadCatalogue: (root = PROFILES) => loadRequirementCatalogue('mx-pgs', root),
    startMocks: async (request: MocksRequest) => (await import('./mx-pgs/mocks.ts')).startMxPgsMocks(request),
  },
  {
    id: 'pe-ris',
    title: 'Perú — Cajamarca: Qhali, motor de integración y SIHCE (FHIR R4 y HL7 v2/MLLP)',
    featuresDir: 'features/pe-ris',
    roles: ['sihce', 'qhali', 'engine'],
    targetSchema: '#/$defs/pe-ris',
    faultKey: (role: string) => role.toLowerCase(),
    loadCatalogue: (root = PROFILES) => loadRequirementCatalogue('pe-ris', root),
    startMocks: async (request: MocksRequest) => (await import('./pe-ris/mocks.ts')).startPeRisMocks(request),
  },
]);

export const PROGRAM_IDS = PROGRAMS.map((p) => p.id);

export function programById(id: string): ProgramDefinition | undefined {
  return PROGRAMS.find((p) => p.id === id);
}

/** The program a role belongs to (roles are unique across programs). */
export function programOfRole(role: string): ProgramDefinition | undefined {
  return PROGRAMS.find((p) => p.roles.includes(role.toLowerCase()));
}
