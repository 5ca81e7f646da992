/** A whole mx-ece reference deployment on free ports, for the reference tests. */

import type { EceRole } from '../../programs/mx-ece/lib/contract.ts';
import { type EceDeployment, startEceDeployment } from '../../programs/mx-ece/reference/deployment.ts';
import { ExchangeJournal } from '../../src/journal/journal.ts';
import { freePorts } from '../../src/transport/free-port.ts';

export async function deploy(faults: Partial<Record<EceRole, string[]>> = {}, exportPolls?: number): Promise<EceDeployment> {
  const [a, b, c, d] = await freePorts(4);
  return startEceDeployment({
    journal: new ExchangeJournal(),
    ports: { 'imss-ece': a!, issste: b!, 'imss-bienestar': c!, 'ssa-pgs': d! },
    faults,
    ...(exportPolls !== undefined ? { exportPolls } : {}),
  });
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: unknown; text: string }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}
