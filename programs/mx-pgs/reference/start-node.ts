import { randomUUID } from 'node:crypto';
import type { ExchangeJournal } from '../../../src/journal/journal.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { type MockServer, startMockServer } from '../../../src/mock/mock-server.ts';
import { type ClientCredential, registerTokenEndpoint, TOKEN_PATH, TokenAuthority } from '../../../src/mock/oauth.ts';
import { todayInMexico } from '../../../src/util/dates.ts';
import { acuseForCode } from '../lib/acuse.ts';
import type { Institucion } from '../lib/types.ts';
import { CentralIndex } from './central-index.ts';
import { registerConfronta } from './confronta-route.ts';
import { type CentralIndexEndpoint, IndexNotifier } from './index-notifier.ts';
import { PGS_BASE_PATH, PgsNode } from './pgs-node.ts';

export interface PgsNodeConfig {
  institucion: Institucion;
  host?: string;
  port?: number;
  /** OAuth2 clients this node's token endpoint accepts (one per institution). */
  clients: readonly ClientCredential[];
  /** Where a non-SSA node reports its changes; the SSA node hosts the index itself. */
  centralIndex?: CentralIndexEndpoint;
  faults?: readonly string[];
  journal: ExchangeJournal;
  today?: () => string;
}

export interface RunningPgsNode {
  institucion: Institucion;
  url: string;
  baseUrl: string;
  tokenUrl: string;
  node: PgsNode;
  index?: CentralIndex;
  faults: FaultSet;
  stop(): Promise<void>;
}

const CODE_BY_STATUS: Record<number, string> = { 401: 'PGS-401', 403: 'PGS-403', 404: 'PGS-404', 409: 'PGS-409' };

export async function startPgsNode(config: PgsNodeConfig): Promise<RunningPgsNode> {
  const faults = new FaultSet(config.faults);
  const tokens = new TokenAuthority(config.clients, config.institucion);
  const index = config.institucion === 'SSA' ? new CentralIndex(faults) : undefined;
  if (!index && !config.centralIndex) throw new Error(`${config.institucion} node needs the central index endpoint (SSA)`);
  const notifier = index ? undefined : new IndexNotifier(config.institucion, config.centralIndex!, config.journal, faults.numberParam('delay-index-notification', 0), faults);
  const node = new PgsNode({
    institucion: config.institucion,
    tokens,
    faults,
    today: config.today ?? (() => todayInMexico()),
    reportChange: (event) => (index ? index.apply(event) : notifier!.notify(event)),
  });

  const server: MockServer = await startMockServer(
    {
      name: config.institucion,
      ...(config.host ? { host: config.host } : {}),
      ...(config.port !== undefined ? { port: config.port } : {}),
      journal: config.journal,
      errorBody: (status, message, request) => {
        const given = request.headers['x-message-id'];
        const messageId = typeof given === 'string' && given ? given : randomUUID();
        const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'PGS-500' : 'PGS-110');
        return { acuse: acuseForCode(messageId, code, request.path, message) };
      },
    },
    async (hapi) => {
      registerTokenEndpoint(hapi, tokens);
      node.register(hapi);
      index?.register(hapi, node);
      if (index) registerConfronta(hapi, node, index, faults);
    },
  );

  return {
    institucion: config.institucion,
    url: server.url,
    baseUrl: `${server.url}${PGS_BASE_PATH}`,
    tokenUrl: `${server.url}${TOKEN_PATH}`,
    node,
    ...(index ? { index } : {}),
    faults,
    stop: async () => {
      await notifier?.drain();
      await server.stop();
    },
  };
}
