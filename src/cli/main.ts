import { Command, CommanderError, Option } from 'commander';
import { ConfigurationError, EXIT, InfrastructureError } from '../config/errors.ts';
import { PROGRAMS, type ProgramDefinition } from '../programs/registry.ts';
import { addFhirOptions } from './fhir-options.ts';
import type { MocksOptions } from './mocks-command.ts';
import { seloVersion } from './repo.ts';

// Commands are loaded on demand: `sello verify` or `sello diff` in a CI gate need neither cucumber nor hapi.
const runCommand = async (...a: Parameters<typeof import('./run-command.ts').runCommand>) => (await import('./run-command.ts')).runCommand(...a);
const mocksCommand = async (...a: Parameters<typeof import('./mocks-command.ts').mocksCommand>) => (await import('./mocks-command.ts')).mocksCommand(...a);
const validateCommand = async (...a: Parameters<typeof import('./validate-command.ts').validateCommand>) => (await import('./validate-command.ts')).validateCommand(...a);
const mergeCommand = async (...a: Parameters<typeof import('./merge-command.ts').mergeCommand>) => (await import('./merge-command.ts')).mergeCommand(...a);
const verifyCommand = async (...a: Parameters<typeof import('./verify-command.ts').verifyCommand>) => (await import('./verify-command.ts')).verifyCommand(...a);
const diffCommand = async (...a: Parameters<typeof import('./diff-command.ts').diffCommand>) => (await import('./diff-command.ts')).diffCommand(...a);
const keygenCommand = async (...a: Parameters<typeof import('./keygen-command.ts').keygenCommand>) => (await import('./keygen-command.ts')).keygenCommand(...a);

const EXIT_CODES_HELP = `
Exit codes: 0 all passed (CERTIFIABLE; verify: AUTHENTIC) · 3 conformance failure (verify: ALTERED or refused;
diff: a SHALL requirement went from passed to failed) · 4 configuration error · 5 infrastructure error (SUT
unreachable: no verdict) · 6 verify: INTACT-UNATTRIBUTED (consistent, but not signed by a pinned key)`;

const repeatable = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/**
 * The commands' option objects keep the flags' own names (`plant-fault`, `signing-key`): commander's camelCase
 * attribute names would be a second spelling of every flag for the commands to know.
 */
function flagValues(command: Command): Record<string, unknown> {
  const values = command.opts();
  return Object.fromEntries(command.options.map((option) => [option.long!.slice(2), values[option.attributeName()]]).filter(([, v]) => v !== undefined));
}

