/**
 * The national catalogues of RE-04 as Sello re-typed them (profiles/catalogs/), read once per process: the generator
 * draws from them and the judges check against them, so a code the generator writes is one the judge knows.
 */
import { readFileSync } from 'node:fs';
import { loadCluesCatalogue } from '../../../src/identifiers/mx/index.ts';

export interface Cie10Entry {
  title: string;
  sex?: 'male' | 'female';
  minAge?: number;
  maxAge?: number;
}

export interface LabEntry {
  display: string;
  unit: string;
  low: number;
  high: number;
  decimals: number;
}

export interface CnisEntry {
  display: string;
}

interface Catalogue<T> {
  source: string;
  codes: Record<string, T>;
}

const cache = new Map<string, unknown>();
function load<T>(file: string): Catalogue<T> {
  let hit = cache.get(file) as Catalogue<T> | undefined;
  if (!hit) {
    hit = JSON.parse(readFileSync(new URL(`../profiles/catalogs/${file}`, import.meta.url), 'utf8')) as Catalogue<T>;
    cache.set(file, hit);
  }
  return hit;
}

export const cie10Codes = (): Readonly<Record<string, Cie10Entry>> => load<Cie10Entry>('cie10.json').codes;
export const labCodes = (): Readonly<Record<string, LabEntry>> => load<LabEntry>('laboratorio-loinc.json').codes;
export const cnisCodes = (): Readonly<Record<string, CnisEntry>> => load<CnisEntry>('cnis.json').codes;

/** The CLUES catalogue Sello ships (mx-pgs's synthetic one, through the engine's identifier module). */
export const cluesCodes = (): ReadonlySet<string> => loadCluesCatalogue();

/** IMSS units of the CLUES catalogue (institution letters IMS), in catalogue order. */
export function imssClues(): readonly string[] {
  return [...cluesCodes()].filter((c) => c.slice(2, 5) === 'IMS');
}

/** Completed years between a birth date and an instant or date (both read as UTC calendar dates). */
export function ageAt(birthDate: string, when: string): number {
  const b = birthDate.slice(0, 10).split('-').map(Number);
  const w = when.slice(0, 10).split('-').map(Number);
  const [by = 0, bm = 0, bd = 0] = b;
  const [wy = 0, wm = 0, wd = 0] = w;
  return wy - by - (wm < bm || (wm === bm && wd < bd) ? 1 : 0);
}

/** Why a CIE-10 entry does not fit a patient (`sex` or `age`), or undefined when it does. */
export function cie10Misfit(entry: Cie10Entry, gender: unknown, age: number): 'sex' | 'age' | undefined {
  if (entry.sex !== undefined && gender !== entry.sex) return 'sex';
  if (entry.minAge !== undefined && age < entry.minAge) return 'age';
  if (entry.maxAge !== undefined && age > entry.maxAge) return 'age';
  return undefined;
}
