/**
 * Sello's reference imss-ece: the source EHR, a FHIR R4 server on hapi (src/mock journals every exchange) holding
 * IMSS records — seeded from the run's seed, plus what its control API loads — and answering `Patient/$everything`
 * (imss-ece-everything.ts) and Bulk `Patient/$export` (imss-ece-export.ts). It reads consents and the padrón at ssa-pgs.
 *
 * Control API: `POST /control/expedientes` with a transaction Bundle → `200 {id}`.
 */

import { FaultSet } from '../../../src/mock/faults.ts';
import { startMockServer } from '../../../src/mock/mock-server.ts';
import { INSTITUTION_OF, PATH } from '../lib/contract.ts';
import { recordFromTransaction } from '../lib/expediente.ts';
import type { PatientRecord } from '../lib/record.ts';
import { badCommand, controlRoute, isObject } from './control.ts';
import { type EceContext, type EceRequestApp, STIMULUS_PARTY } from './imss-ece-context.ts';
import { everythingPlugin } from './imss-ece-everything.ts';
import { exportPlugin } from './imss-ece-export.ts';
import { EceRecords } from './imss-ece-store.ts';
import { eceErrorShape } from './outcome.ts';
import { type EceServerOptions, institutionParty } from './server-options.ts';

/** A 50,000-note history loaded through the control API is ~60 MB of JSON. */
const MAX_RECORD_BYTES = 256 * 1024 * 1024;

export interface ImssEceOptions extends EceServerOptions {
  /** ssa-pgs's base URL (consents and padrón). */
  pgsUrl: string;
  /** Records held from the start (the seeded scene). */
  records?: readonly PatientRecord[];
  /** In-progress status answers before a job's manifest (default 1). */
  exportPolls?: number;
  retryAfterSeconds?: number;
  linesPerFile?: number;
}

export interface RunningImssEce {
  url: string;
  fhirBaseUrl: string;
  controlUrl: string;
  faults: FaultSet;
  /** Holds a record as the control API would; returns the Patient id. */
  load(record: PatientRecord): string;
  setExportPolls(n: number): void;
  /**
   * A stimulus for the receiver under test: the $everything answer for `curp` carries these defects (fault keys of
   * this role, e.g. `ece-old-entries`), journaled as Sello's, until cleared.
   */
  stimulate(curp: string, defects: readonly string[]): void;
  clearStimuli(): void;
  stop(): Promise<void>;
}

export async function startImssEce(options: ImssEceOptions): Promise<RunningImssEce> {
  const faults = new FaultSet(options.faults);
  const records = new EceRecords();
  for (const record of options.records ?? []) records.load(record);
  let polls = options.exportPolls ?? 1;
  const ctx: EceContext = {
    faults,
    records,
    pgs: { journal: options.journal, baseUrl: options.pgsUrl, institution: INSTITUTION_OF['imss-ece'], timeoutMs: options.timeoutMs ?? 10_000 },
    exportPolls: () => polls,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    linesPerFile: options.linesPerFile ?? 10_000,
    stimuli: new Map(),
  };
  const server = await startMockServer(
    {
      name: 'imss-ece',
      ...(options.host ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      journal: options.journal,
      errorShape: eceErrorShape,
      partyOf: institutionParty(options),
      answeringParty: (r) => ((r.app as EceRequestApp).stimulus ? STIMULUS_PARTY : undefined),
    },
    async (hapi) => {
      await hapi.register([{ plugin: everythingPlugin(ctx) }, { plugin: exportPlugin(ctx) }]);
      hapi.route(
        controlRoute(
          PATH.loadRecord,
          (request, h) => {
            if (!isObject(request.payload) || request.payload.resourceType !== 'Bundle' || request.payload.type !== 'transaction')
              return badCommand(h, 'se espera un Bundle transaction / a transaction Bundle is expected');
            try {
              return h.response({ id: records.load(recordFromTransaction(request.payload)).id });
            } catch (error) {
              return badCommand(h, error instanceof Error ? error.message : String(error));
            }
          },
          MAX_RECORD_BYTES,
        ),
      );
    },
  );
  return {
    url: server.url,
    fhirBaseUrl: `${server.url}${PATH.fhir}`,
    controlUrl: `${server.url}${PATH.control}`,
    faults,
    load: (record) => records.load(record).id,
    setExportPolls: (n) => {
      polls = n;
    },
    stimulate: (curp, defects) => ctx.stimuli.set(curp, [...defects]),
    clearStimuli: () => ctx.stimuli.clear(),
    stop: () => server.stop(),
  };
}
