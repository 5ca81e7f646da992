/**
 * Snapshot generation for profiles published with a differential only.
 *
 * The base snapshot is copied and every differential element is located in it by element id, creating
 * what the differential needs on the way: slices (cloned from the sliced element), and the children of
 * an element whose constraints go below a datatype (`Patient.identifier.type.coding.system`), expanded in
 * place from the datatype's (or its profile's) snapshot. This follows the FHIR rules the HL7 generator
 * applies for the constraints a validator needs; it does not try to reproduce every documentation field.
 */
import type { ElementDefinition, StructureDefinition } from '../contracts.ts';
import { deriveElementId } from './element-id.ts';

export interface SnapshotIssue {
  severity: 'error' | 'warning';
  message: string;
  /** Index of the differential element concerned, for locating it in the StructureDefinition. */
  diffIndex?: number;
}

export interface SnapshotResult {
  elements: ElementDefinition[];
  issues: SnapshotIssue[];
}

type Resolver = (url: string) => StructureDefinition | undefined;

const FHIR_TYPE_EXT = 'http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type';
const CORE_PREFIX = 'http://hl7.org/fhir/StructureDefinition/';

/** Differential properties that replace the base value when present. */
const REPLACED: readonly string[] = [
  'short',
  'definition',
  'comment',
  'requirements',
  'alias',
  'min',
  'max',
  'type',
  'meaningWhenMissing',
  'orderMeaning',
  'maxLength',
  'condition',
  'mustSupport',
  'isModifier',
  'isModifierReason',
  'isSummary',
  'binding',
  'label',
  'code',
  'example',
  'mapping',
  'sliceIsConstraining',
  'contentReference',
];
const VALUE_PREFIXES = ['fixed', 'pattern', 'defaultValue', 'minValue', 'maxValue'];

export function generateSnapshot(sd: StructureDefinition, base: StructureDefinition, resolve: Resolver): SnapshotResult {
  return new SnapshotBuilder(sd, base, resolve).build();
}

/** FHIR type code of an ElementDefinition type, mapping the FHIRPath system types of R4 snapshots back. */
export function typeCode(t: { code?: string; extension?: { url?: string; valueUrl?: string; valueUri?: string }[] }): string {
  const code = t.code ?? '';
  if (code.startsWith('http://hl7.org/fhirpath/System.')) {
    const ext = t.extension?.find((e) => e.url === FHIR_TYPE_EXT);
    return ext?.valueUrl ?? ext?.valueUri ?? code.slice('http://hl7.org/fhirpath/System.'.length).toLowerCase();
  }
  return code;
}

const clone = <T>(v: T): T => structuredClone(v);

/**
 * Constraints inherited from a base keep the URL of the definition that introduced them, so that a
 * validator can tell the base specification's invariants from the ones a profile adds.
 */
function markSource(e: ElementDefinition, url: string | undefined): void {
  if (!url || !e.constraint) return;
  for (const c of e.constraint) if (!c.source) c.source = url;
}

/** Element ids are dot-separated; slice names cannot contain dots (eld-16). */
export const splitId = (id: string): string[] => id.split('.');

class SnapshotBuilder {
  private readonly elements: ElementDefinition[];
  private readonly issues: SnapshotIssue[] = [];
  /** Base values of the elements the differential found in the base, for slices cloned from them. */
  private readonly original = new Map<string, ElementDefinition>();

  constructor(
    private readonly sd: StructureDefinition,
    base: StructureDefinition,
    private readonly resolve: Resolver,
  ) {
    this.elements = clone(base.snapshot?.element ?? []);
    for (const e of this.elements) {
      if (!e.id) e.id = e.path;
      this.original.set(e.id!, e);
      markSource(e, base.url);
    }
    const rootName = sd.type ?? '';
    const baseRoot = this.elements[0]?.path;
    // A profile of a type has the same root; a logical model or an odd base would need renaming.
    if (baseRoot && rootName && baseRoot !== rootName && !baseRoot.includes('.')) {
      for (const e of this.elements) {
        e.path = rootName + e.path!.slice(baseRoot.length);
        e.id = rootName + e.id!.slice(baseRoot.length);
      }
    }
  }

