/**
 * HL7 v2 message validation against Sello's JSON message profiles (`profiles/pe-ris/v2/`).
 *
 * Checks, each with its rule id (every finding has locationKind `hl7v2` and a path as `path.ts` defines):
 * - `V2-ER7` the encoding itself (from `er7.ts`);
 * - `V2-PROFILE` no profile for the message type;
 * - `V2-MSH` MSH-9 consistent with the profile's message type and structure, MSH-12 the profile's version;
 * - `V2-SEGMENT-ORDER` a known segment where the structure does not allow it; `V2-SEGMENT-UNEXPECTED` a segment
 *   the structure does not have (a warning for Z-segments); `V2-SEGMENT-MISSING` a required segment or group absent;
 * - `V2-CARDINALITY` more segments, groups or field repetitions than allowed;
 * - `V2-USAGE-R` a required (or conditionally required) field or component empty; `V2-USAGE-X` a not-supported
 *   element present; `V2-FIELD-UNKNOWN` a field beyond the ones v2.5 defines for the segment;
 * - `V2-LENGTH` longer than the maximum length (a warning unless the profile says `lengthSeverity: error`);
 * - `V2-DATATYPE` components on a primitive, too many components, bad NM/SI/DTM/DT/TM;
 * - `V2-TABLE` a coded value outside its table (error for a required binding, warning otherwise);
 * - profile rules: `V2-PE-DNI` (+ `ID-DNI-FORMAT`/`ID-DNI-CHECK`), `V2-PE-RENIPRESS` (+ `ID-RENIPRESS-FORMAT`).
 *
 * The structure matcher walks the segment ids greedily against the abstract message syntax: a segment that cannot
 * be matched anywhere further on is reported and skipped, so one misplaced segment gives one finding rather than a
 * cascade; a required segment that turns up later out of place is reported once, as out of order.
 */
import { readFile } from 'node:fs/promises';
import { finding, type Finding, type IssueCode, type LocalizedText, type Severity } from '../findings/finding.ts';
import { validateDni } from '../identifiers/pe/dni.ts';
import { validateRenipress } from '../identifiers/pe/renipress.ts';
import {
  er7Length, parseEr7, splitComponents, splitRepetitions, splitSubcomponents, unescapeEr7, valueAt,
  type Delimiters, type Er7Message, type Er7Segment,
} from './er7.ts';
import { formatPath, parsePath, profileKey, type Hl7Location } from './path.ts';
import {
  loadProfileSet, type ComponentDef, type DatatypeDef, type Element, type ElementOverride, type FieldDef, type GroupElement,
  type MessageProfile, type Predicate, type ProfileSet, type RuleDef, type SegmentElement, type Usage,
} from './profile.ts';

export interface ValidateHl7Options {
  /** Message profile id (`ADT_A04`, `SIU_S12`, `ORU_R01`, `ACK`); chosen from MSH-9 when absent. */
  profile?: string;
  /** Profile directory; `profiles/pe-ris/v2` by default. */
  profileDir?: string;
}

const v2 = (ruleId: string, severity: Severity, code: IssueCode, location: string, message: LocalizedText): Finding =>
  finding(ruleId, severity, code, location, message, 'hl7v2');

const q = (s: string): string => JSON.stringify(s);

/** The profile for a message: by id, else by MSH-9 (`ADT^A04` → `ADT_A04`, any `ACK^…` → `ACK`). */
export function selectProfile(message: Er7Message, set: ProfileSet, id?: string): MessageProfile | undefined {
  if (id !== undefined) return set.messages[id];
  const code = valueAt(message, { segment: 'MSH', field: 9, component: 1 });
  const event = valueAt(message, { segment: 'MSH', field: 9, component: 2 });
  return Object.values(set.messages).find((p) => p.messageType.code === code && (p.messageType.event === undefined || p.messageType.event === event));
}

// ---------------------------------------------------------------------------------------------------------------
// Structure

function firstRequiredSegment(el: Element): string {
  if (el.kind === 'segment') return el.id;
  const req = el.items.find((i) => i.min > 0) ?? el.items[0];
  return req ? firstRequiredSegment(req) : el.name;
}

const segPath = (s: Er7Segment): string => formatPath({ segment: s.id, occurrence: s.occurrence });

class StructureMatcher {
  private pos = 0;
  private last: Er7Segment | undefined;
  readonly findings: Finding[] = [];
  private readonly missing = new Map<string, { finding: Finding; after: Er7Segment | undefined }>();
  private readonly misplaced: { seg: Er7Segment; after: Er7Segment | undefined }[] = [];

  constructor(private readonly segs: Er7Segment[], private readonly profile: MessageProfile) {}

  private cur(): Er7Segment | undefined {
    return this.segs[this.pos];
  }
  private consume(): Er7Segment | undefined {
    const s = this.segs[this.pos++];
    if (s) this.last = s;
    return s;
  }

