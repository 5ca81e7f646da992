/**
 * One reference mock alone in this process, for bench/load-clients.ts: started with the same start functions
 * `sello mocks` uses (through the programs' deployments), but one role per process, so /proc/<pid>/status is that
 * mock's memory and nothing else's. `sello mocks` puts the three pe-ris roles (or the three PGS nodes) in one process
 * and cannot point a lone engine at a SIHCE in another process without a target file.
 *
 * node --expose-gc --import tsx bench/load-mock.ts ROLE, configured by SELLO_LOAD_MOCK (JSON), run with an IPC channel:
 * it sends { ready: endpoints } once listening; on 'gc' it collects twice and answers { gc: memoryUsage, journal: stats }.
 */

import { startPgsNode } from '../programs/mx-pgs/reference/start-node.ts';
import { startEngine } from '../programs/pe-ris/reference/engine.ts';
import { startQhali } from '../programs/pe-ris/reference/qhali.ts';
import { startSihce } from '../programs/pe-ris/reference/sihce.ts';
import { SELLO_MIS_CLIENT, startRuDeployment } from '../programs/ru-egisz/reference/deployment.ts';
import { ExchangeJournal } from '../src/journal/journal.ts';
import type { ClientCredential } from '../src/mock/oauth.ts';

export interface LoadMockConfig {
  port: number;
  mllpPort?: number;
  /** PGS nodes: the OAuth2 clients their token endpoints accept. */
  clients?: ClientCredential[];
  /** IMSS: where the SSA index is, and IMSS's credentials there. */
  centralIndex?: { baseUrl: string; tokenUrl: string; clientId: string; clientSecret: string };
  /** SIHCE: the bearer a Subscription write needs; the engine sends it. */
  subscriptionToken?: string;
  sihce?: { fhirBaseUrl: string; mllp: { host: string; port: number } };
  qhaliNotificationUrl?: string;
}

const role = process.argv[2];
const config = JSON.parse(process.env.SELLO_LOAD_MOCK ?? '{}') as LoadMockConfig;
// As `sello mocks`: one journal for the process, bounded by its own limits (README "Limits").
const journal = new ExchangeJournal();

async function start(): Promise<{ endpoints: Record<string, unknown>; stop(): Promise<void> }> {
  switch (role) {
    case 'pgs-ssa':
    case 'pgs-imss': {
      const node = await startPgsNode({
        institucion: role === 'pgs-ssa' ? 'SSA' : 'IMSS',
        clients: config.clients ?? [],
        journal,
        port: config.port,
        ...(config.centralIndex ? { centralIndex: config.centralIndex } : {}),
      });
      return { endpoints: { baseUrl: node.baseUrl, tokenUrl: node.tokenUrl }, stop: () => node.stop() };
    }
    case 'sihce': {
      const sihce = await startSihce({
        journal,
        port: config.port,
        ...(config.mllpPort !== undefined ? { mllpPort: config.mllpPort } : {}),
        ...(config.subscriptionToken ? { subscriptionWriteToken: config.subscriptionToken } : {}),
      });
      return { endpoints: { fhirBaseUrl: sihce.fhirBaseUrl, mllp: sihce.mllp }, stop: () => sihce.stop() };
    }
    case 'engine': {
      const engine = await startEngine({
        journal,
        port: config.port,
        sihce: { ...config.sihce!, ...(config.subscriptionToken ? { authorization: `Bearer ${config.subscriptionToken}` } : {}) },
        qhaliNotificationUrl: config.qhaliNotificationUrl!,
        // As in the deployment: SIHCE is Sello's own, so the engine journals the MLLP exchanges.
        journalMllp: true,
      });
      await engine.subscribe();
      return { endpoints: { fhirBaseUrl: engine.fhirBaseUrl }, stop: () => engine.stop() };
    }
    case 'qhali': {
      const qhali = await startQhali({ journal, port: config.port });
      return { endpoints: { notificationUrl: qhali.notificationUrl, controlUrl: qhali.controlUrl }, stop: () => qhali.stop() };
    }
    case 'remd': {
      // REMD answers only the systems it knows (RR-08.7): Sello's MIS and gateway start beside it, idle.
      const ru = await startRuDeployment({ journal, ports: { remd: config.port } });
      return { endpoints: { serviceUrl: ru.endpoints.remd.serviceUrl, clientEntityId: SELLO_MIS_CLIENT }, stop: () => ru.stop() };
    }
    default:
      throw new Error(`unknown role ${role} (pgs-ssa, pgs-imss, sihce, engine, qhali, remd)`);
  }
}

const running = await start();
const gc = (globalThis as { gc?: () => void }).gc;
process.on('message', (m) => {
  if (m !== 'gc') return;
  gc?.();
  gc?.();
  process.send?.({ gc: process.memoryUsage(), collected: gc !== undefined, journal: journal.stats });
});
const stop = async () => {
  await running.stop();
  journal.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// The bench gone (crashed, interrupted), nothing would stop this process otherwise.
process.once('disconnect', stop);
process.send?.({ ready: running.endpoints });
