/**
 * Field-level checks against a message profile: usage (R, RE, X, conditional), repetitions, length, datatype
 * (components, primitives) and table bindings, each field overridable per message profile by its path key.
 */
import type { Finding, LocalizedText, Severity } from '../findings/finding.ts';
import { type Delimiters, type Er7Segment, er7Length, splitComponents, splitRepetitions, splitSubcomponents, unescapeEr7 } from './er7.ts';
import { formatPath, type Hl7Location, parsePath, profileKey } from './path.ts';
import type { ComponentDef, DatatypeDef, ElementOverride, FieldDef, MessageProfile, Predicate, ProfileSet, Usage } from './profile.ts';
import { q, v2 } from './v2-finding.ts';

export interface Ctx {
  set: ProfileSet;
  profile: MessageProfile;
  d: Delimiters;
  findings: Finding[];
  lengthSeverity: Severity;
}

type Effective = 'R' | 'RE' | 'O' | 'X';

/** Raw text of a segment-local path (first repetition), for predicates. */
export function segmentRaw(seg: Er7Segment, d: Delimiters, path: string): string {
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
    ctx.findings.push(
      v2('V2-USAGE-R', 'error', 'required', location, {
        en: `${location} (${what.en}) is required${why.en} but empty.`,
        es: `${location} (${what.es ?? what.en}) es obligatorio${why.es} pero está vacío.`,
      }),
    );
  } else if (usage.usage === 'X' && present) {
    ctx.findings.push(
      v2('V2-USAGE-X', 'error', 'structure', location, {
        en: `${location} (${what.en}) is valued, but the profile ${ctx.profile.id} does not support it (usage X).`,
        es: `${location} (${what.es ?? what.en}) tiene valor, pero el perfil ${ctx.profile.id} no lo admite (uso X).`,
      }),
    );
  }
}

function lengthFinding(ctx: Ctx, raw: string, max: number | undefined, location: string): void {
  if (max === undefined) return;
  const n = er7Length(raw, ctx.d);
  if (n <= max) return;
  ctx.findings.push(
    v2('V2-LENGTH', ctx.lengthSeverity, 'value', location, {
      en: `${location} is ${n} characters long; the maximum length is ${max}.`,
      es: `${location} tiene ${n} caracteres; la longitud máxima es ${max}.`,
    }),
  );
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
  ctx.findings.push(
    v2('V2-TABLE', severity, 'code-invalid', location, {
      en: `${location} is ${q(value)}, which is not in ${kind} table ${tableId} ${t.name}${partial.en}: ${sample}.`,
      es: `${location} es ${q(value)}, que no está en la tabla ${tipo} ${tableId} ${t.name}${partial.es}: ${sample}.`,
    }),
  );
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
      return /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/.test(value)
        ? undefined
        : {
            en: 'is not a number (NM: optional sign, digits, optional decimal point; no exponent, no thousands separator)',
            es: 'no es un número (NM: signo opcional, dígitos, punto decimal opcional; sin exponente ni separador de miles)',
          };
    case 'SI':
      return /^\d+$/.test(value) ? undefined : { en: 'is not a sequence id (SI: a non-negative integer)', es: 'no es un identificador de secuencia (SI: un entero no negativo)' };
    case 'DTM': {
      const m = DTM_RE.exec(value);
      return m && dateOk(m[1], m[2], m[3]) && timeOk(m[4], m[5], m[6], m[7])
        ? undefined
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
      ctx.findings.push(
        v2('V2-DATATYPE', 'error', 'structure', formatPath(extra), {
          en: `${location} has ${lastValued + 1} ${level === 0 ? 'components' : 'subcomponents'}; ${dtName} (${dt.name}) has ${defs.length}.`,
          es: `${location} tiene ${lastValued + 1} ${level === 0 ? 'componentes' : 'subcomponentes'}; ${dtName} (${dt.name}) tiene ${defs.length}.`,
        }),
      );
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
    ctx.findings.push(
      v2('V2-DATATYPE', 'error', 'structure', location, {
        en: `${location} is ${dtName} (${dt.name}), a primitive type, but contains the separator ${q(sep)}: it has no ${sep === ctx.d.component ? 'components' : 'subcomponents'}.`,
        es: `${location} es ${dtName} (${dt.name}), un tipo primitivo, pero contiene el separador ${q(sep)}: no tiene ${sep === ctx.d.component ? 'componentes' : 'subcomponentes'}.`,
      }),
    );
    return;
  }
  const { value, formatting } = unescapeEr7(raw, ctx.d);
  if (formatting && dt.primitive !== 'formatted-text') {
    ctx.findings.push(
      v2('V2-DATATYPE', 'warning', 'value', location, {
        en: `${location} is ${dtName}: formatting escape sequences (\\.br\\, \\H\\ …) belong in FT or TX values only.`,
        es: `${location} es ${dtName}: las secuencias de formato (\\.br\\, \\H\\ …) solo corresponden a valores FT o TX.`,
      }),
    );
  }
  const problem = primitiveProblem(dt.primitive, value);
  if (problem) {
    ctx.findings.push(
      v2('V2-DATATYPE', 'error', 'value', location, {
        en: `${location} ${q(value)} ${problem.en}.`,
        es: `${location} ${q(value)} ${problem.es ?? problem.en}.`,
      }),
    );
  }
}

export function checkSegmentFields(ctx: Ctx, seg: Er7Segment): void {
  const def = ctx.set.segments[seg.id];
  if (!def) return;
  const segLoc = { segment: seg.id, occurrence: seg.occurrence };
  const lastField = seg.fields.length - 1;
  for (let n = def.fieldCount + 1; n <= lastField; n++) {
    if ((seg.fields[n] ?? '') === '') continue;
    const location = formatPath({ ...segLoc, field: n });
    ctx.findings.push(
      v2('V2-FIELD-UNKNOWN', 'error', 'structure', location, {
        en: `${location} is valued, but ${seg.id} has ${def.fieldCount} fields in v2.5.`,
        es: `${location} tiene valor, pero ${seg.id} tiene ${def.fieldCount} campos en v2.5.`,
      }),
    );
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
    ctx.findings.push(
      v2('V2-CARDINALITY', 'error', 'structure', at, {
        en: `${location} has ${reps.length} repetitions; at most ${max} allowed${max === 1 ? ' (the field does not repeat)' : ''}.`,
        es: `${location} tiene ${reps.length} repeticiones; se permiten como máximo ${max}${max === 1 ? ' (el campo no se repite)' : ''}.`,
      }),
    );
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
    const value = dt && !dt.components ? (splitSubcomponents(splitComponents(rep, ctx.d)[0] ?? '', ctx.d)[0] ?? '') : rep;
    lengthFinding(ctx, value, o.len ?? f.len, formatPath(repLoc));
    // A table on a primitive field binds its value; on a composite it documents the coding and is not checked
    // (bind a component path in the message profile to check one).
    if (dt && !dt.components) tableFinding(ctx, o.table ?? f.table, unescapeEr7(value, ctx.d).value, formatPath(repLoc));
  });
}