  build(): SnapshotResult {
    const diff = this.sd.differential?.element ?? [];
    const ids = this.differentialIds(diff);
    let lastIndex = -1;
    for (let i = 0; i < diff.length; i++) {
      const d = diff[i]!;
      const id = ids[i]!;
      if (!id.includes('.') && d.slicing) {
        this.issues.push({ severity: 'error', message: `Slicing is not allowed at the root of a profile ('${id}')`, diffIndex: i });
      }
      const index = this.findOrCreate(id, d, i);
      if (index < 0) continue;
      if (index < lastIndex) {
        this.issues.push({
          severity: 'error',
          message: `No match found for ${id} in the generated snapshot: check that the path and definitions are legal in the differential (including order)`,
          diffIndex: i,
        });
      }
      lastIndex = Math.max(lastIndex, index);
      this.checkChoicePath(this.elements[index]!, d, i);
      this.merge(this.elements[index]!, d, i);
    }
    this.checkSlicing(diff, ids);
    return { elements: this.elements, issues: this.issues };
  }

  /** Ids of differential elements, derived from path and slice names for differentials written without ids. */
  private differentialIds(diff: ElementDefinition[]): string[] {
    const active = new Map<string, string>();
    return diff.map((d) => d.id ?? deriveElementId(d.path, d.sliceName, active));
  }

  private indexOf(id: string): number {
    for (let i = 0; i < this.elements.length; i++) if (this.elements[i]!.id === id) return i;
    return -1;
  }

  /** Index just past the element at `index` and everything below it (its children and its slices). */
  private endOfGroup(index: number): number {
    const id = this.elements[index]!.id!;
    let j = index + 1;
    while (j < this.elements.length) {
      const other = this.elements[j]!.id!;
      if (other.startsWith(id + '.') || other.startsWith(id + ':') || other.startsWith(id + '/')) j++;
      else break;
    }
    return j;
  }

  private findOrCreate(id: string, d: ElementDefinition | undefined, diffIndex: number): number {
    const found = this.indexOf(id);
    if (found >= 0) return found;
    const segments = splitId(id);
    if (segments.length < 2) {
      this.noMatch(id, diffIndex);
      return -1;
    }
    const last = segments[segments.length - 1]!;
    const parentIndex = this.findOrCreate(segments.slice(0, -1).join('.'), undefined, diffIndex);
    if (parentIndex < 0) return -1;
    // The parent's id as the snapshot spells it (`value[x]` where the differential wrote `valueQuantity`).
    const parentId = this.elements[parentIndex]!.id!;
    const colon = last.indexOf(':');
    if (colon >= 0) {
      const name = last.slice(0, colon);
      const sliceName = last.slice(colon + 1);
      const existing = this.indexOf(parentId + '.' + last);
      if (existing >= 0) return existing;
      // `a:b/c` re-slices slice `a:b`; `a:b` slices `a`.
      const slash = sliceName.lastIndexOf('/');
      const slicedId = parentId + '.' + name + (slash >= 0 ? ':' + sliceName.slice(0, slash) : '');
      return this.createSlice(slicedId, parentId + '.' + last, sliceName, d, diffIndex);
    }
    const candidate = parentId + '.' + last;
    let index = this.indexOf(candidate);
    if (index >= 0) return index;
    if (!this.hasChildren(parentIndex) && this.expandChildren(parentIndex)) {
      index = this.indexOf(candidate);
      if (index >= 0) return index;
    }
    // A choice element constrained to one type is written `valueQuantity` in the differential.
    for (let k = last.length - 1; k > 0; k--) {
      const ch = last[k]!;
      if (ch < 'A' || ch > 'Z') continue;
      index = this.indexOf(parentId + '.' + last.slice(0, k) + '[x]');
      if (index < 0) continue;
      this.restrictChoice(this.elements[index]!, last.slice(k));
      return index;
    }
    this.noMatch(id, diffIndex);
    return -1;
  }