function program(exitCode: { value: number }, version: string, programs: readonly ProgramDefinition[]): Command {
  const ids = programs.map((p) => p.id).join(' | ');
  const roles = programs.map((p) => `${p.id} ${p.roles.join('|')}`).join('; ');
  const sello = new Command('sello')
    .description('Sello — conformance test harness for health-interoperability certification')
    .version(version, '-V, --version', "print Sello's version")
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError(true)
    .exitOverride();

  sello
    .command('run')
    .description("certify: every program against Sello's reference implementations, or one role of yours through a target file")
    .option('--program <id>', `one program (${ids}); with neither --program nor a target, every program, one report each`)
    .option('--target <file>', 'target file (YAML or JSON) naming the program, the role your system plays and its endpoints')
    .option('--tags <expr>', 'cucumber tag expression limiting the scenarios, e.g. "@RN-05"')
    .option('--parallel <n>', 'most scenario workers per program (reference runs only; fewer when earlier runs show fewer is quicker)', '1')
    .option('--programs-at-once <n>', 'with every program: how many run at once, each in its own process with its scenarios in order (default: one per core; 1 runs them one after another)')
    .option('--seed <seed>', 'replays the same synthetic people and message ids (the report records the seed of every run)')
    .option('--out <dir>', 'reports directory', 'reports')
    .addOption(new Option('--plant-fault <[program/]role:fault>', "plant a defect in a reference implementation (Sello's own self-tests)").argParser(repeatable))
    .option('--quiet', 'no progress output', false)
    .option('--signing-key <file>', 'Ed25519 private key (PEM PKCS#8 or JWK) that signs the reports')
    .option('--key <file>', 'short form of --signing-key')
    .option('--redact', "pseudonyms for persons' identifiers and names, birth dates to the year, postal codes to two digits, in every file of the run", false)
    .action(async (_options, command: Command) => {
      exitCode.value = await runCommand(flagValues(command));
    });

  const mocks = sello
    .command('mocks')
    .description('start reference implementations on loopback until Ctrl+C (all roles, or one as a stand-in SUT)')
    .option('--program <id>', `${ids} (default: the first)`)
    .option('--target <file>', "wire the mocks to a target file's credentials and ports")
    .option('--role <role>', `start only this role: ${roles}`)
    .option('--port <n>', 'base port (all roles) or the port of the one role');
  // Options a program contributes (mx-pgs --central-index, pe-ris --mllp-port); one flag may serve several programs.
  const contributed = new Map<string, string[]>();
  for (const p of programs)
    for (const o of p.mocksOptions ?? []) contributed.set(`--${o.name} <${o.valueName}>`, [...(contributed.get(`--${o.name} <${o.valueName}>`) ?? []), `${p.id}: ${o.description}`]);
  for (const [flags, descriptions] of contributed) mocks.option(flags, descriptions.join('; '));
  mocks.addOption(new Option('--plant-fault <role:fault>', 'plant a defect in the started implementation').argParser(repeatable)).action(async (_options, command: Command) => {
    exitCode.value = await mocksCommand(flagValues(command) as MocksOptions);
  });

  const validate = sello
    .command('validate')
    .description('judge message files: FHIR JSON/NDJSON by meta.profile or --profile URL, .hl7 by MSH-9, JSON Schema with --profile mx-pgs/beneficiario, .xml by --xsd and --schematron')
    .argument('<paths...>', 'files or directories')
    .option('--profile <id>', 'profile URL or id')
    .option('--xsd <file>', 'XML: the main XSD (its includes and imports are read from beside it)')
    .option('--schematron <file>', 'XML: an ISO Schematron (queryBinding xslt2), run after the XSD')
    .option('--phase <id>', 'XML: the Schematron phase (default: its defaultPhase)')
    .option('--shard <i/N>', 'judge only shard i of N (0-based, e.g. $JOB_COMPLETION_INDEX/N): file k of the sorted listing goes to shard k mod N; see docs/sharding.md')
    .option('--out <file>', 'write a signed shard result (counts, first findings per rule, inputs and profiles hashed) for sello merge; per-document output is then left out')
    .option('--signing-key <file>', 'Ed25519 private key (sello keygen) for --out; default an ephemeral key')
    .option('--threads <n>', 'NDJSON: judge lines on n worker threads (results in line order; each thread loads its own validator)', '1')
    .addOption(new Option('--format <format>', 'output').choices(['text', 'json']).default('text'));
  addFhirOptions(validate).action(async (paths: string[], _options, command: Command) => {
    exitCode.value = await validateCommand(paths, flagValues(command));
  });

  sello
    .command('merge')
    .description('merge the signed results of sello validate --shard i/N --out into one signed report (sello verify reads it)')
    .argument('<shard-results...>', 'every shard result file, 0 … N-1')
    .requiredOption('--out <dir>', 'a new or empty directory for the merged, signed report')
    .option('--signing-key <file>', 'Ed25519 private key (sello keygen); default an ephemeral key')
    .option('--public-key <file>', 'refuse shards not signed by this key')
    .option('--trust-dir <dir>', 'refuse shards not signed by one of these keys')
    .action(async (files: string[], _options, command: Command) => {
      exitCode.value = await mergeCommand(files, flagValues(command));
    });

  sello
    .command('verify')
    .description("check a run's or certification's signature and every file it lists")
    .argument('<run-dir>', 'run or certification directory')
    .option('--public-key <file>', 'the key the reports must be signed with (PEM or JWK)')
    .option('--trust-dir <dir>', "a directory of regulators' public keys (.pem, .jwk, .json): the reports must be signed by one of them")
    .option('--not-before <date>', 'refuse a run that started before this ISO date or date-time (an older run presented as new)')
    .option('--run-id <id>', 'refuse a run with another run id')
    .addOption(new Option('--format <format>', 'output').choices(['text', 'json']).default('text'))
    .action(async (runDir: string, _options, command: Command) => {
      exitCode.value = await verifyCommand([runDir], flagValues(command));
    });

  sello
    .command('diff')
    .description('requirements whose verdict changed from run A to run B (exit 3 on a SHALL regression)')
    .argument('<run-a>')
    .argument('<run-b>')
    .addOption(new Option('--format <format>', 'output').choices(['text', 'json']).default('text'))
    .action(async (runA: string, runB: string, _options, command: Command) => {
      exitCode.value = await diffCommand([runA, runB], flagValues(command));
    });

  sello
    .command('keygen')
    .description('an Ed25519 key pair for --signing-key / --public-key')
    .requiredOption('--out <file>', 'private key file (the public key is written beside it as .pub.pem)')
    .action(async (_options, command: Command) => {
      exitCode.value = await keygenCommand(flagValues(command));
    });

  for (const command of sello.commands) command.exitOverride().showSuggestionAfterError(true).addHelpText('after', EXIT_CODES_HELP);
  return sello;
}

