/** What imss-ece's route plugins share, and the request checks both $everything and $export begin with. */
import type Hapi from '@hapi/hapi';
import { isBlocking } from '../../../src/findings/finding.ts';
import { validateCurp } from '../../../src/identifiers/mx/index.ts';
import type { FaultSet } from '../../../src/mock/faults.ts';
import { HEADER, SYSTEM } from '../lib/contract.ts';
import type { EceRecords } from './imss-ece-store.ts';
import type { PgsCaller } from './pgs-client.ts';

export interface EceContext {
  faults: FaultSet;
  records: EceRecords;
  /** How imss-ece calls ssa-pgs (as IMSS). */
  pgs: PgsCaller;
  /** Bulk export: in-progress answers before the manifest, Retry-After seconds, lines per NDJSON file. */
  exportPolls(): number;
  retryAfterSeconds: number;
  linesPerFile: number;
  /** Planted for one scenario, by CURP: fault keys its $everything answer carries as a stimulus (not a defect of the role). */
  stimuli: Map<string, string[]>;
}

/** What a route notes on a request for the journal. */
export interface EceRequestApp {
  /** The answer is a deliberate stimulus: journaled under Sello's party, so no judge binds imss-ece to it. */
  stimulus?: boolean;
}

/** The journal party of a stimulus Sello's imss-ece answers with. */
export const STIMULUS_PARTY = 'sello (imss-ece)';

/** The requesting institution, as `X-Institucion` names it. */
export function institutionOf(request: Hapi.Request): string | undefined {
  const value = request.headers[HEADER.institution];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The CURP of an `identifier` parameter (`system|value`, or the bare value), or undefined when it is not one. */
export function curpOfIdentifier(identifier: string): string | undefined {
  const bar = identifier.lastIndexOf('|');
  const system = bar < 0 ? undefined : identifier.slice(0, bar);
  const value = (bar < 0 ? identifier : identifier.slice(bar + 1)).trim().toUpperCase();
  if (system !== undefined && system !== '' && system !== SYSTEM.curp) return undefined;
  return validateCurp(value).some(isBlocking) ? undefined : value;
}

/** A query parameter that is given once, as text; an array (given twice) counts as malformed. */
export function single(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : null;
}

type Parameter = {
  name?: unknown;
  valueString?: unknown;
  valueCode?: unknown;
  valueInstant?: unknown;
  valueUri?: unknown;
  valueIdentifier?: { system?: unknown; value?: unknown };
  valueReference?: { reference?: unknown };
};

/** A `Parameters` body as name → text (an identifier as `system|value`, a reference as its text); undefined if it is not one. */
export function parametersOf(body: unknown): Map<string, string> | undefined {
  const p = body as { resourceType?: unknown; parameter?: unknown } | null;
  if (typeof p !== 'object' || p === null || Array.isArray(p) || p.resourceType !== 'Parameters') return undefined;
  const out = new Map<string, string>();
  if (p.parameter === undefined) return out;
  if (!Array.isArray(p.parameter)) return undefined;
  for (const raw of p.parameter as Parameter[]) {
    if (typeof raw !== 'object' || raw === null || typeof raw.name !== 'string') return undefined;
    const id = raw.valueIdentifier;
    const text = id ? `${String(id.system ?? '')}|${String(id.value ?? '')}` : (raw.valueString ?? raw.valueCode ?? raw.valueInstant ?? raw.valueUri ?? raw.valueReference?.reference);
    if (typeof text !== 'string') return undefined;
    out.set(raw.name, out.has(raw.name) ? `${out.get(raw.name)},${text}` : text);
  }
  return out;
}
