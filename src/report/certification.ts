import type { IntegrityFile, Totals, Verdict } from './model.ts';

/*
 * certification.json: the verdict across the programs of one `sello run` without --program. Each program is its own
 * signed run directory; this file names them and is signed the same way (certification.json.jws), by the same key.
 * Its `integrity.files` lists every other file of the certification directory outside the programs' run directories
 * (index.html, and anything a later Sello writes there), so no byte of the directory is left unsigned.
 */

export const CERTIFICATION_FILE = 'certification.json';
export const CERTIFICATION_SIGNATURE_FILE = 'certification.json.jws';

export interface CertificationIntegrity {
  algorithm: 'SHA-256';
  /** Files of the certification directory outside the programs' run directories, except this file and its signature. */
  files: IntegrityFile[];
  signature: { file: typeof CERTIFICATION_SIGNATURE_FILE; alg: 'EdDSA'; key: 'ephemeral' | 'provided'; keyThumbprint: string };
}

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
  /**
   * 1.1.0: verdicts may be INCONCLUSIVE (overall: NOT CERTIFIABLE > INCONCLUSIVE > CERTIFIABLE), totals count inconclusive scenarios.
   * 1.2.0: `integrity` (the root manifest) and `sello`.
   */
  schemaVersion: '1.1.0' | '1.2.0';
  runId: string;
  startedAt: string;
  finishedAt: string;
  seed: string;
  verdict: Verdict;
  verdictReason: { es: string; en: string };
  totals: Totals;
  programs: CertificationProgram[];
  /** Absent in certifications made before the root manifest (verify calls those ALTERED: index.html was unsigned). */
  sello?: { version: string };
  integrity?: CertificationIntegrity;
}
