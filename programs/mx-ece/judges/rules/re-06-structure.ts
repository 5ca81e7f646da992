/**
 * RE-06: the ExpedienteBundle is a FHIR document as CONTRACT.md lays it out: `document` with identifier and timestamp,
 * the Composition first (final, a LOINC document type, subject, author, custodian), a Patient with a CURP, every entry with a
 * fullUrl and referenced from the Composition, every reference resolving inside the Bundle. Judged entry by entry
 * (`add`, then `finish`) so a streaming judge can feed it a 50,000-note record; what it keeps is one set of fullUrls
 * and the references not yet resolved.
 */
import type { Finding } from '../../../../src/findings/finding.ts';
import { isObject } from '../../../../src/util/is-object.ts';
import { SYSTEM } from '../../lib/contract.ts';
import { reFinding, text } from './shared.ts';

const re06 = (location: string, es: string, en: string): Finding => reFinding('RE-06', location, { es, en }, 'structure');

/** Where a walk is, as segments after a root (`Bundle.entry[3].resource`): joined only for a finding. */
type Path = (string | number)[];
const fhirPath = (path: Path): string => path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

/** Every `reference` string inside a resource, given with where it is; contained (`#…`) references are left out. */
function walkReferences(value: unknown, path: Path, found: (ref: string, path: Path) => void): void {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (typeof v !== 'object' || v === null) continue;
      path.push(i);
      walkReferences(v, path, found);
      path.pop();
    }
    return;
  }
  if (!isObject(value)) return;
  for (const k in value) {
    const v = value[k];
    if (k === 'reference' && typeof v === 'string') {
      if (v.startsWith('#')) continue;
      path.push(k);
      found(v, path);
      path.pop();
    } else if (typeof v === 'object' && v !== null && k !== 'contained') {
      path.push(k);
      walkReferences(v, path, found);
      path.pop();
    }
  }
}

/**
 * A copy of a string that shares no memory with the text it was cut from: a streaming parser's values are slices of
 * its read buffer, and a slice kept in a set would keep the whole buffer alive — for a 50,000-note record, the record.
 */
const own = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

/** `Type/id` of a relative or absolute literal reference; none for `urn:uuid:` and the like. */
function relativeOf(ref: string): string | undefined {
  return ref.startsWith('urn:') ? undefined : /([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})$/.exec(ref)?.[1];
}

export class DocumentStructure {
  private readonly findings: Finding[] = [];
  /** fullUrls and `Type/id` of the entries seen. */
  private readonly known = new Set<string>();
  /** References whose target has not been seen yet. */
  private readonly pending = new Map<string, string[]>();
  /** What the Composition references; undefined until it is seen. */
  private compositionRefs: Set<string> | undefined;
  /** Entries the Composition does not name (or seen before it): fine if another entry references them. */
  private readonly early: { keys: string[]; index: number }[] = [];
  /** Every reference any entry makes (owned copies): what makes an entry the Composition does not name part of it. */
  private readonly referenced = new Set<string>();
  private patients = 0;
  private count = 0;

  /** The Bundle's own fields (type, identifier, timestamp): given with the first entry or before it. */
  head(bundle: Record<string, unknown>): void {
    if (bundle.resourceType !== 'Bundle' || bundle.type !== 'document')
      this.findings.push(re06('Bundle.type', 'El expediente debe ser un Bundle de tipo document.', 'The record must be a Bundle of type document.'));
    if (!isObject(bundle.identifier)) this.findings.push(re06('Bundle.identifier', 'El Bundle document debe tener identifier.', 'The document Bundle must have an identifier.'));
    if (typeof bundle.timestamp !== 'string') this.findings.push(re06('Bundle.timestamp', 'El Bundle document debe tener timestamp.', 'The document Bundle must have a timestamp.'));
  }

  add(entry: unknown, index: number): void {
    this.count++;
    const at = `Bundle.entry[${index}]`;
    const e = isObject(entry) ? entry : {};
    const resource = isObject(e.resource) ? e.resource : undefined;
    const fullUrl = text(e.fullUrl);
    if (!fullUrl) this.findings.push(re06(`${at}.fullUrl`, 'Cada entrada del documento debe tener fullUrl.', 'Every entry of the document must have a fullUrl.'));
    if (!resource) {
      this.findings.push(re06(`${at}.resource`, 'La entrada no tiene recurso.', 'The entry has no resource.'));
      return;
    }
    const type = String(resource.resourceType);
    if (index === 0) this.composition(resource, `${at}.resource`);
    // FHIR puts only the Composition first; where the Patient sits is the writer's choice.
    if (type === 'Patient' && this.hasCurp(resource)) this.patients++;
    const keys = [fullUrl, typeof resource.id === 'string' ? `${type}/${resource.id}` : undefined].filter((k): k is string => !!k);
    for (const k of keys) {
      this.known.add(own(k));
      this.pending.delete(k);
    }
    if (index > 0 && !(this.compositionRefs && keys.some((k) => this.compositionRefs!.has(k)))) this.early.push({ keys: keys.map(own), index });
    walkReferences(resource, [`${at}.resource`], (ref, path) => this.reference(ref, path));
  }

