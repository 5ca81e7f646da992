/**
 * What the wire has shown so far in this worker and later exchanges are read against: the export jobs (a status URL
 * from a kick-off's Content-Location, its polls, its manifest, whether it was cancelled) and the files each manifest
 * lists. Keyed by path and query only: the same URL is spelled with another host by a client and by a server.
 */
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import type { EceRole } from '../lib/contract.ts';

export interface ExportJob {
  statusKey: string;
  kickoff: ExchangeEntry;
  /** When the kick-off was sent: RE-02 for the files is judged against it. */
  requestedAt: Date;
  polls: Array<{ x: ExchangeEntry; role: EceRole | undefined }>;
  pollsJudged: number;
  manifest?: { x: ExchangeEntry; body: Record<string, unknown> };
  /** Epoch ms of the first DELETE accepted for it. */
  deletedAt?: number;
}

export interface ExportFile {
  key: string;
  url: string;
  type: string;
  kind: 'output' | 'error';
  /** The manifest's count, when it gave one. */
  count?: number;
  job: ExportJob;
}

export interface EceWireState {
  jobs: Map<string, ExportJob>;
  files: Map<string, ExportFile>;
  /** Exchanges already judged (a scenario's journal slice may overlap the previous one's). */
  judged: Set<string>;
}

export const newWireState = (): EceWireState => ({ jobs: new Map(), files: new Map(), judged: new Set() });

export function urlKey(url: string | undefined, base?: string): string {
  try {
    const u = new URL(url ?? '', base ?? 'http://x');
    return `${u.pathname}${u.search}`;
  } catch {
    return url ?? '';
  }
}
