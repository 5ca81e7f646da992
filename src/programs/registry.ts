/**
 * The certification programs Sello runs. `programs/programs.json` lists their ids, in the order a full run (`sello run`
 * with no --program) runs them: adding a program is one line there plus its folder `programs/<id>/` (see program.ts).
 * Everything else about a program is found from its folder, so the engine imports no program by name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadRequirementCatalogue, type RequirementCatalogue } from '../report/requirements.ts';
import type { ProgramModule } from './program.ts';

export type { MocksRequest, ProgramModule, ProgramOption, RunningMocks, TargetFile } from './program.ts';

import { PROGRAMS_ROOT, REPO_ROOT } from './layout.ts';

export { PROGRAMS_ROOT, REPO_ROOT };

export interface ProgramDefinition extends ProgramModule {
  /** The program's folder (absolute). */
  folder: string;
  /** Its feature files, relative to the repository root when inside it (cucumber's scenario ids start with it). */
  featuresDir: string;
  /** Glob of its step files, relative like featuresDir. */
  stepsGlob: string;
  /** Its profiles/ folder (absolute): requirements.json, rules.json, schemas, planted-defects.json … */
  profilesDir: string;
  loadCatalogue(): RequirementCatalogue;
}

export class ProgramFolderError extends Error {
  override name = 'ProgramFolderError';
}

/** Loads the program whose folder is `folder` (programs/<id>/, or a test's own example program). */
export async function loadProgram(folder: string): Promise<ProgramDefinition> {
  const abs = resolve(folder);
  const entry = join(abs, 'program.ts');
  if (!existsSync(entry)) throw new ProgramFolderError(`${abs} has no program.ts`);
  const module = (await import(pathToFileURL(entry).href)) as { default?: ProgramModule };
  const program = module.default;
  if (!program || typeof program.id !== 'string') throw new ProgramFolderError(`${entry} must default-export defineProgram({...})`);
  const base = abs.replace(/\/$/, '').split('/').pop();
  if (base !== program.id) throw new ProgramFolderError(`${entry} defines '${program.id}' but its folder is '${base}'`);
  if (new Set(program.roles).size !== program.roles.length || program.roles.some((r) => r !== r.toLowerCase())) {
    throw new ProgramFolderError(`${program.id}: roles must be distinct lower-case tags`);
  }
  const inRepo = relative(REPO_ROOT, abs);
  const display = inRepo.startsWith('..') ? abs : inRepo;
  const profilesDir = join(abs, 'profiles');
  return Object.freeze({
    ...program,
    folder: abs,
    featuresDir: join(display, 'features'),
    stepsGlob: join(display, 'steps', '**', '*.ts'),
    profilesDir,
    loadCatalogue: () => loadRequirementCatalogue(program.id, profilesDir, join(display, 'profiles')),
  });
}

function listedIds(): string[] {
  const list = JSON.parse(readFileSync(join(PROGRAMS_ROOT, 'programs.json'), 'utf8')) as { programs: string[] };
  return list.programs;
}

export const PROGRAMS: readonly ProgramDefinition[] = Object.freeze(await Promise.all(listedIds().map((id) => loadProgram(join(PROGRAMS_ROOT, id)))));

export const PROGRAM_IDS = PROGRAMS.map((p) => p.id);

/** Program folders loaded by path in this process (`--program ./folder`), known besides the listed ones. */
const loadedByPath: ProgramDefinition[] = [];

/** The listed programs and any loaded by path: what a target file or a role may name. */
export const knownPrograms = (): readonly ProgramDefinition[] => [...PROGRAMS, ...loadedByPath];

export function programById(id: string): ProgramDefinition | undefined {
  return knownPrograms().find((p) => p.id === id);
}

/**
 * A role as written on the command line, `program/role` or a bare `role`, among the programs given: a bare role must
 * belong to exactly one of them (mx-ece and mx-pgs may both have an `imss`).
 */
export function resolveRole(spec: string, among: readonly ProgramDefinition[] = PROGRAMS): { program: ProgramDefinition; role: string } | { error: string } {
  const [programId, role] = spec.includes('/') ? (spec.split('/', 2) as [string, string]) : [undefined, spec];
  const r = role.toLowerCase();
  const candidates = among.filter((p) => (programId === undefined || p.id === programId) && p.roles.includes(r));
  if (candidates.length === 1) return { program: candidates[0]!, role: r };
  const known = among.flatMap((p) => p.roles.map((x) => `${p.id}/${x}`)).join(', ');
  if (candidates.length === 0) return { error: `unknown role '${spec}' (${known})` };
  return { error: `role '${spec}' is in several programs: write it as ${candidates.map((p) => `${p.id}/${r}`).join(' or ')}` };
}

/**
 * `--program`: an id of programs.json, or the path of a program folder outside the list (a regulator's own program,
 * the example in test/) — such a folder is loaded as it is, with no shared file to edit.
 */
export async function programFromOption(value: string): Promise<ProgramDefinition | undefined> {
  const listed = programById(value);
  if (listed) return listed;
  if (!value.includes('/') || !existsSync(join(resolve(value), 'program.ts'))) return undefined;
  const program = await loadProgram(value);
  if (PROGRAMS.some((p) => p.id === program.id && p.folder !== program.folder)) throw new ProgramFolderError(`${value} is '${program.id}', which programs.json already lists`);
  loadedByPath.push(program);
  return program;
}