  /** Skips (and reports) every segment that nothing from here on can match. */
  private skipMisplaced(allowed: ReadonlySet<string>): void {
    for (let s = this.cur(); s && !allowed.has(s.id); s = this.cur()) {
      this.misplaced.push({ seg: s, after: this.last });
      this.pos++;
    }
  }

  run(): Finding[] {
    this.matchSeq(this.profile.root.items, new Set());
    this.skipMisplaced(new Set());
    this.report();
    return this.findings;
  }

  private matchSeq(items: Element[], follow: ReadonlySet<string>): void {
    items.forEach((el, i) => {
      const after = new Set(follow);
      for (const later of items.slice(i + 1)) for (const id of later.ids) after.add(id);
      if (el.kind === 'segment') this.matchSegment(el, after);
      else this.matchGroup(el, after);
    });
  }

  private matchSegment(el: SegmentElement, after: ReadonlySet<string>): void {
    const allowed = new Set([...el.ids, ...after]);
    let count = 0;
    for (;;) {
      this.skipMisplaced(allowed);
      const s = this.cur();
      if (!s || s.id !== el.id) break;
      // One more than allowed, but something later can take it (a new group iteration): leave it there.
      if (count >= el.max && after.has(s.id)) break;
      count++;
      this.consume();
      if (el.usage === 'X') {
        this.findings.push(v2('V2-USAGE-X', 'error', 'structure', segPath(s), {
          en: `Segment ${segPath(s)} is present, but the profile ${this.profile.id} does not support ${s.id} here (usage X).`,
          es: `El segmento ${segPath(s)} está presente, pero el perfil ${this.profile.id} no admite ${s.id} aquí (uso X).`,
        }));
      } else if (count > el.max) {
        this.findings.push(v2('V2-CARDINALITY', 'error', 'structure', segPath(s), {
          en: `Segment ${segPath(s)}: ${s.id} may occur at most ${el.max} time(s) here in ${this.profile.messageType.structure}.`,
          es: `Segmento ${segPath(s)}: ${s.id} puede aparecer como máximo ${el.max} vez/veces aquí en ${this.profile.messageType.structure}.`,
        }));
      }
    }
    if (count < el.min && el.usage !== 'X') this.reportMissing(el.id, undefined);
  }

  private matchGroup(el: GroupElement, after: ReadonlySet<string>): void {
    const allowed = new Set([...el.ids, ...after]);
    // The group's own first segments stay matchable from inside it, so a new occurrence is seen by the loop below
    // (and reported when the group may not repeat) instead of being skipped as misplaced.
    const inner = new Set([...after, ...el.first]);
    let count = 0;
    for (;;) {
      this.skipMisplaced(allowed);
      const s = this.cur();
      if (!s) break;
      const canStart = el.first.has(s.id) || (count < el.min && el.ids.has(s.id));
      if (!canStart || (count >= el.max && after.has(s.id))) break;
      const start = this.pos;
      count++;
      if (el.usage === 'X') {
        this.findings.push(v2('V2-USAGE-X', 'error', 'structure', segPath(s), {
          en: `Group ${el.name} (at ${segPath(s)}) is present, but the profile ${this.profile.id} does not support it (usage X).`,
          es: `El grupo ${el.name} (en ${segPath(s)}) está presente, pero el perfil ${this.profile.id} no lo admite (uso X).`,
        }));
      } else if (count > el.max) {
        this.findings.push(v2('V2-CARDINALITY', 'error', 'structure', segPath(s), {
          en: `Group ${el.name} repeats at ${segPath(s)}: it may occur at most ${el.max} time(s).`,
          es: `El grupo ${el.name} se repite en ${segPath(s)}: puede aparecer como máximo ${el.max} vez/veces.`,
        }));
      }
      this.matchSeq(el.items, inner);
      if (this.pos === start) break;
    }
    if (count < el.min && el.usage !== 'X') this.reportMissing(firstRequiredSegment(el), el.name);
  }

  private reportMissing(id: string, group: string | undefined): void {
    const after = this.last ? ` after ${segPath(this.last)}` : '';
    const despues = this.last ? ` después de ${segPath(this.last)}` : '';
    const f = group
      ? v2('V2-SEGMENT-MISSING', 'error', 'required', id, {
        en: `Required group ${group} (starting with segment ${id}) is missing${after}.`,
        es: `Falta el grupo obligatorio ${group} (que empieza con el segmento ${id})${despues}.`,
      })
      : v2('V2-SEGMENT-MISSING', 'error', 'required', id, {
        en: `Required segment ${id} is missing${after}.`,
        es: `Falta el segmento obligatorio ${id}${despues}.`,
      });
    if (!this.missing.has(id)) this.missing.set(id, { finding: f, after: this.last });
    this.findings.push(f);
  }