  /**
   * A differential path that renames a choice element (`Observation.valueQuantity`) must name a type after
   * the stem: the HL7 generator reads anything else as the plain path, which must then be `value[x]`.
   */
  private checkChoicePath(element: ElementDefinition, d: ElementDefinition, diffIndex: number): void {
    const target = element.path ?? '';
    const path = d.path ?? '';
    if (!path || !target.endsWith('[x]') || path === target) return;
    const base = target.slice(target.lastIndexOf('.') + 1);
    const last = path.slice(path.lastIndexOf('.') + 1);
    const stem = base.slice(0, -3);
    if (last === base) return;
    if (last.startsWith(stem) && this.isTypeName(last.slice(stem.length))) return;
    this.issues.push({
      severity: 'error',
      message: `The path must be '${path.slice(0, path.length - last.length)}${base}' not '${path}' when the type list is not constrained`,
      diffIndex,
    });
  }

  private isTypeName(name: string): boolean {
    if (!/^[A-Z][A-Za-z]*$/.test(name)) return false;
    const kind = (sd: StructureDefinition | undefined): string | undefined => (sd as { kind?: string } | undefined)?.kind;
    const complex = kind(this.resolve(CORE_PREFIX + name));
    if (complex === 'complex-type' || complex === 'primitive-type') return true;
    return kind(this.resolve(CORE_PREFIX + name[0]!.toLowerCase() + name.slice(1))) === 'primitive-type';
  }

  private restrictChoice(element: ElementDefinition, typeName: string): void {
    const matching = (element.type ?? []).filter((t) => typeCode(t).toLowerCase() === typeName.toLowerCase());
    if (matching.length > 0) element.type = matching;
  }

  private noMatch(id: string, diffIndex: number): void {
    this.issues.push({
      severity: 'error',
      message: `No match found for ${id} in the generated snapshot: check that the path and definitions are legal in the differential (including order)`,
      diffIndex,
    });
  }

  private hasChildren(index: number): boolean {
    const id = this.elements[index]!.id!;
    const next = this.elements[index + 1];
    return !!next && next.id!.startsWith(id + '.');
  }

  /** Where the children of an element come from: a content reference, or its (single) type's definition. */
  private childSource(element: ElementDefinition): { elements: ElementDefinition[]; root: string; rootId: string; url?: string } | undefined {
    if (element.contentReference) {
      const ref = element.contentReference.slice(element.contentReference.indexOf('#') + 1);
      const start = this.elements.findIndex((e) => e.id === ref || e.path === ref);
      if (start < 0) return undefined;
      const end = this.endOfGroup(start);
      const group = this.elements.slice(start, end).filter((e) => !e.id!.slice(ref.length).includes(':'));
      return { elements: group, root: this.elements[start]!.path!, rootId: this.elements[start]!.id! };
    }
    const types = element.type ?? [];
    if (types.length !== 1) return undefined;
    const t = types[0]!;
    const code = typeCode(t);
    const url = t.profile?.[0] ?? (code.includes(':') ? code : CORE_PREFIX + code);
    let typeSd = this.resolve(url);
    if (!typeSd?.snapshot && t.profile?.[0]) typeSd = this.resolve(CORE_PREFIX + code);
    const elements = typeSd?.snapshot?.element;
    if (!elements || elements.length < 2) return undefined;
    return { elements, root: elements[0]!.path!, rootId: elements[0]!.id ?? elements[0]!.path!, ...(typeSd?.url ? { url: typeSd.url } : {}) };
  }

  private expandChildren(parentIndex: number): boolean {
    const parent = this.elements[parentIndex]!;
    const source = this.childSource(parent);
    if (!source) return false;
    const added: ElementDefinition[] = [];
    for (const e of source.elements.slice(1)) {
      const copy = clone(e);
      copy.id = parent.id! + (e.id ?? e.path!).slice(source.rootId.length);
      copy.path = parent.path! + e.path!.slice(source.root.length);
      markSource(copy, source.url);
      added.push(copy);
    }
    this.elements.splice(parentIndex + 1, 0, ...added);
    return true;
  }

