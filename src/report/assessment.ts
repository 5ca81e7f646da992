import { type Finding, isBlocking } from '../findings/finding.ts';
import type { BlockRef, ScenarioReport, ScenarioStatus, SutInfo, VerdictReason } from './model.ts';

/*
 * What a scenario's outcome says about the requirements it is tagged for. A requirement fails only on a blocking
 * finding that names it (or on a failure no finding explains at all); a scenario stopped by another rule's finding,
 * by the weather, or by Sello's own mock leaves the requirements it was tagged for not assessed, with what blocked it.
 * The report's rule verdicts, its coverage matrix and the run verdict all read this one module.
 */

/** Not passed, and not because of the weather: what cucumber calls a failure, plus undefined/pending/ambiguous steps. */
export const NOT_PASSED: ReadonlySet<ScenarioStatus> = new Set(['failed', 'undefined', 'pending', 'ambiguous']);

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/**
 * Whether a finding judges the system under test. In a run against an external SUT, a finding that names another
 * role judges one of Sello's own mocks: information about Sello, not a defect of the SUT. A finding that names no
 * role counts: an unattributed failure must not slip through.
 */
export function countsAgainstSut(f: Finding, sut: SutInfo): boolean {
  return sut.kind !== 'external' || f.role === undefined || same(f.role, sut.role);
}

export const judgedBlocking = (f: Finding, sut: SutInfo): boolean => isBlocking(f) && countsAgainstSut(f, sut);

/** A blocking finding that names another role than the external SUT: a defect of Sello's own mock. */
export const selloBlocking = (f: Finding, sut: SutInfo): boolean => isBlocking(f) && !countsAgainstSut(f, sut);

/** A failure that no finding names and no infrastructure error explains (a plain assertion): it fails its tagged rules. */
export function unexplainedFailure(s: Pick<ScenarioReport, 'status' | 'findings'>): boolean {
  return NOT_PASSED.has(s.status) && !s.findings.some(isBlocking);
}

/**
 * Every step of the scenario itself ran and passed; only an After hook failed (e.g. judging the wire found another
 * rule's defect). Its assertions were all made, so the requirements it is tagged for were assessed.
 */
export function completed(s: Pick<ScenarioReport, 'steps'>): boolean {
  const own = s.steps.filter((st) => st.hook === undefined);
  return own.length > 0 && own.every((st) => st.status === 'passed') && !s.steps.some((st) => st.hook === 'before' && st.status !== 'passed');
}

/** Not passed, but not a judgement against the requirement either: the scenario ended before it could judge it. */
export const stopped = (s: Pick<ScenarioReport, 'status' | 'findings' | 'steps'>): boolean => !completed(s) && (s.status === 'inconclusive' || (NOT_PASSED.has(s.status) && !unexplainedFailure(s)));

/** Judged its requirements to the end: passed, or completed every step before an After hook failed on something else. */
const assessedClean = (s: ScenarioReport): boolean => s.status === 'passed' || (completed(s) && !unexplainedFailure(s));

/**
 * What stopped scenario `s` before it judged requirement `id`: the first blocking finding against the SUT of another
 * rule, else the infrastructure error, else the first finding against Sello's own mock. Undefined when nothing did.
 */
export function blockOf(s: ScenarioReport, judges: (f: Finding) => boolean, sut: SutInfo): BlockRef | undefined {
  if (!stopped(s)) return undefined;
  const own = s.findings.find((f) => judgedBlocking(f, sut) && !judges(f));
  if (own) return findingBlock(s.id, 'finding', own);
  if (s.infrastructure) {
    return {
      scenarioId: s.id,
      kind: 'infrastructure',
      cause: s.infrastructure.cause,
      ...(s.infrastructure.exchangeId ? { exchangeId: s.infrastructure.exchangeId } : {}),
    };
  }
  const sello = s.findings.find((f) => selloBlocking(f, sut));
  if (sello) return findingBlock(s.id, 'sello-mock', sello);
  return undefined;
}

function findingBlock(scenarioId: string, kind: 'finding' | 'sello-mock', f: Finding & { exchangeId?: string }): BlockRef {
  return {
    scenarioId,
    kind,
    ruleId: f.ruleId,
    location: f.location,
    ...(f.exchangeId ? { exchangeId: f.exchangeId } : {}),
  };
}

/** "blocked by RN-10 at /acuse/folio (exchange …), scenario features/x.feature:12" in both languages. */
export function describeBlocks(blocks: readonly BlockRef[], max = 3): VerdictReason {
  const one = (b: BlockRef, lang: 'en' | 'es'): string => {
    const where = lang === 'en' ? 'scenario' : 'escenario';
    const x = b.exchangeId ? (lang === 'en' ? `, exchange ${b.exchangeId}` : `, intercambio ${b.exchangeId}`) : '';
    switch (b.kind) {
      case 'infrastructure':
        return lang === 'en'
          ? `an infrastructure error (${b.cause ?? 'unknown'}${x}), ${where} ${b.scenarioId}`
          : `un error de infraestructura (${b.cause ?? 'desconocido'}${x}), ${where} ${b.scenarioId}`;
      case 'sello-mock':
        return lang === 'en'
          ? `${b.ruleId} at ${b.location || '(whole message)'} against Sello's own mock${x}, ${where} ${b.scenarioId}`
          : `${b.ruleId} en ${b.location || '(mensaje completo)'} contra el simulador de Sello${x}, ${where} ${b.scenarioId}`;
      default:
        return `${b.ruleId} ${lang === 'en' ? 'at' : 'en'} ${b.location || (lang === 'en' ? '(whole message)' : '(mensaje completo)')}${x}, ${where} ${b.scenarioId}`;
    }
  };
  const render = (lang: 'en' | 'es'): string => {
    const shown = blocks
      .slice(0, max)
      .map((b) => one(b, lang))
      .join('; ');
    return blocks.length > max ? `${shown} (+${blocks.length - max})` : shown;
  };
  return {
    en: `Not assessed — blocked by ${render('en')}.`,
    es: `No evaluado — bloqueado por ${render('es')}.`,
  };
}

export type Assessment = 'failed' | 'not-assessed' | 'passed' | 'none';

/**
 * The verdict that a set of covering scenarios gives a requirement judged by `judges`: failed on a blocking finding
 * against the SUT that it judges (`blockingJudged`), or on a failure nothing explains; not assessed when some covering
 * scenario was stopped by something else; passed when one passed; none when none ran.
 */
export function assess(covering: readonly ScenarioReport[], blockingJudged: number, judges: (f: Finding) => boolean, sut: SutInfo): { verdict: Assessment; blocks: BlockRef[]; unexplained: string[] } {
  const unexplained = covering.filter(unexplainedFailure).map((s) => s.id);
  const blocks = covering.map((s) => blockOf(s, judges, sut)).filter((b): b is BlockRef => b !== undefined);
  const verdict: Assessment = blockingJudged > 0 || unexplained.length > 0 ? 'failed' : blocks.length > 0 ? 'not-assessed' : covering.some(assessedClean) ? 'passed' : 'none';
  return { verdict, blocks, unexplained };
}