  private report(): void {
    const structure = this.profile.messageType.structure;
    for (const { seg, after } of this.misplaced) {
      const p = segPath(seg);
      const where = after ? ` after ${segPath(after)}` : ' at the start';
      const donde = after ? ` después de ${segPath(after)}` : ' al inicio';
      if (!this.profile.root.ids.has(seg.id)) {
        const z = seg.id.startsWith('Z');
        this.findings.push(v2('V2-SEGMENT-UNEXPECTED', z ? 'warning' : 'error', 'structure', p, z
          ? {
            en: `Segment ${p} is a local Z-segment that ${structure} in this contract does not define; a receiver may ignore or reject it.`,
            es: `El segmento ${p} es un segmento Z local que ${structure} no define en este contrato; un receptor puede ignorarlo o rechazarlo.`,
          }
          : { en: `Segment ${p} is not part of the ${structure} message structure.`, es: `El segmento ${p} no forma parte de la estructura de mensaje ${structure}.` }));
        continue;
      }
      const missing = this.missing.get(seg.id);
      if (missing) {
        // The required segment is there, just in the wrong place: one finding, not two.
        const i = this.findings.indexOf(missing.finding);
        if (i >= 0) this.findings.splice(i, 1);
        this.missing.delete(seg.id);
        const expected = missing.after ? `after ${segPath(missing.after)}` : 'at the start';
        const esperado = missing.after ? `después de ${segPath(missing.after)}` : 'al inicio';
        this.findings.push(v2('V2-SEGMENT-ORDER', 'error', 'structure', p, {
          en: `Segment ${p} is out of order: ${structure} needs it ${expected}, but it comes${where}.`,
          es: `El segmento ${p} está fuera de orden: ${structure} lo requiere ${esperado}, pero aparece${donde}.`,
        }));
        continue;
      }
      this.findings.push(v2('V2-SEGMENT-ORDER', 'error', 'structure', p, {
        en: `Segment ${p} is out of order: ${structure} does not allow ${seg.id}${where}.`,
        es: `El segmento ${p} está fuera de orden: ${structure} no admite ${seg.id}${donde}.`,
      }));
    }
  }
}

/** Segment order, group cardinality and segment usage against a profile's structure. */
export function checkStructure(message: Er7Message, profile: MessageProfile): Finding[] {
  return new StructureMatcher(message.segments.filter((s) => s.validId), profile).run();
}

// ---------------------------------------------------------------------------------------------------------------
// Fields, components, datatypes, tables

interface Ctx {
  set: ProfileSet;
  profile: MessageProfile;
  d: Delimiters;
  findings: Finding[];
  lengthSeverity: Severity;
}

type Effective = 'R' | 'RE' | 'O' | 'X';

/** Raw text of a segment-local path (first repetition), for predicates. */
function segmentRaw(seg: Er7Segment, d: Delimiters, path: string): string {
  const loc = parsePath(path);
  if (!loc || loc.field === undefined) return '';
  const field = seg.fields[loc.field] ?? '';
  if (loc.component === undefined) return field;
  const comp = splitComponents(splitRepetitions(field, d)[0] ?? '', d)[loc.component - 1] ?? '';
  if (loc.subcomponent === undefined) return comp;
  return splitSubcomponents(comp, d)[loc.subcomponent - 1] ?? '';
}

function evalPredicate(p: Predicate, seg: Er7Segment, d: Delimiters): { holds: boolean; text: LocalizedText } {
  if ('present' in p) {
    return { holds: segmentRaw(seg, d, p.present) !== '', text: { en: `because ${p.present} is valued`, es: `porque ${p.present} tiene valor` } };
  }
  if ('absent' in p) {
    return { holds: segmentRaw(seg, d, p.absent) === '', text: { en: `because ${p.absent} is empty`, es: `porque ${p.absent} está vacío` } };
  }
  const [path, value] = p.equals;
  return {
    holds: unescapeEr7(segmentRaw(seg, d, path), d).value === value,
    text: { en: `because ${path} is ${q(value)}`, es: `porque ${path} es ${q(value)}` },
  };
}

function effectiveUsage(usage: Usage, predicate: Predicate | undefined, seg: Er7Segment, d: Delimiters): { usage: Effective; because?: LocalizedText } {
  if (usage === 'B') return { usage: 'O' };
  if (usage === 'C') {
    if (!predicate) return { usage: 'O' };
    const r = evalPredicate(predicate, seg, d);
    return r.holds ? { usage: 'R', because: r.text } : { usage: 'O' };
  }
  return { usage };
}

