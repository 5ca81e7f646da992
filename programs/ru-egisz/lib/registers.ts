/**
 * FRMO (organizations and their departments) and FRMR (their staff) as the data REMD checks a registration against
 * (rule RR-12: ORG_NOT_FOUND_IN_FRMO, PERSON_NOT_FOUND). Built from Sello's synthetic clinics or from a target file's
 * `organization`; SNILS are kept as their 11 digits, so either spelling finds the same employee.
 */
import { snilsDigits } from '../../../src/identifiers/ru/snils.ts';
import type { SyntheticClinic } from './synthetic.ts';
import type { TargetOrganization } from './target.ts';

export interface FrmoOrganization {
  oid: string;
  /** Absent when the target file does not give it: then any OGRN in the organization's certificate is accepted. */
  ogrn?: string;
  /** OIDs of its departments; empty when the source lists none (then every department of the organization is accepted). */
  departments: string[];
}

export interface FrmrEmployee {
  snils: string;
  position: string;
}

export interface Registers {
  organization(oid: string): FrmoOrganization | undefined;
  employee(orgOid: string, snils: string): FrmrEmployee | undefined;
}

interface Entry {
  organization: FrmoOrganization;
  staff: Map<string, FrmrEmployee>;
}

const key = (snils: string): string => snilsDigits(snils) ?? snils;

function build(entries: readonly TargetOrganization[]): Registers {
  const byOid = new Map<string, Entry>();
  for (const o of entries) {
    const known = byOid.get(o.oid);
    const entry: Entry = known ?? { organization: { oid: o.oid, departments: [], ...(o.ogrn ? { ogrn: o.ogrn } : {}) }, staff: new Map() };
    for (const d of o.departments) if (!entry.organization.departments.includes(d)) entry.organization.departments.push(d);
    for (const s of o.staff) entry.staff.set(key(s.snils), { snils: s.snils, position: s.position });
    byOid.set(o.oid, entry);
  }
  return {
    organization: (oid) => byOid.get(oid)?.organization,
    employee: (orgOid, snils) => byOid.get(orgOid)?.staff.get(key(snils)),
  };
}

/** FRMO/FRMR listing these synthetic clinics, each with its department and staff. */
export function registersFor(clinics: ReadonlyArray<{ clinic: SyntheticClinic; staff: ReadonlyArray<FrmrEmployee> }>): Registers {
  return build(clinics.map(({ clinic, staff }) => ({ oid: clinic.moOid, ogrn: clinic.ogrn, departments: [clinic.department.oid], staff: [...staff] })));
}

/** FRMO/FRMR listing the organizations a target file declares (`sut.organization`, `sello.organization`); absent ones are skipped. */
export function fromTarget(...organizations: ReadonlyArray<TargetOrganization | undefined>): Registers {
  return build(organizations.filter((o): o is TargetOrganization => o !== undefined).map((o) => ({ ...o, departments: o.departments ?? [], staff: o.staff ?? [] })));
}
