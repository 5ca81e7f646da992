import { parseArgs } from 'node:util';
import { ConfigurationError, EXIT, InfrastructureError } from '../config/errors.ts';

// Commands are loaded on demand: `sello verify` or `sello diff` in a CI gate need neither cucumber nor hapi.
const runCommand = async (...a: Parameters<typeof import('./run-command.ts').runCommand>) => (await import('./run-command.ts')).runCommand(...a);
const mocksCommand = async (...a: Parameters<typeof import('./mocks-command.ts').mocksCommand>) => (await import('./mocks-command.ts')).mocksCommand(...a);
const validateCommand = async (...a: Parameters<typeof import('./validate-command.ts').validateCommand>) => (await import('./validate-command.ts')).validateCommand(...a);
const verifyCommand = async (...a: Parameters<typeof import('./verify-command.ts').verifyCommand>) => (await import('./verify-command.ts')).verifyCommand(...a);
const diffCommand = async (...a: Parameters<typeof import('./diff-command.ts').diffCommand>) => (await import('./diff-command.ts')).diffCommand(...a);
const keygenCommand = async (...a: Parameters<typeof import('./keygen-command.ts').keygenCommand>) => (await import('./keygen-command.ts')).keygenCommand(...a);

const USAGE = `Sello — conformance test harness for health-interoperability certification

Usage:
  sello run      [--program mx-pgs|pe-ris] [--target FILE] [--tags EXPR] [--parallel N] [--seed S] [--out DIR]
                 [--signing-key FILE] [--redact]      (no --program and no target: every program, one report each)
  sello mocks    [--program mx-pgs|pe-ris] [--target FILE] [--role ROLE] [--port N]
                 mx-pgs roles imss|issste|ssa [--central-index URL]; pe-ris roles sihce|qhali|engine [--mllp-port N]
  sello validate FILE|DIR... [--profile ID]  (FHIR JSON/NDJSON by meta.profile or --profile URL; .hl7 by MSH-9;
                                           JSON Schema with --profile mx-pgs/beneficiario)
  sello verify   RUN_DIR [--public-key FILE] [--format text|json]
  sello diff     RUN_A RUN_B [--format text|json]
  sello keygen   --out FILE               (Ed25519 key pair for --signing-key / --public-key)

Exit codes: 0 all passed · 3 conformance failure (verify: altered; diff: a SHALL requirement went from passed
to failed) · 4 configuration error · 5 SUT unreachable / infrastructure error`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'run':
        return await runCommand(parseArgs({
          args: rest,
          options: {
            // No --program: every program (mx-pgs, then pe-ris), unless a target file names one.
            program: { type: 'string' },
            target: { type: 'string' },
            tags: { type: 'string' },
            parallel: { type: 'string', default: '1' },
            seed: { type: 'string' },
            out: { type: 'string', default: 'reports' },
            // Sello's own tests plant defects in reference implementations to prove the suite can fail: ROLE:fault.
            'plant-fault': { type: 'string', multiple: true },
            quiet: { type: 'boolean', default: false },
            // Ed25519 private key (PEM PKCS#8 or JWK) that signs report.json; `--key` is the short form.
            'signing-key': { type: 'string' },
            key: { type: 'string' },
            redact: { type: 'boolean', default: false },
          },
          strict: true,
        }).values);
      case 'mocks':
        return await mocksCommand(parseArgs({
          args: rest,
          options: {
            program: { type: 'string' },
            target: { type: 'string' },
            role: { type: 'string' },
            port: { type: 'string' },
            'central-index': { type: 'string' },
            'mllp-port': { type: 'string' },
            'plant-fault': { type: 'string', multiple: true },
          },
          strict: true,
        }).values);
      case 'validate': {
        const parsed = parseArgs({ args: rest, options: { profile: { type: 'string' }, format: { type: 'string', default: 'text' } }, allowPositionals: true, strict: true });
        return await validateCommand(parsed.positionals, parsed.values);
      }
      case 'verify': {
        const parsed = parseArgs({ args: rest, options: { 'public-key': { type: 'string' }, format: { type: 'string', default: 'text' } }, allowPositionals: true, strict: true });
        return await verifyCommand(parsed.positionals, parsed.values);
      }
      case 'diff': {
        const parsed = parseArgs({ args: rest, options: { format: { type: 'string', default: 'text' } }, allowPositionals: true, strict: true });
        return await diffCommand(parsed.positionals, parsed.values);
      }
      case 'keygen':
        return await keygenCommand(parseArgs({ args: rest, options: { out: { type: 'string' } }, strict: true }).values);
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(USAGE);
        return command === undefined ? EXIT.configurationError : EXIT.passed;
      default:
        throw new ConfigurationError(`unknown command '${command}'\n\n${USAGE}`);
    }
  } catch (error) {
    if (error instanceof ConfigurationError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`sello: configuration error: ${(error as Error).message}`);
      return EXIT.configurationError;
    }
    if (error instanceof InfrastructureError) {
      console.error(`sello: infrastructure error: ${error.message}`);
      return EXIT.infrastructureError;
    }
    throw error;
  }
}