function usageFindings(ctx: Ctx, usage: { usage: Effective; because?: LocalizedText }, present: boolean, location: string, what: LocalizedText): void {
  if (usage.usage === 'R' && !present) {
    const why = usage.because ? { en: ` (${usage.because.en})`, es: ` (${usage.because.es ?? usage.because.en})` } : { en: '', es: '' };
    ctx.findings.push(v2('V2-USAGE-R', 'error', 'required', location, {
      en: `${location} (${what.en}) is required${why.en} but empty.`,
      es: `${location} (${what.es ?? what.en}) es obligatorio${why.es} pero está vacío.`,
    }));
  } else if (usage.usage === 'X' && present) {
    ctx.findings.push(v2('V2-USAGE-X', 'error', 'structure', location, {
      en: `${location} (${what.en}) is valued, but the profile ${ctx.profile.id} does not support it (usage X).`,
      es: `${location} (${what.es ?? what.en}) tiene valor, pero el perfil ${ctx.profile.id} no lo admite (uso X).`,
    }));
  }
}

function lengthFinding(ctx: Ctx, raw: string, max: number | undefined, location: string): void {
  if (max === undefined) return;
  const n = er7Length(raw, ctx.d);
  if (n <= max) return;
  ctx.findings.push(v2('V2-LENGTH', ctx.lengthSeverity, 'value', location, {
    en: `${location} is ${n} characters long; the maximum length is ${max}.`,
    es: `${location} tiene ${n} caracteres; la longitud máxima es ${max}.`,
  }));
}

function tableFinding(ctx: Ctx, tableId: string | undefined, value: string, location: string): void {
  if (tableId === undefined || value === '' || value === '""') return;
  const t = ctx.set.tables[tableId];
  if (!t || Object.keys(t.codes).length === 0 || t.codes[value] !== undefined) return;
  const severity: Severity = t.subset || t.binding === 'extensible' ? 'warning' : 'error';
  const partial = t.subset ? { en: " (Sello's copy of this table is partial)", es: ' (la copia de Sello de esta tabla es parcial)' } : { en: '', es: '' };
  const kind = t.type === 'HL7' ? 'HL7' : 'user-defined';
  const tipo = t.type === 'HL7' ? 'HL7' : 'definida por el usuario';
  const sample = Object.keys(t.codes).slice(0, 12).join(', ') + (Object.keys(t.codes).length > 12 ? ', …' : '');
  ctx.findings.push(v2('V2-TABLE', severity, 'code-invalid', location, {
    en: `${location} is ${q(value)}, which is not in ${kind} table ${tableId} ${t.name}${partial.en}: ${sample}.`,
    es: `${location} es ${q(value)}, que no está en la tabla ${tipo} ${tableId} ${t.name}${partial.es}: ${sample}.`,
  }));
}

const DTM_RE = /^(\d{4})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:(\d{2})(?:\.\d{1,4})?)?)?)?)?)?([+-]\d{4})?$/;
const DT_RE = /^(\d{4})(?:(\d{2})(?:(\d{2}))?)?$/;
const TM_RE = /^(\d{2})(?:(\d{2})(?:(\d{2})(?:\.\d{1,4})?)?)?([+-]\d{4})?$/;

function dateOk(y: string | undefined, mo: string | undefined, da: string | undefined): boolean {
  if (mo !== undefined && (Number(mo) < 1 || Number(mo) > 12)) return false;
  if (da !== undefined) {
    const days = new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate();
    if (Number(da) < 1 || Number(da) > days) return false;
  }
  return true;
}
function timeOk(h: string | undefined, mi: string | undefined, s: string | undefined, tz: string | undefined): boolean {
  if (h !== undefined && Number(h) > 23) return false;
  if (mi !== undefined && Number(mi) > 59) return false;
  if (s !== undefined && Number(s) > 59) return false;
  if (tz !== undefined && (Number(tz.slice(1, 3)) > 14 || Number(tz.slice(3, 5)) > 59)) return false;
  return true;
}

/** Why a primitive value is malformed, or undefined when it is fine. */
export function primitiveProblem(kind: string | undefined, value: string): LocalizedText | undefined {
  switch (kind) {
    case 'NM':
      return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(value) ? undefined
        : { en: 'is not a number (NM: optional sign, digits, optional decimal point; no exponent, no thousands separator)', es: 'no es un número (NM: signo opcional, dígitos, punto decimal opcional; sin exponente ni separador de miles)' };
    case 'SI':
      return /^\d+$/.test(value) ? undefined : { en: 'is not a sequence id (SI: a non-negative integer)', es: 'no es un identificador de secuencia (SI: un entero no negativo)' };
    case 'DTM': {
      const m = DTM_RE.exec(value);
      return m && dateOk(m[1], m[2], m[3]) && timeOk(m[4], m[5], m[6], m[7]) ? undefined
        : { en: 'is not a valid date/time (DTM: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ])', es: 'no es una fecha/hora válida (DTM: AAAA[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ])' };
    }
    case 'DT': {
      const m = DT_RE.exec(value);
      return m && dateOk(m[1], m[2], m[3]) ? undefined : { en: 'is not a valid date (DT: YYYY[MM[DD]])', es: 'no es una fecha válida (DT: AAAA[MM[DD]])' };
    }
    case 'TM': {
      const m = TM_RE.exec(value);
      return m && timeOk(m[1], m[2], m[3], m[4]) ? undefined : { en: 'is not a valid time (TM: HH[MM[SS[.S[S[S[S]]]]]][+/-ZZZZ])', es: 'no es una hora válida (TM: HH[MM[SS[.S[S[S[S]]]]]][+/-ZZZZ])' };
    }
    default:
      return undefined;
  }
}

