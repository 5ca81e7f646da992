/**
 * An in-memory FHIR store for reference servers: versioned resources by type and id, tombstones for deletes, and a
 * few search parameters (`_id`, `identifier`, `patient`/`subject`/`for`, `status`). When two spellings of one
 * identifier must find each other (a national id with and without its check character), the program says so with
 * `sameIdentifier`.
 */
import { isObject } from '../util/is-object.ts';

export type Resource = Record<string, unknown> & { resourceType: string; id?: string };

export interface StoreChange {
  previous?: Resource;
  current: Resource;
  created: boolean;
}

export interface FhirStoreOptions {
  /** Whether a stored identifier value and a searched one name the same thing; exact equality always does. */
  sameIdentifier?: (stored: string, wanted: string) => boolean;
}

export class FhirStore {
  readonly #sameIdentifier: ((stored: string, wanted: string) => boolean) | undefined;
  readonly #data = new Map<string, Map<string, Resource>>();
  readonly #deleted = new Set<string>();
  /**
   * A stored resource's JSON text, made on its first readJson: a stored object is never changed in place (an update
   * stores a new one, and readers get clones), so its text holds until it is replaced, and goes with it.
   */
  readonly #json = new WeakMap<Resource, string>();
  #seq = 0;

  constructor(options: FhirStoreOptions = {}) {
    this.#sameIdentifier = options.sameIdentifier;
  }

  #table(type: string): Map<string, Resource> {
    let t = this.#data.get(type);
    if (!t) this.#data.set(type, (t = new Map()));
    return t;
  }

  nextId(): string {
    return String(++this.#seq);
  }

  create(resource: Resource, id: string = this.nextId()): Resource {
    const stored: Resource = { ...structuredClone(resource), id, meta: { ...(isObject(resource.meta) ? resource.meta : {}), versionId: '1', lastUpdated: new Date().toISOString() } };
    this.#table(resource.resourceType).set(id, stored);
    this.#deleted.delete(`${resource.resourceType}/${id}`);
    return structuredClone(stored);
  }

  /** `keepVersion`: a planted defect, the new content stored under the old versionId. */
  update(type: string, id: string, resource: Resource, keepVersion = false): StoreChange {
    const previous = this.#table(type).get(id);
    if (!previous) return { current: this.create({ ...resource, resourceType: type }, id), created: true };
    const version = Number((previous.meta as { versionId?: string } | undefined)?.versionId ?? '1') + (keepVersion ? 0 : 1);
    const current: Resource = {
      ...structuredClone(resource),
      resourceType: type,
      id,
      meta: { ...(isObject(resource.meta) ? resource.meta : {}), versionId: String(version), lastUpdated: new Date().toISOString() },
    };
    this.#table(type).set(id, current);
    return { previous: structuredClone(previous), current: structuredClone(current), created: false };
  }

  read(type: string, id: string): Resource | undefined {
    const r = this.#data.get(type)?.get(id);
    return r ? structuredClone(r) : undefined;
  }

  /**
   * A stored resource as the JSON text of what read() gives (JSON.stringify's), and its versionId: a read answered
   * with this text is neither cloned nor serialised again.
   */
  readJson(type: string, id: string): { text: string; versionId: string | undefined } | undefined {
    const r = this.#data.get(type)?.get(id);
    if (!r) return undefined;
    let text = this.#json.get(r);
    if (text === undefined) this.#json.set(r, (text = JSON.stringify(r)));
    const versionId = (r.meta as { versionId?: unknown } | undefined)?.versionId;
    return { text, versionId: versionId === undefined ? undefined : String(versionId) };
  }

  wasDeleted(type: string, id: string): boolean {
    return this.#deleted.has(`${type}/${id}`);
  }

  delete(type: string, id: string): boolean {
    const existed = this.#data.get(type)?.delete(id) ?? false;
    if (existed) this.#deleted.add(`${type}/${id}`);
    return existed;
  }

  all(type: string): Resource[] {
    return [...(this.#data.get(type)?.values() ?? [])].map((r) => structuredClone(r));
  }

  count(type: string): number {
    return this.#data.get(type)?.size ?? 0;
  }

  /** Search with AND between parameters; unknown parameters are reported, not ignored. */
  search(type: string, params: URLSearchParams): { resources: Resource[]; unknown: string[] } {
    const known = new Set(['_id', 'identifier', 'patient', 'subject', 'for', 'status', '_count', '_format']);
    const unknown = [...params.keys()].filter((k) => !known.has(k));
    const resources = this.all(type).filter((r) => [...params.entries()].every(([name, value]) => matches(r, name, value, this.#sameIdentifier)));
    return { resources, unknown };
  }
}

function sameIdentifierValue(stored: unknown, wanted: string, same: SameIdentifier): boolean {
  if (typeof stored !== 'string') return false;
  return stored === wanted || (same?.(stored, wanted) ?? false);
}

type SameIdentifier = ((stored: string, wanted: string) => boolean) | undefined;

function refersTo(value: unknown, wanted: string): boolean {
  if (!isObject(value) || typeof value.reference !== 'string') return false;
  const ref = value.reference;
  return ref === wanted || ref.endsWith(`/${wanted}`) || (!wanted.includes('/') && ref.endsWith(`/${wanted}`));
}

function matches(r: Resource, name: string, value: string, same: SameIdentifier): boolean {
  switch (name) {
    case '_count':
    case '_format':
      return true;
    case '_id':
      return value.split(',').includes(String(r.id));
    case 'status':
      return value.split(',').includes(String(r.status));
    case 'identifier': {
      const [system, code] = value.includes('|') ? (value.split('|', 2) as [string, string]) : [undefined, value];
      const ids = Array.isArray(r.identifier) ? r.identifier.filter(isObject) : [];
      return ids.some((id) => (system === undefined || system === '' || id.system === system) && sameIdentifierValue(id.value, code, same));
    }
    case 'patient':
    case 'subject':
    case 'for': {
      const fields = [r.subject, r.for, r.patient, ...(Array.isArray(r.participant) ? r.participant.filter(isObject).map((p) => p.actor) : [])];
      const wanted = value.includes('/') ? value : `Patient/${value}`;
      return fields.some((f) => refersTo(f, wanted));
    }
    default:
      return false;
  }
}
