import { mkdir, rm, symlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { join, resolve } from 'node:path';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { ConfigurationError, EXIT, InfrastructureError } from '../config/errors.ts';
import { describeSut, loadTarget, type TargetFile } from '../config/target.ts';
import { buildReport } from '../report/build-report.ts';
import { KeyError, loadSigningKey, type SigningKey } from '../report/integrity.ts';
import type { ReportModel } from '../report/model.ts';
import { CatalogueError, loadRequirementCatalogue, type RequirementCatalogue } from '../report/requirements.ts';
import { RUN_CONFIG_ENV, type RunConfig } from '../run/run-config.ts';
import { REPO_ROOT, seloVersion } from './repo.ts';

export interface RunOptions {
  program?: string;
  target?: string;
  tags?: string;
  parallel?: string;
  seed?: string;
  out?: string;
  'plant-fault'?: string[];
  quiet?: boolean;
  'signing-key'?: string;
  /** Short form of --signing-key. */
  key?: string;
  redact?: boolean;
}

const PROGRAMS = ['mx-pgs'] as const;
const ROLES = ['imss', 'issste', 'ssa'];

export async function runCommand(options: RunOptions): Promise<number> {
  const program = options.program ?? 'mx-pgs';
  if (!PROGRAMS.includes(program as (typeof PROGRAMS)[number])) {
    throw new ConfigurationError(`unknown program '${program}' (available: ${PROGRAMS.join(', ')})`);
  }
  const parallel = Number(options.parallel ?? '1');
  if (!Number.isInteger(parallel) || parallel < 1 || parallel > 16) throw new ConfigurationError('--parallel must be a whole number from 1 to 16');
  const target = options.target ? await loadTarget(resolve(options.target)) : undefined;
  if (target && target.program !== program) throw new ConfigurationError(`target file is for ${target.program}, not ${program}`);
  if (target?.mocks?.ports && parallel > 1) {
    throw new ConfigurationError('--parallel > 1 cannot share the fixed mock ports of the target file; run with --parallel 1');
  }
  const faults = parseFaults(options['plant-fault'] ?? []);
  // Catalogue and key are checked before any scenario runs: a typo must not cost a whole run.
  const catalogue = loadCatalogue(program);
  const signingKey = await signingKeyOption(options);
  if (target) await checkReachable(target);

  const startedAt = new Date();
  const runId = `${startedAt.toISOString().replace(/[:.]/g, '-').replace(/Z$/, 'Z')}-${randomBytes(3).toString('hex')}`;
  const reportsDir = resolve(options.out ?? 'reports');
  const outDir = join(reportsDir, runId);
  await mkdir(outDir, { recursive: true });
  const seed = options.seed ?? runId;
  const runConfig: RunConfig = { runId, program: 'mx-pgs', seed, ...(target ? { target } : {}), ...(Object.keys(faults).length ? { faults } : {}) };
  process.env[RUN_CONFIG_ENV] = JSON.stringify(runConfig);

  const messagesFile = join(outDir, 'cucumber-messages.ndjson');
  const tags = [`@${program}`, target ? `@${target.sut.role}` : undefined, options.tags ? `(${options.tags})` : undefined]
    .filter(Boolean)
    .join(' and ');
  const environment = { cwd: REPO_ROOT, stdout: process.stdout, stderr: process.stderr, env: process.env };
  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        paths: [`features/${program}/**/*.feature`],
        import: ['steps/**/*.ts'],
        tags,
        parallel: parallel > 1 ? parallel : 0,
        format: [`message:${messagesFile}`, 'allure-cucumberjs/reporter', ...(options.quiet ? [] : ['progress'])],
        formatOptions: { resultsDir: join(outDir, 'allure-results') },
      },
    },
    environment,
  );
  await runCucumber(runConfiguration, environment);

  const report = await buildReport({
    messagesFile,
    outDir,
    runId,
    program,
    programVersion: catalogue.rulesVersion,
    rules: catalogue.rules,
    requirements: catalogue.requirements,
    catalogue: { version: catalogue.version, files: catalogue.files },
    ...(signingKey ? { signingKey } : {}),
    redact: options.redact === true,
    sut: describeSut(target),
    seed,
    startedAt: startedAt.toISOString(),
    seloVersion: await seloVersion(),
    roleTags: ROLES,
  });
  await pointLatest(reportsDir, runId);
  printSummary(report, outDir, target);
  if (infrastructureFailure(report)) return EXIT.infrastructureError;
  return report.verdict === 'CERTIFIABLE' ? EXIT.passed : EXIT.conformanceFailure;
}

