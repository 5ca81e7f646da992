/**
 * Sello's reference receiving institution (`issste` or `imss-bienestar`: one implementation, the institution a
 * parameter). Sello drives it through its control API, which answers once the work is over (CONTRACT.md "Receivers"):
 *   POST /control/transferencias {curp, consentimiento, fuente} → {estado, regla?, recursos}
 *   POST /control/exportaciones  {fuente, _type?, _since?, cancelar?} → {estado, recursos, errores}
 * A malformed command is answered `400 {error}` (RE-14.4).
 */

import { jsonError } from '../../../src/mock/error-shape.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { startMockServer } from '../../../src/mock/mock-server.ts';
import { EndpointUnreachableError } from '../../../src/transport/http-client.ts';
import { type ExportCommand, INSTITUTION_OF, PATH, type ReceiverRole, type TransferCommand } from '../lib/contract.ts';
import { badCommand, controlRoute, isObject } from './control.ts';
import type { ReceiverContext } from './receiver-context.ts';
import { runExport } from './receiver-export.ts';
import { transfer } from './receiver-transfer.ts';
import type { EceServerOptions } from './server-options.ts';

export interface ReceiverOptions extends EceServerOptions {
  role: ReceiverRole;
  pgsUrl: string;
  largeTimeoutMs?: number;
  exportMs?: number;
}

export interface RunningReceiver {
  url: string;
  controlUrl: string;
  faults: FaultSet;
  transfer(command: TransferCommand): ReturnType<typeof transfer>;
  runExport(command: ExportCommand): ReturnType<typeof runExport>;
  stop(): Promise<void>;
}

const isUrl = (x: unknown): x is string => typeof x === 'string' && /^https?:\/\/\S+$/.test(x);
const optionalString = (x: unknown): boolean => x === undefined || typeof x === 'string';

function transferProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'el cuerpo debe ser un objeto JSON / the body must be a JSON object';
  if (typeof body.curp !== 'string' || body.curp === '') return 'falta curp / curp is missing';
  if (typeof body.consentimiento !== 'string' || body.consentimiento === '') return 'falta consentimiento / consentimiento is missing';
  if (!isUrl(body.fuente)) return 'fuente debe ser una URL http(s) / fuente must be an http(s) URL';
  return undefined;
}

function exportProblem(body: unknown): string | undefined {
  if (!isObject(body)) return 'el cuerpo debe ser un objeto JSON / the body must be a JSON object';
  if (!isUrl(body.fuente)) return 'fuente debe ser una URL http(s) / fuente must be an http(s) URL';
  if (!optionalString(body._type) || !optionalString(body._since)) return '_type y _since son texto / _type and _since are strings';
  if (body.cancelar !== undefined && typeof body.cancelar !== 'boolean') return 'cancelar es true o false / cancelar is true or false';
  return undefined;
}

export async function startReceiver(options: ReceiverOptions): Promise<RunningReceiver> {
  const faults = new FaultSet(options.faults);
  const institution = INSTITUTION_OF[options.role];
  const timeoutMs = options.timeoutMs ?? 10_000;
  const ctx: ReceiverContext = {
    journal: options.journal,
    faults,
    institution,
    pgs: { journal: options.journal, baseUrl: options.pgsUrl, institution, timeoutMs },
    timeoutMs,
    largeTimeoutMs: options.largeTimeoutMs ?? Math.max(timeoutMs, 120_000),
    exportMs: options.exportMs ?? 120_000,
  };
  // The source or the registry out of reach is the scene's failure, not the command's: 502 with what happened.
  const unreachable = (h: Parameters<Parameters<typeof controlRoute>[1]>[1], error: unknown) => {
    if (error instanceof EndpointUnreachableError) return h.response({ error: `${error.url}: ${error.message}` }).code(502);
    throw error;
  };
  const crash = (problem: string | undefined): string | undefined => {
    if (problem && faults.has('rx-crash-on-bad-command')) throw new Error(problem);
    return problem;
  };
  const server = await startMockServer(
    {
      name: options.role,
      ...(options.host ? { host: options.host } : {}),
      ...(options.port !== undefined ? { port: options.port } : {}),
      journal: options.journal,
      errorShape: jsonError((status, message) => ({ error: `${status}: ${message}` })),
      partyOf: () => options.externalParty ?? 'sello',
    },
    async (hapi) => {
      hapi.route(
        controlRoute(PATH.transfer, async (request, h) => {
          const problem = crash(transferProblem(request.payload));
          if (problem) return badCommand(h, problem);
          return transfer(ctx, request.payload as TransferCommand).then(
            (r) => h.response(r),
            (e: unknown) => unreachable(h, e),
          );
        }),
      );
      hapi.route(
        controlRoute(PATH.exportRun, async (request, h) => {
          const problem = crash(exportProblem(request.payload));
          if (problem) return badCommand(h, problem);
          return runExport(ctx, request.payload as ExportCommand).then(
            (r) => h.response(r),
            (e: unknown) => unreachable(h, e),
          );
        }),
      );
    },
  );
  return {
    url: server.url,
    controlUrl: `${server.url}${PATH.control}`,
    faults,
    transfer: (c) => transfer(ctx, c),
    runExport: (c) => runExport(ctx, c),
    stop: () => server.stop(),
  };
}