/**
 * `sello verify … | head` closes stdout before Sello is done writing: the rest of the output has no reader, which is
 * the reader's choice, not an error. Without a listener the EPIPE is an unhandled 'error' event (a stack trace); with
 * it, and with a closed stream's writes reported as accepted (so nothing waits for a 'drain' that never comes), the
 * command ends as it would have, with its own exit code (a run still writes its reports).
 */
const quieted = new WeakSet<NodeJS.WriteStream>();
export function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  // main() runs many times in one process under the unit tests: one listener per stream.
  if (quieted.has(stream)) return;
  quieted.add(stream);
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  // Node sets `errored` as the write fails, before the 'error' event: a caller checking for back-pressure goes on.
  stream.write = ((...args: unknown[]) => write(...args) || stream.errored != null) as typeof stream.write;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    // Whoever was already waiting for a 'drain' (events.once) would otherwise get this error: the stream never drains now.
    stream.emit('drain');
  });
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  const exitCode = { value: EXIT.passed as number };
  const sello = program(exitCode, await seloVersion(), PROGRAMS);
  if (argv.length === 0) {
    sello.outputHelp({ error: true });
    return EXIT.configurationError;
  }
  try {
    await sello.parseAsync(argv, { from: 'user' });
    return exitCode.value;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version end with an exit request too; anything else commander refuses is a usage error, said already.
      return error.exitCode === 0 ? EXIT.passed : EXIT.configurationError;
    }
    // Cucumber wraps what a hook threw (a mock that cannot bind its port starts in one) in an error of its own.
    const configuration = causeOfType(error, ConfigurationError);
    if (configuration) {
      console.error(`sello: configuration error: ${configuration.message}`);
      return EXIT.configurationError;
    }
    const infrastructure = causeOfType(error, InfrastructureError);
    if (infrastructure) {
      console.error(`sello: infrastructure error (${infrastructure.cause_}): ${infrastructure.message}`);
      return EXIT.infrastructureError;
    }
    throw error;
  }
}

/** `error` or the first of its `cause` chain that is a `type` (bounded: a cause chain may loop). */
function causeOfType<T extends Error>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof Error; depth++, current = current.cause) if (current instanceof type) return current;
  return undefined;
}