function parseFaults(specs: string[]): Record<string, string[]> {
  const faults: Record<string, string[]> = {};
  for (const spec of specs) {
    const [institucion, fault] = spec.split(':', 2);
    if (!institucion || !fault || !ROLES.includes(institucion.toLowerCase())) {
      throw new ConfigurationError(`--plant-fault takes INSTITUTION:fault (e.g. IMSS:skip-RN-01), got '${spec}'`);
    }
    (faults[institucion.toUpperCase()] ??= []).push(fault);
  }
  return faults;
}

/** Before any scenario: a SUT that is not listening is an infrastructure problem, not a conformance verdict. */
async function checkReachable(target: TargetFile): Promise<void> {
  for (const url of new Set([target.sut.baseUrl, target.sut.tokenUrl])) {
    const { hostname, port, protocol } = new URL(url);
    const portNumber = Number(port || (protocol === 'https:' ? 443 : 80));
    await new Promise<void>((resolvePromise, reject) => {
      const socket = createConnection({ host: hostname.replace(/^\[|\]$/g, ''), port: portNumber, timeout: 5000 });
      socket.once('connect', () => {
        socket.destroy();
        resolvePromise();
      });
      socket.once('timeout', () => {
        socket.destroy();
        reject(new InfrastructureError(`SUT ${url} did not accept a connection within 5 s`));
      });
      socket.once('error', (error: NodeJS.ErrnoException) => reject(new InfrastructureError(`SUT ${url} is unreachable: ${error.code ?? error.message}`)));
    });
  }
}

function infrastructureFailure(report: ReportModel): boolean {
  return report.features.some((f) =>
    f.scenarios.some((s) => s.status === 'failed' && s.steps.some((step) => step.error?.includes('EndpointUnreachableError'))),
  );
}

/** The requirement catalogue (profiles/<program>/requirements.json and the rules it names): the one loader. */
function loadCatalogue(program: string): RequirementCatalogue {
  try {
    return loadRequirementCatalogue(program, join(REPO_ROOT, 'profiles'));
  } catch (error) {
    if (error instanceof CatalogueError) throw new ConfigurationError(`requirement catalogue: ${error.message}`);
    throw error;
  }
}

async function signingKeyOption(options: RunOptions): Promise<SigningKey | undefined> {
  const a = options['signing-key'];
  const b = options.key;
  if (a && b && a !== b) throw new ConfigurationError('--signing-key and --key name different files; give one');
  const file = a ?? b;
  if (!file) return undefined;
  try {
    return await loadSigningKey(resolve(file));
  } catch (error) {
    if (error instanceof KeyError) throw new ConfigurationError(error.message);
    throw error;
  }
}

async function pointLatest(reportsDir: string, runId: string): Promise<void> {
  const link = join(reportsDir, 'latest');
  await rm(link, { force: true });
  await symlink(runId, link).catch(() => undefined);
}

function printSummary(report: ReportModel, outDir: string, target: TargetFile | undefined): void {
  const t = report.totals;
  const lines = [
    '',
    `Sello ${report.program} — ${target ? `SUT ${target.sut.role} at ${target.sut.baseUrl}` : 'reference implementations'}`,
    `Verdict: ${report.verdict}`,
    `Scenarios: ${t.scenarios} (${t.passed} passed, ${t.failed} failed${t.undefined ? `, ${t.undefined} undefined` : ''}${t.skipped ? `, ${t.skipped} skipped` : ''}) · findings: ${t.findings}`,
  ];
  for (const r of report.requirements.filter((x) => x.verdict === 'failed')) lines.push(`  ${r.id}: failed (${r.severity}) — ${r.title.en}`);
  const uncovered = report.requirements.filter((x) => x.verdict === 'not-covered' && x.severity === 'SHALL').map((x) => x.id);
  if (uncovered.length) lines.push(`  SHALL requirements no scenario covers (${uncovered.length}): ${uncovered.join(', ')}`);
  const sig = report.integrity.signature;
  lines.push(sig.key === 'ephemeral'
    ? `Signed: report.json.jws with an EPHEMERAL Ed25519 key (thumbprint ${sig.keyThumbprint}) — proves the directory is unaltered, not who produced it; sign with --signing-key FILE (sello keygen)`
    : `Signed: report.json.jws with the Ed25519 key ${sig.keyThumbprint}`);
  if (report.redaction.applied) lines.push(`Redacted: ${report.redaction.values ?? 0} identifiers (${(report.redaction.kinds ?? []).join(', ')}) pseudonymized in report.json/html, junit.xml, fhir/; evidence files are raw`);
  lines.push(`Verify: sello verify ${outDir}`);
  lines.push(`Report: ${join(outDir, 'report.html')}`);
  console.log(lines.join('\n'));
}