  private createSlice(slicedId: string, id: string, sliceName: string, d: ElementDefinition | undefined, diffIndex: number): number {
    const slicedIndex = this.findOrCreate(slicedId, undefined, diffIndex);
    if (slicedIndex < 0) return -1;
    const sliced = this.elements[slicedIndex]!;
    const realSlicedId = sliced.id!;
    // The slice starts from the sliced element and whatever of its content is already expanded, but
    // not from the other slices (or re-slices) of it.
    const group: ElementDefinition[] = [];
    const end = this.endOfGroup(slicedIndex);
    for (let j = slicedIndex; j < end; j++) {
      const e = this.elements[j]!;
      const rest = e.id!.slice(realSlicedId.length);
      if (rest.startsWith(':') || rest.startsWith('/')) continue;
      const copy = clone(e);
      copy.id = id + rest;
      group.push(copy);
    }
    const head = group[0]!;
    delete head.slicing;
    head.sliceName = sliceName;
    head.min = this.original.get(realSlicedId)?.min ?? 0;
    if (!d?.type && sliced.path?.endsWith('[x]')) {
      const stem = sliced.path.slice(sliced.path.lastIndexOf('.') + 1, -3);
      if (sliceName.startsWith(stem)) this.restrictChoice(head, sliceName.slice(stem.length));
    }
    this.elements.splice(end, 0, ...group);
    return end;
  }

  private merge(target: ElementDefinition, d: ElementDefinition, diffIndex: number): void {
    const t = target as unknown as Record<string, unknown>;
    const s = d as unknown as Record<string, unknown>;
    for (const key of REPLACED) {
      if (s[key] !== undefined) t[key] = clone(s[key]);
    }
    if (d.sliceName !== undefined) target.sliceName = d.sliceName;
    for (const key of Object.keys(s)) {
      if (VALUE_PREFIXES.some((p) => key.startsWith(p) && key.length > p.length && key[p.length]! >= 'A' && key[p.length]! <= 'Z')) {
        t[key] = clone(s[key]);
      }
    }
    if (d.slicing) {
      target.slicing = { ...(target.slicing ?? {}), ...clone(d.slicing) } as ElementDefinition['slicing'];
    }
    if (d.constraint) {
      const existing = new Set((target.constraint ?? []).map((c) => c.key));
      const added = d.constraint.filter((c) => !existing.has(c.key)).map((c) => ({ ...clone(c), source: c.source ?? this.sd.url }));
      target.constraint = [...(target.constraint ?? []), ...added];
    }
    if (target.min !== undefined && target.max !== undefined && target.max !== '*' && Number(target.max) < target.min) {
      this.issues.push({ severity: 'error', message: `${target.id}: min (${target.min}) is greater than max (${target.max})`, diffIndex });
    }
  }

  /** Discriminator paths must name something the sliced element's type has (the HL7 generator rejects them otherwise). */
  private checkSlicing(diff: ElementDefinition[], ids: string[]): void {
    for (let i = 0; i < diff.length; i++) {
      const d = diff[i]!;
      if (!d.slicing?.discriminator) continue;
      const element = this.elements[this.indexOf(ids[i]!)];
      if (!element) continue;
      for (const disc of d.slicing.discriminator) {
        const path = disc.path ?? '';
        const first = path.split('.')[0]!;
        if (first === '$this' || first.includes('(') || first === '') continue;
        const children = this.childNames(element);
        if (!children) continue;
        if (!children.has(first) && !children.has(first + '[x]')) {
          this.issues.push({
            severity: 'error',
            message: `The discriminator path '${path}' does not appear to be valid for the element that is being sliced '${element.path}'`,
            diffIndex: i,
          });
        }
      }
    }
  }

  private childNames(element: ElementDefinition): Set<string> | undefined {
    const index = this.elements.indexOf(element);
    if (index >= 0 && this.hasChildren(index)) {
      const names = new Set<string>();
      const end = this.endOfGroup(index);
      const prefix = element.id! + '.';
      for (let j = index + 1; j < end; j++) {
        const rest = this.elements[j]!.id!.slice(prefix.length);
        if (this.elements[j]!.id!.startsWith(prefix) && !rest.includes('.') && !rest.includes(':')) names.add(rest);
      }
      return names;
    }
    const types = element.type ?? [];
    if (types.length !== 1) return undefined;
    const code = typeCode(types[0]!);
    const typeSd = this.resolve(CORE_PREFIX + code);
    const elements = typeSd?.snapshot?.element;
    if (!elements) return undefined;
    const root = elements[0]!.path!;
    const names = new Set<string>();
    for (const e of elements) {
      const rest = e.path!.slice(root.length + 1);
      if (e.path!.startsWith(root + '.') && !rest.includes('.')) names.add(rest);
    }
    return names;
  }
}
