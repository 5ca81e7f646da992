/**
 * HL7 v2 locations, the one convention every finding of `src/hl7v2/` uses (locationKind `hl7v2`):
 *
 *   SEG[s]-F[r].C.S
 *
 * - `SEG` the segment id; `[s]` its occurrence in the message (1-based, counted over the whole message, not per
 *   group), written only when s > 1: `PID`, `OBX[3]`.
 * - `-F` the field number (MSH-1 is the field separator itself, so MSH fields are numbered as in the standard).
 * - `[r]` the field repetition (1-based), written only when r > 1: `PID-3[2]`.
 * - `.C` the component, `.S` the subcomponent (1-based): `PID-3[2].4.1`.
 * - `#n` the n-th segment of the message (1-based) when it has no usable segment id (`#4`).
 *
 * So the first repetition of PID-3's first component is `PID-3.1`, the second repetition's `PID-3[2].1`, and the
 * namespace of the assigning authority in that repetition `PID-3[2].4.1`; the value of the third OBX is `OBX[3]-5`.
 * Profiles key their overrides with the same syntax without any `[n]`: `PID-3.4.1`.
 */
export interface Hl7Location {
  segment: string;
  /** 1-based occurrence of this segment id in the message. */
  occurrence?: number;
  field?: number;
  /** 1-based field repetition. */
  repetition?: number;
  component?: number;
  subcomponent?: number;
}

export function formatPath(loc: Hl7Location): string {
  let out = loc.segment;
  if (loc.occurrence !== undefined && loc.occurrence > 1) out += `[${loc.occurrence}]`;
  if (loc.field === undefined) return out;
  out += `-${loc.field}`;
  if (loc.repetition !== undefined && loc.repetition > 1) out += `[${loc.repetition}]`;
  if (loc.component === undefined) return out;
  out += `.${loc.component}`;
  if (loc.subcomponent !== undefined) out += `.${loc.subcomponent}`;
  return out;
}

/** The segment-number form for a segment without a usable id. */
export const segmentNumberPath = (index: number): string => `#${index + 1}`;

const PATH_RE = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?(?:-(\d+)(?:\[(\d+)\])?(?:\.(\d+)(?:\.(\d+))?)?)?$/;

/** Parses a path written in the convention above; undefined when it is not one. */
export function parsePath(path: string): Hl7Location | undefined {
  const m = PATH_RE.exec(path);
  if (!m) return undefined;
  const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
  const loc: Hl7Location = { segment: m[1] ?? '' };
  const occurrence = num(m[2]);
  const field = num(m[3]);
  const repetition = num(m[4]);
  const component = num(m[5]);
  const subcomponent = num(m[6]);
  for (const n of [occurrence, field, repetition, component, subcomponent]) if (n !== undefined && n < 1) return undefined;
  if (occurrence !== undefined) loc.occurrence = occurrence;
  if (field !== undefined) loc.field = field;
  if (repetition !== undefined) loc.repetition = repetition;
  if (component !== undefined) loc.component = component;
  if (subcomponent !== undefined) loc.subcomponent = subcomponent;
  return loc;
}

/** The index-free key profiles use for overrides: `PID-3.4.1`. */
export function profileKey(segment: string, field: number, component?: number, subcomponent?: number): string {
  return formatPath({ segment, field, ...(component === undefined ? {} : { component }), ...(subcomponent === undefined ? {} : { subcomponent }) });
}
