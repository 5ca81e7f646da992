/** Builds the acuse every mx-pgs node answer carries, from findings or from a transport-level code. */
import { readFileSync } from 'node:fs';
import { type Finding, isBlocking, type LocalizedText } from '../../../src/findings/finding.ts';
import type { Acuse, ErrorAcuse } from './types.ts';

export interface AcuseCode {
  codigo: string;
  estatus: 'ACEPTADO' | 'RECHAZADO';
  /** The business rule the code stands for (PGS-1xx only). */
  regla?: string;
  /** HTTP status Sello expects with it; null for codes no node sends (RN-08, RN-09). */
  http: number | null;
  mensaje: { es: string; en: string };
}

export const ACUSE_CODES: readonly AcuseCode[] = Object.freeze(
  (
    JSON.parse(readFileSync(new URL('../profiles/acuse-codes.json', import.meta.url), 'utf8')) as {
      codes: AcuseCode[];
    }
  ).codes,
);

const BY_CODIGO = new Map(ACUSE_CODES.map((c) => [c.codigo, c]));
const BY_REGLA = new Map(ACUSE_CODES.filter((c) => c.regla).map((c) => [c.regla as string, c]));
export const ACEPTADO = 'PGS-000';
/** A blocking finding from a rule with no code is a Sello defect, so it is not disguised as a business rejection. */
const UNMAPPED = 'PGS-500';

export function acuseCode(codigo: string): AcuseCode | undefined {
  return BY_CODIGO.get(codigo);
}

/** The code for a rule id (`RN-05` → PGS-105); undefined for ids outside the catalogue. */
export function codigoForRule(ruleId: string): string | undefined {
  return BY_REGLA.get(ruleId)?.codigo;
}

/** Rule order is the catalogue order (RN-01 … RN-10); ids outside it sort last, keeping their input order. */
function ruleRank(ruleId: string): number {
  const code = BY_REGLA.get(ruleId);
  return code ? ACUSE_CODES.indexOf(code) : Number.MAX_SAFE_INTEGER;
}

const text = (m: LocalizedText): string => m.es ?? m.en;

/**
 * ACEPTADO/PGS-000 when no finding blocks (warnings never reject). Otherwise RECHAZADO with the code of
 * the lowest-numbered rule that blocked, and one error per blocking finding sorted the same way, so
 * errores[0] explains codigo.
 */
export function buildAcuse(messageId: string, findings: readonly Finding[]): Acuse {
  const blocking = findings
    .filter(isBlocking)
    .map((f, i) => ({ f, i }))
    .sort((a, b) => ruleRank(a.f.ruleId) - ruleRank(b.f.ruleId) || a.i - b.i)
    .map(({ f }) => f);
  const first = blocking[0];
  if (!first) return { messageId, estatus: 'ACEPTADO', codigo: ACEPTADO, errores: [] };
  const errores: ErrorAcuse[] = blocking.map((f) => ({ regla: f.ruleId, campo: f.location, mensaje: text(f.message) }));
  return { messageId, estatus: 'RECHAZADO', codigo: codigoForRule(first.ruleId) ?? UNMAPPED, errores };
}

/**
 * Acuse for the cases decided before or outside the rules (401, 403, 404, 409, 500, or a PGS-1xx the
 * transport detects itself). `regla` is the code's rule when it has one, else the code itself, so
 * every error still names what refused it. Throws on a code outside acuse-codes.json: that is a bug.
 */
export function acuseForCode(messageId: string, codigo: string, campo = '', mensaje?: string): Acuse {
  const code = BY_CODIGO.get(codigo);
  if (!code) throw new Error(`unknown acuse codigo ${codigo}`);
  if (code.estatus === 'ACEPTADO') return { messageId, estatus: 'ACEPTADO', codigo, errores: [] };
  return {
    messageId,
    estatus: 'RECHAZADO',
    codigo,
    errores: [{ regla: code.regla ?? codigo, campo, mensaje: mensaje ?? code.mensaje.es }],
  };
}
