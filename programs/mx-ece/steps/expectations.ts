/**
 * What a Then step finds wrong, under the behaviour's rule and bound to the role under test, on the exchange it read.
 */
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { isRecord, type JudgedFinding, jsonBody } from '../judges/judged.ts';
import { SYSTEM } from '../lib/contract.ts';
import { ece } from './ece-context.ts';

export function fails(world: SelloWorld, x: ExchangeEntry | undefined, rule: string, location: string, es: string, en: string): JudgedFinding {
  return {
    ruleId: rule,
    severity: 'error',
    code: 'processing',
    location,
    locationKind: location.startsWith('/') || location === '' ? 'json-pointer' : 'http',
    message: { es, en },
    role: ece(world).role,
    ...(x ? { exchangeId: x.id, side: 'response' as const } : {}),
  };
}

/** The exchange, when it answered one of `statuses`; else the step fails under `rule`. */
export function expectStatus(world: SelloWorld, x: ExchangeEntry | undefined, statuses: readonly number[], rule: string): ExchangeEntry {
  if (!x) throw new Error('no exchange to judge: the When step made none');
  if (x.status === undefined || !statuses.includes(x.status)) {
    world.report([
      fails(
        world,
        x,
        rule,
        'status',
        `Se esperaba ${statuses.join(' o ')} y la respuesta fue ${x.status ?? x.error ?? 'ninguna'}.`,
        `${statuses.join(' or ')} was expected and the answer was ${x.status ?? x.error ?? 'none'}.`,
      ),
    ]);
  }
  return x;
}

/** A refusal: the status, an OperationOutcome with an issue and, when a rule is named, the rule in the issue. */
export function expectRefusal(world: SelloWorld, x: ExchangeEntry | undefined, statuses: readonly number[] | 'any-4xx', rule?: string): void {
  const judged = rule ?? world.primaryRequirement;
  if (!x) throw new Error('no exchange to judge: the When step made none');
  const ok = statuses === 'any-4xx' ? x.status !== undefined && x.status >= 400 && x.status < 500 : x.status !== undefined && statuses.includes(x.status);
  const expected = statuses === 'any-4xx' ? '4xx' : statuses.join(' o ');
  if (!ok) {
    world.report([
      fails(
        world,
        x,
        judged,
        'status',
        `Se esperaba ${expected} y la respuesta fue ${x.status ?? x.error ?? 'ninguna'}.`,
        `${expected.replace(' o ', ' or ')} was expected and the answer was ${x.status ?? x.error ?? 'none'}.`,
      ),
    ]);
  }
  const body = jsonBody(x.response);
  if (!isRecord(body) || body.resourceType !== 'OperationOutcome' || !Array.isArray(body.issue) || body.issue.length === 0) {
    world.report([fails(world, x, judged, '', 'La respuesta no es un OperationOutcome con al menos un issue.', 'The answer is not an OperationOutcome with at least one issue.')]);
    return;
  }
  if (!rule) return;
  const named = (body.issue as unknown[]).some((issue) => {
    if (!isRecord(issue)) return false;
    const details = isRecord(issue.details) ? issue.details : {};
    const coded = Array.isArray(details.coding) && details.coding.some((c) => isRecord(c) && c.code === rule && (c.system === undefined || c.system === SYSTEM.rules));
    return coded || (typeof details.text === 'string' && details.text.includes(rule)) || (typeof issue.diagnostics === 'string' && issue.diagnostics.includes(rule));
  });
  if (!named) {
    world.report([
      fails(world, x, rule, '/issue', `Ningún issue del OperationOutcome nombra ${rule} (details.coding o su texto).`, `No issue of the OperationOutcome names ${rule} (details.coding or its text).`),
    ]);
  }
}