/**
 * Checks one value (a field repetition, a component or a subcomponent) against its datatype. `level` is how deep
 * the value sits: a field repetition can have components, a component subcomponents, a subcomponent nothing.
 */
function checkValue(ctx: Ctx, seg: Er7Segment, dtName: string, raw: string, level: 0 | 1 | 2, loc: Hl7Location, key: string): void {
  if (raw === '' || raw === '""') return;
  const dt: DatatypeDef | undefined = ctx.set.datatypes[dtName];
  if (!dt) return;
  const location = formatPath(loc);
  if (dt.components && level < 2) {
    const parts = level === 0 ? splitComponents(raw, ctx.d) : splitSubcomponents(raw, ctx.d);
    const defs = dt.components;
    const lastValued = parts.reduce((acc, p, i) => (p !== '' ? i : acc), -1);
    if (lastValued >= defs.length) {
      const extra: Hl7Location = level === 0 ? { ...loc, component: defs.length + 1 } : { ...loc, subcomponent: defs.length + 1 };
      ctx.findings.push(v2('V2-DATATYPE', 'error', 'structure', formatPath(extra), {
        en: `${location} has ${lastValued + 1} ${level === 0 ? 'components' : 'subcomponents'}; ${dtName} (${dt.name}) has ${defs.length}.`,
        es: `${location} tiene ${lastValued + 1} ${level === 0 ? 'componentes' : 'subcomponentes'}; ${dtName} (${dt.name}) tiene ${defs.length}.`,
      }));
    }
    defs.forEach((c: ComponentDef, i) => {
      const part = parts[i] ?? '';
      const childLoc: Hl7Location = level === 0 ? { ...loc, component: i + 1 } : { ...loc, subcomponent: i + 1 };
      const childKey = `${key}.${i + 1}`;
      const o: ElementOverride = ctx.profile.fields?.[childKey] ?? {};
      const childPath = formatPath(childLoc);
      usageFindings(ctx, effectiveUsage(o.usage ?? c.usage ?? 'O', o.predicate, seg, ctx.d), part !== '', childPath, { en: c.name });
      if (part === '' || part === '""') return;
      lengthFinding(ctx, part, o.len ?? c.len, childPath);
      const childDt = ctx.set.datatypes[c.dt];
      if (childDt?.components && level === 1) {
        // A composite inside a component has only one level left (subcomponents): its first component is all there is.
        const first = childDt.components[0];
        if (first) checkValue(ctx, seg, first.dt, part, 2, childLoc, childKey);
      } else {
        checkValue(ctx, seg, c.dt, part, (level + 1) as 1 | 2, childLoc, childKey);
      }
      tableFinding(ctx, o.table ?? c.table, unescapeEr7(part, ctx.d).value, childPath);
    });
    return;
  }
  // Primitive (or a composite squeezed into a subcomponent): no deeper separators allowed.
  const seps = level === 0 ? [ctx.d.component, ctx.d.subcomponent] : level === 1 ? [ctx.d.subcomponent] : [];
  const sep = seps.find((s) => raw.includes(s));
  if (sep !== undefined) {
    ctx.findings.push(v2('V2-DATATYPE', 'error', 'structure', location, {
      en: `${location} is ${dtName} (${dt.name}), a primitive type, but contains the separator ${q(sep)}: it has no ${sep === ctx.d.component ? 'components' : 'subcomponents'}.`,
      es: `${location} es ${dtName} (${dt.name}), un tipo primitivo, pero contiene el separador ${q(sep)}: no tiene ${sep === ctx.d.component ? 'componentes' : 'subcomponentes'}.`,
    }));
    return;
  }
  const { value, formatting } = unescapeEr7(raw, ctx.d);
  if (formatting && dt.primitive !== 'formatted-text') {
    ctx.findings.push(v2('V2-DATATYPE', 'warning', 'value', location, {
      en: `${location} is ${dtName}: formatting escape sequences (\\.br\\, \\H\\ …) belong in FT or TX values only.`,
      es: `${location} es ${dtName}: las secuencias de formato (\\.br\\, \\H\\ …) solo corresponden a valores FT o TX.`,
    }));
  }
  const problem = primitiveProblem(dt.primitive, value);
  if (problem) {
    ctx.findings.push(v2('V2-DATATYPE', 'error', 'value', location, {
      en: `${location} ${q(value)} ${problem.en}.`,
      es: `${location} ${q(value)} ${problem.es ?? problem.en}.`,
    }));
  }
}

