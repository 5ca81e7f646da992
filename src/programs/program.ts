/**
 * What a certification program gives the engine. A program is one folder, `programs/<id>/`:
 *
 *   program.ts     the default export of `defineProgram({...})` below (id, title, locale, roles, target-file schema,
 *                  the SUT's endpoints, `sello mocks` options, how its reference roles start)
 *   features/      its Gherkin features, tagged with the program id, role tags and requirement ids
 *   steps/         its step definitions; only the selected program's steps load in a run
 *   judges/        its rules and wire judges (never import reference/)
 *   reference/     its reference implementations (what Sello plays, and what certifies with no configuration)
 *   profiles/      requirements.json, rules.json, schemas and profiles, planted-defects.json
 *
 * The engine (src/) reads none of these by name: it finds them from the id in programs/programs.json.
 */
export interface TargetTimeouts {
  requestMs?: number;
  propagationMs?: number;
}

/** The part of a target file every program shares; the rest is the program's own (its `targetSchema`). */
export interface TargetFile {
  program: string;
  sut: { role: string; name?: string } & Record<string, unknown>;
  mocks?: { host?: string; ports?: Record<string, number | undefined> };
  timeouts?: TargetTimeouts;
}

export interface MocksRequest {
  target?: TargetFile;
  /** Start only this role, as a stand-in SUT. */
  role?: string;
  /** Base port (all roles) or the port of the one role. */
  port?: number;
  /** Values of the program's own `sello mocks` options (`mocksOptions`), by long name. */
  extra: Record<string, string | undefined>;
  /** Planted defects by role (lower case). */
  faults: Record<string, string[]>;
}

export interface RunningMocks {
  /** Lines to print: where each mock listens, and anything a developer needs to use them. */
  lines: string[];
  stop(): Promise<void>;
}

/** A `sello mocks` option a program contributes: `--<name> <value>`. */
export interface ProgramOption {
  name: string;
  valueName: string;
  description: string;
}

export interface ProgramModule {
  id: string;
  title: string;
  /** BCP 47 language of its messages and reports besides English (es-MX, es-PE, ru-RU …). */
  locale: string;
  /** The role tags (without `@`), in report column order; a target file's `sut.role` is one of them. */
  roles: readonly string[];
  /** JSON Schema (2020-12) of the program's target file; may `$ref` the engine's `target.schema.json#/$defs/…`. */
  targetSchema: object;
  /** Every endpoint of the SUT Sello connects to, as URLs (mllp://host:port for MLLP); the first is its main address. */
  sutEndpoints(target: TargetFile): string[];
  /** Further options of `sello mocks` for this program. */
  mocksOptions?: readonly ProgramOption[];
  /** Starts reference implementations for `sello mocks`. Import them lazily: `sello verify` needs none of them. */
  startMocks(request: MocksRequest): Promise<RunningMocks>;
  /**
   * False when `--redact` does not know where its evidence carries people's data (the run is refused rather than
   * half-redacted). Default true.
   */
  redactable?: boolean;
  /** Its HL7 v2 message profiles and rule checks, for `sello validate x.hl7`; loaded lazily like the mocks. */
  hl7v2?(): Promise<import('../hl7v2/rules.ts').Hl7v2Contract>;
}

/** Identity function that gives a program's `program.ts` its type. */
export function defineProgram(program: ProgramModule): ProgramModule {
  return program;
}