  finish(): Finding[] {
    if (this.count === 0) this.findings.push(re06('Bundle.entry', 'El documento no tiene entradas.', 'The document has no entries.'));
    if (!this.compositionRefs && this.count > 0) this.compositionRefs = new Set();
    for (const e of this.early) this.checkReferenced(e.keys, e.index);
    this.early.length = 0;
    if (this.count > 0 && this.patients === 0) this.findings.push(re06('Bundle.entry', 'El documento no trae el Patient con CURP.', 'The document carries no Patient with a CURP.'));
    for (const [ref, locations] of this.pending) {
      for (const location of locations) this.findings.push(re06(location, `La referencia ${ref} no apunta a ninguna entrada del Bundle.`, `Reference ${ref} resolves to no entry of the Bundle.`));
    }
    this.pending.clear();
    return this.findings;
  }

  /** A reference an entry makes: noted as making its target part of the document, kept pending until it resolves. */
  private reference(ref: string, path: Path): void {
    // The same few targets (the Patient, the author, an Encounter) are referenced by thousands of entries.
    if (!this.referenced.has(ref)) {
      this.referenced.add(own(ref));
      const relative = relativeOf(ref);
      if (relative) this.referenced.add(own(relative));
    }
    if (this.resolves(ref)) return;
    const location = own(fhirPath(path));
    const list = this.pending.get(ref);
    if (list) list.push(location);
    else this.pending.set(own(ref), [location]);
  }

  private resolves(ref: string): boolean {
    if (this.known.has(ref)) return true;
    const relative = relativeOf(ref);
    return relative !== undefined && this.known.has(relative);
  }

  private hasCurp(patient: Record<string, unknown>): boolean {
    return Array.isArray(patient.identifier) && patient.identifier.some((i) => isObject(i) && i.system === SYSTEM.curp && typeof i.value === 'string');
  }

  /** A document holds what its Composition references, directly or through the entries it references. */
  private checkReferenced(keys: string[], index: number): void {
    const refs = this.compositionRefs as Set<string>;
    if (keys.some((k) => refs.has(k) || this.referenced.has(k))) return;
    // A warning, as the HL7 validator reports an unreachable entry: FHIR does not forbid it (a Consent carried along).
    this.findings.push({
      ...re06(
        `Bundle.entry[${index}]`,
        'Nada del documento referencia esta entrada (ni la Composition ni otra entrada).',
        'Nothing in the document references this entry (neither the Composition nor another entry).',
      ),
      severity: 'warning',
    });
  }

  private composition(c: Record<string, unknown>, at: string): void {
    if (c.resourceType !== 'Composition') {
      this.findings.push(re06(at, `La primera entrada debe ser la Composition; es ${String(c.resourceType)}.`, `The first entry must be the Composition; it is ${String(c.resourceType)}.`));
      return;
    }
    const refs = new Set<string>();
    walkReferences(c, [at], (ref) => refs.add(own(ref)));
    this.compositionRefs = refs;
    if (c.status !== 'final') this.findings.push(re06(`${at}.status`, 'La Composition debe tener status final.', 'The Composition must have status final.'));
    const types = isObject(c.type) && Array.isArray(c.type.coding) ? c.type.coding : [];
    // The spec names no document type: any LOINC one is accepted (Sello sends 11503-0 Medical records).
    if (!types.some((t) => isObject(t) && t.system === SYSTEM.loinc && typeof t.code === 'string'))
      this.findings.push(
        re06(
          `${at}.type`,
          'La Composition debe tener un tipo de documento LOINC (p. ej. 11503-0, Medical records).',
          'The Composition must have a LOINC document type (e.g. 11503-0, Medical records).',
        ),
      );
    for (const field of ['subject', 'author', 'custodian']) {
      if (c[field] === undefined) this.findings.push(re06(`${at}.${field}`, `La Composition debe tener ${field}.`, `The Composition must have a ${field}.`));
    }
  }
}

/** RE-06 for a whole Bundle. */
export function re06Structure(bundle: unknown): Finding[] {
  const judge = new DocumentStructure();
  const b = isObject(bundle) ? bundle : {};
  judge.head(b);
  const entries = Array.isArray(b.entry) ? b.entry : [];
  for (const [i, e] of entries.entries()) judge.add(e, i);
  return judge.finish();
}
