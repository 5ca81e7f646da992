/**
 * The shapes mx-ece's generator, document builder, reference roles and judges share: a FHIR resource as plain JSON, one
 * patient's whole IMSS history, and mx-pgs's padrón record (copied as a type: programs do not import each other).
 */

/** A FHIR R4 resource as parsed JSON; only `resourceType` is certain. */
export interface FhirResource {
  resourceType: string;
  id?: string;
  meta?: { profile?: string[]; lastUpdated?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/**
 * One patient's record as the source holds it, entries older than the retention window included (the source filters
 * when it answers). References between its resources are `urn:uuid:<id>`, as in a transaction or document Bundle.
 */
export interface PatientRecord {
  curp: string;
  patient: FhirResource;
  organization: FhirResource;
  practitioner: FhirResource;
  /** Encounter, Condition, MedicationRequest, Observation and DocumentReference (notes), oldest first by encounter. */
  clinical: FhirResource[];
}

/** mx-pgs's padrón record (programs/mx-pgs/profiles/schemas/beneficiario.schema.json). */
export interface Beneficiario {
  curp: string;
  nombre: string;
  primerApellido: string;
  segundoApellido: string;
  fechaNacimiento: string;
  sexo: 'H' | 'M' | 'X';
  entidadNacimiento: string;
  nacionalidad: string;
  domicilio: { entidad: string; municipio: string; localidad: string; cp: string };
  afiliacion: {
    institucion: 'IMSS' | 'ISSSTE' | 'SSA';
    numeroAfiliacion: string;
    tipo: 'TITULAR' | 'BENEFICIARIO';
    vigenciaInicio: string;
    estatus: 'VIGENTE' | 'BAJA' | 'SUSPENDIDO';
  };
  unidadAdscripcion: string;
}

/** A FHIR instant without milliseconds when they are zero (2026-06-01T12:00:00Z). */
export const instant = (at: number | Date): string => new Date(at).toISOString().replace('.000Z', 'Z');

/** The value of a resource's identifier of `system`, or ''. */
export function identifierValue(resource: FhirResource, system: string): string {
  const ids = Array.isArray(resource.identifier) ? (resource.identifier as { system?: unknown; value?: unknown }[]) : [];
  const value = ids.find((i) => i?.system === system)?.value;
  return typeof value === 'string' ? value : '';
}

export const reference = (resource: FhirResource): { reference: string } => ({ reference: `urn:uuid:${resource.id}` });

/** The id an `urn:uuid:` reference names, or undefined for any other reference. */
export function uuidOf(ref: unknown): string | undefined {
  const text = (ref as { reference?: unknown } | undefined)?.reference;
  return typeof text === 'string' && text.startsWith('urn:uuid:') ? text.slice(9) : undefined;
}
