import { resolve } from 'node:path';
import { ConfigurationError, EXIT } from '../config/errors.ts';
import { loadTarget, type TargetFile, targetSecrets } from '../config/target.ts';
import { PROGRAM_IDS, type ProgramDefinition, programById } from '../programs/registry.ts';
import { withFilteredOutput } from '../util/filtered-output.ts';
import { secretScrubber } from '../util/secret-scrubber.ts';
import { chosenProgram } from './program-option.ts';

export interface MocksOptions {
  program?: string;
  target?: string;
  role?: string;
  port?: string;
  'plant-fault'?: string[];
  /** The program's own options (its `mocksOptions`), by long name. */
  [programOption: string]: string | string[] | undefined;
}

/**
 * Starts a program's reference implementations and keeps them up until interrupted: a vendor develops against them,
 * or runs a second copy of one role as the "SUT" of a target file.
 */
export async function mocksCommand(options: MocksOptions): Promise<number> {
  const chosen = await chosenProgram(options.program);
  const target = options.target ? await loadTarget(resolve(options.target)) : undefined;
  const program = chosen ?? programById(target?.program ?? PROGRAM_IDS[0]!)!;
  // What the mocks print (their endpoints, their logging) is filtered like a run's output: the target's secrets never show.
  return withFilteredOutput(secretScrubber(targetSecrets(target)), () => serveMocks(options, program, target));
}

async function serveMocks(options: MocksOptions, program: ProgramDefinition, target: TargetFile | undefined): Promise<number> {
  if (target && target.program !== program.id) throw new ConfigurationError(`target file is for ${target.program}, not ${program.id}`);
  const port = options.port === undefined ? undefined : Number(options.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) throw new ConfigurationError('--port must be 0-65535');
  if (options.role && !program.roles.includes(options.role.toLowerCase())) {
    throw new ConfigurationError(`unknown role '${options.role}' (${program.roles.join(', ')})`);
  }
  const faults: Record<string, string[]> = {};
  for (const spec of options['plant-fault'] ?? []) {
    const [role, fault] = spec.split(':', 2);
    if (!role || !fault || !program.roles.includes(role.toLowerCase())) {
      throw new ConfigurationError(`--plant-fault takes ROLE:fault (${program.roles.join(', ')}), got '${spec}'`);
    }
    (faults[role.toLowerCase()] ??= []).push(fault);
  }
  const mocks = await program.startMocks({
    ...(target ? { target } : {}),
    ...(options.role ? { role: options.role.toLowerCase() } : {}),
    ...(port !== undefined ? { port } : {}),
    extra: Object.fromEntries((program.mocksOptions ?? []).map((o) => [o.name, typeof options[o.name] === 'string' ? (options[o.name] as string) : undefined])),
    faults,
  });
  console.log(`Sello ${program.id} mocks — ${program.title}`);
  for (const line of mocks.lines) console.log(line);
  console.log('\nPress Ctrl+C to stop.');
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await mocks.stop();
  return EXIT.passed;
}
