import type { Totals, Verdict } from './model.ts';

/*
 * certification.json: the verdict across the programs of one `sello run` without --program. Each program is its own
 * signed run directory; this file names them and is signed the same way (certification.json.jws).
 */

export interface CertificationProgram {
  program: string;
  verdict: Verdict | 'SKIPPED';
  verdictReason: { es: string; en: string };
  totals?: Totals;
  /** The program's run directory, relative to the certification directory. */
  directory: string;
  /** SHA-256 of its report.json (which lists and signs everything else of that directory). */
  reportSha256?: string;
  seed?: string;
}

export interface Certification {
  kind: 'sello-certification';
  /** 1.1.0: verdicts may be INCONCLUSIVE (overall: NOT CERTIFIABLE > INCONCLUSIVE > CERTIFIABLE), totals count inconclusive scenarios. */
  schemaVersion: '1.1.0';
  runId: string;
  startedAt: string;
  finishedAt: string;
  seed: string;
  verdict: Verdict;
  verdictReason: { es: string; en: string };
  totals: Totals;
  programs: CertificationProgram[];
}