function checkSegmentFields(ctx: Ctx, seg: Er7Segment): void {
  const def = ctx.set.segments[seg.id];
  if (!def) return;
  const segLoc = { segment: seg.id, occurrence: seg.occurrence };
  const lastField = seg.fields.length - 1;
  for (let n = def.fieldCount + 1; n <= lastField; n++) {
    if ((seg.fields[n] ?? '') === '') continue;
    const location = formatPath({ ...segLoc, field: n });
    ctx.findings.push(v2('V2-FIELD-UNKNOWN', 'error', 'structure', location, {
      en: `${location} is valued, but ${seg.id} has ${def.fieldCount} fields in v2.5.`,
      es: `${location} tiene valor, pero ${seg.id} tiene ${def.fieldCount} campos en v2.5.`,
    }));
  }
  for (const f of def.fields) checkField(ctx, seg, f);
}

function checkField(ctx: Ctx, seg: Er7Segment, f: FieldDef): void {
  const key = profileKey(seg.id, f.seq);
  const o: ElementOverride = ctx.profile.fields?.[key] ?? {};
  const raw = seg.fields[f.seq] ?? '';
  const loc: Hl7Location = { segment: seg.id, occurrence: seg.occurrence, field: f.seq };
  const location = formatPath(loc);
  usageFindings(ctx, effectiveUsage(o.usage ?? f.usage, o.predicate ?? f.predicate, seg, ctx.d), raw !== '', location, { en: f.name });
  if (raw === '' || raw === '""') return;
  // MSH-1 and MSH-2 are the delimiters: er7.ts has judged them.
  if (seg.id === 'MSH' && f.seq <= 2) return;
  const reps = splitRepetitions(raw, ctx.d);
  const rpt = o.rpt ?? f.rpt ?? 1;
  const max = rpt === '*' ? Infinity : rpt;
  if (reps.length > max) {
    const at = formatPath({ ...loc, repetition: max + 1 });
    ctx.findings.push(v2('V2-CARDINALITY', 'error', 'structure', at, {
      en: `${location} has ${reps.length} repetitions; at most ${max} allowed${max === 1 ? ' (the field does not repeat)' : ''}.`,
      es: `${location} tiene ${reps.length} repeticiones; se permiten como máximo ${max}${max === 1 ? ' (el campo no se repite)' : ''}.`,
    }));
  }
  let dtName = f.dt;
  if (dtName === 'varies') {
    // OBX-5: the type is in OBX-2.
    const declared = unescapeEr7(segmentRaw(seg, ctx.d, `${seg.id}-2`), ctx.d).value;
    if (!ctx.set.datatypes[declared]) return;
    dtName = declared;
  }
  const dt = ctx.set.datatypes[dtName];
  reps.forEach((rep, r) => {
    if (rep === '') return;
    const repLoc: Hl7Location = { ...loc, repetition: r + 1 };
    checkValue(ctx, seg, dtName, rep, 0, repLoc, key);
    // A primitive with stray components was reported by checkValue; judge the first one, as a receiver reads it.
    const value = dt && !dt.components ? splitSubcomponents(splitComponents(rep, ctx.d)[0] ?? '', ctx.d)[0] ?? '' : rep;
    lengthFinding(ctx, value, o.len ?? f.len, formatPath(repLoc));
    // A table on a primitive field binds its value; on a composite it documents the coding and is not checked
    // (bind a component path in the message profile to check one).
    if (dt && !dt.components) tableFinding(ctx, o.table ?? f.table, unescapeEr7(value, ctx.d).value, formatPath(repLoc));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// MSH specifics and program rules

function checkMsh(ctx: Ctx, message: Er7Message): void {
  const p = ctx.profile;
  const code = valueAt(message, { segment: 'MSH', field: 9, component: 1 });
  const event = valueAt(message, { segment: 'MSH', field: 9, component: 2 });
  const structure = valueAt(message, { segment: 'MSH', field: 9, component: 3 });
  const version = valueAt(message, { segment: 'MSH', field: 12, component: 1 });
  const expected = `${p.messageType.code}${p.messageType.event ? `^${p.messageType.event}` : ''}`;
  if (code !== '' && code !== p.messageType.code) {
    ctx.findings.push(v2('V2-MSH', 'error', 'not-supported', 'MSH-9.1', {
      en: `MSH-9.1 is ${q(code)}, but the profile ${p.id} is for ${expected} messages.`,
      es: `MSH-9.1 es ${q(code)}, pero el perfil ${p.id} es para mensajes ${expected}.`,
    }));
  }
  if (p.messageType.event !== undefined && event !== '' && event !== p.messageType.event) {
    ctx.findings.push(v2('V2-MSH', 'error', 'not-supported', 'MSH-9.2', {
      en: `MSH-9.2 (trigger event) is ${q(event)}, but the profile ${p.id} is for ${expected}.`,
      es: `MSH-9.2 (evento) es ${q(event)}, pero el perfil ${p.id} es para ${expected}.`,
    }));
  }
  if (structure !== '' && structure !== p.messageType.structure) {
    ctx.findings.push(v2('V2-MSH', 'error', 'not-supported', 'MSH-9.3', {
      en: `MSH-9.3 (message structure) is ${q(structure)}; ${expected} uses the structure ${p.messageType.structure} in v${p.version}.`,
      es: `MSH-9.3 (estructura del mensaje) es ${q(structure)}; ${expected} usa la estructura ${p.messageType.structure} en v${p.version}.`,
    }));
  }
  if (version !== '' && version !== p.version) {
    ctx.findings.push(v2('V2-MSH', 'error', 'not-supported', 'MSH-12.1', {
      en: `MSH-12 (version) is ${q(version)}; the contract (${p.contract}) is HL7 v${p.version}.`,
      es: `MSH-12 (versión) es ${q(version)}; el contrato (${p.contract}) es HL7 v${p.version}.`,
    }));
  }
}

function relocate(fs: Finding[], ruleIdPrefix?: string): Finding[] {
  return fs.map((f) => ({ ...f, locationKind: 'hl7v2' as const, ...(ruleIdPrefix ? { ruleId: `${ruleIdPrefix}${f.ruleId}` } : {}) }));
}

function checkRule(ctx: Ctx, message: Er7Message, rule: RuleDef): void {
  const target = parsePath(rule.path);
  if (!target || target.field === undefined) return;
  const d = ctx.d;
  for (const seg of message.segments.filter((s) => s.id === target.segment)) {
    const fieldLoc: Hl7Location = { segment: seg.id, occurrence: seg.occurrence, field: target.field };
    const reps = splitRepetitions(seg.fields[target.field] ?? '', d);
    if (rule.kind === 'pe-renipress') {
      reps.forEach((rep, r) => {
        const loc: Hl7Location = { ...fieldLoc, repetition: r + 1 };
        let raw = rep;
        if (target.component !== undefined) {
          loc.component = target.component;
          raw = splitComponents(rep, d)[target.component - 1] ?? '';
          if (target.subcomponent !== undefined) {
            loc.subcomponent = target.subcomponent;
            raw = splitSubcomponents(raw, d)[target.subcomponent - 1] ?? '';
          }
        }
        if (raw === '' || raw === '""') return;
        ctx.findings.push(...relocate(validateRenipress(unescapeEr7(raw, d).value, { location: formatPath(loc) })));
      });
      continue;
    }
    // pe-dni: CX repetitions whose assigning authority (CX.4.1) is the DNI's issuer.
    const value = (rep: string, c: number, s?: number): string => {
      const comp = splitComponents(rep, d)[c - 1] ?? '';
      return unescapeEr7(s === undefined ? comp : splitSubcomponents(comp, d)[s - 1] ?? '', d).value;
    };
    let found = 0;
    reps.forEach((rep, r) => {
      if (rep === '') return;
      const loc: Hl7Location = { ...fieldLoc, repetition: r + 1 };
      const authority = value(rep, 4, 1);
      const type = value(rep, 5);
      if (authority !== rule.authority) {
        if (rule.identifierTypes.includes(type)) {
          const at = formatPath({ ...loc, component: 4, subcomponent: 1 });
          ctx.findings.push(v2(rule.id, 'error', 'value', at, {
            en: `${formatPath(loc)} is a national identifier (type ${type}) whose assigning authority ${at} is ${q(authority)}; a DNI is assigned by ${rule.authority}.`,
            es: `${formatPath(loc)} es un identificador nacional (tipo ${type}) cuya autoridad asignadora ${at} es ${q(authority)}; el DNI lo asigna ${rule.authority}.`,
          }));
        }
        return;
      }
      found++;
      if (!rule.identifierTypes.includes(type)) {
        const at = formatPath({ ...loc, component: 5 });
        ctx.findings.push(v2(rule.id, 'error', 'code-invalid', at, {
          en: `${at} (identifier type of a ${rule.authority} DNI) is ${q(type)}; the contract uses ${rule.identifierTypes.map(q).join(' or ')} (HL7 table 0203; "DNI" is not a 0203 code).`,
          es: `${at} (tipo de identificador de un DNI de ${rule.authority}) es ${q(type)}; el contrato usa ${rule.identifierTypes.map(q).join(' o ')} (tabla HL7 0203; "DNI" no es un código de 0203).`,
        }));
      }
      const number = value(rep, 1);
      const check = value(rep, 2);
      const numberAt = formatPath({ ...loc, component: 1 });
      const dniFindings = relocate(validateDni(number, { location: numberAt }));
      ctx.findings.push(...dniFindings);
      if (check !== '' && dniFindings.length === 0) {
        const checkAt = formatPath({ ...loc, component: 2 });
        const inline = /-(.)$/.exec(number)?.[1];
        if (inline !== undefined && inline !== check) {
          ctx.findings.push(v2('ID-DNI-CHECK', 'error', 'value', checkAt, {
            en: `${checkAt} (check digit ${q(check)}) contradicts the check character in ${numberAt} (${q(inline)}).`,
            es: `${checkAt} (dígito de control ${q(check)}) contradice el carácter de verificación de ${numberAt} (${q(inline)}).`,
          }));
        } else if (inline === undefined) {
          ctx.findings.push(...relocate(validateDni(`${number}-${check}`, { location: checkAt })));
        }
      }
    });
    // An empty field is V2-USAGE-R's finding already.
    if (found === 0 && rule.required && (seg.fields[target.field] ?? '') !== '') {
      const at = formatPath(fieldLoc);
      ctx.findings.push(v2(rule.id, 'error', 'required', at, {
        en: `${at} has no DNI: no repetition has ${rule.authority} as assigning authority (${rule.path}.4.1) with identifier type ${rule.identifierTypes.join(' or ')} (${rule.path}.5).`,
        es: `${at} no tiene DNI: ninguna repetición tiene a ${rule.authority} como autoridad asignadora (${rule.path}.4.1) con tipo de identificador ${rule.identifierTypes.join(' o ')} (${rule.path}.5).`,
      }));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------

/** Validates an already parsed message (its parse findings included). */
export function validateParsed(message: Er7Message, opts: ValidateHl7Options = {}): Finding[] {
  const findings = [...message.findings];
  if (!message.ok) return findings;
  const set = loadProfileSet(opts.profileDir);
  const profile = selectProfile(message, set, opts.profile);
  if (!profile) {
    const msh9 = [1, 2, 3].map((c) => valueAt(message, { segment: 'MSH', field: 9, component: c })).filter((v) => v !== '').join('^');
    const known = Object.keys(set.messages).join(', ');
    findings.push(opts.profile !== undefined
      ? v2('V2-PROFILE', 'fatal', 'not-supported', 'MSH-9', { en: `Unknown message profile ${q(opts.profile)}; known: ${known}.`, es: `Perfil de mensaje desconocido ${q(opts.profile)}; conocidos: ${known}.` })
      : msh9 === ''
        ? v2('V2-PROFILE', 'error', 'required', 'MSH-9', {
          en: `MSH-9 (message type) is empty, so no profile can be chosen; known profiles: ${known}.`,
          es: `MSH-9 (tipo de mensaje) está vacío, así que no se puede elegir un perfil; perfiles conocidos: ${known}.`,
        })
        : v2('V2-PROFILE', 'error', 'not-supported', 'MSH-9', {
        en: `No profile of the contract covers the message type ${q(msh9)} (MSH-9); known profiles: ${known}.`,
        es: `Ningún perfil del contrato cubre el tipo de mensaje ${q(msh9)} (MSH-9); perfiles conocidos: ${known}.`,
      }));
    return findings;
  }
  const ctx: Ctx = { set, profile, d: message.delimiters, findings, lengthSeverity: profile.lengthSeverity ?? 'warning' };
  findings.push(...checkStructure(message, profile));
  checkMsh(ctx, message);
  for (const seg of message.segments) if (seg.validId) checkSegmentFields(ctx, seg);
  for (const rule of profile.rules ?? []) checkRule(ctx, message, rule);
  return findings;
}

/** Parses and validates one ER7 message. Never throws on message content. */
export function validateHl7(message: string, opts: ValidateHl7Options = {}): Finding[] {
  return validateParsed(parseEr7(message), opts);
}

/**
 * Validates a message file (for `sello validate x.hl7`). Read as UTF-8, or Latin-1 when the bytes are not UTF-8;
 * an MLLP frame around the message (VT … FS CR) is removed with a warning. Throws only when the file cannot be read.
 */
export async function validateHl7File(path: string, opts: ValidateHl7Options = {}): Promise<Finding[]> {
  const bytes = await readFile(path);
  let text: string;
  const pre: Finding[] = [];
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('latin1').decode(bytes);
    pre.push(v2('V2-ER7', 'information', 'informational', 'MSH', {
      en: 'The file is not valid UTF-8; it was read as ISO-8859-1 (declare the character set in MSH-18).',
      es: 'El archivo no es UTF-8 válido; se leyó como ISO-8859-1 (declare el juego de caracteres en MSH-18).',
    }));
  }
  const framed = /^\x0b([\s\S]*?)\x1c\r?\n?$/.exec(text);
  if (framed) {
    text = framed[1] ?? '';
    pre.push(v2('V2-ER7', 'warning', 'structure', 'MSH', {
      en: 'The file holds an MLLP frame (VT … FS CR); the frame bytes were removed before validation.',
      es: 'El archivo contiene un marco MLLP (VT … FS CR); se quitaron los bytes del marco antes de validar.',
    }));
  }
  return [...pre, ...validateHl7(text, opts)];
}
