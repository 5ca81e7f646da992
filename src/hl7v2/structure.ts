/**
 * Segment order, group cardinality and segment usage against a message profile's abstract message syntax.
 *
 * The matcher walks the segment ids greedily: a segment that cannot be matched anywhere further on is reported and
 * skipped, so one misplaced segment gives one finding rather than a cascade; a required segment that turns up later
 * out of place is reported once, as out of order.
 */
import type { Finding } from '../findings/finding.ts';
import type { Er7Message, Er7Segment } from './er7.ts';
import { formatPath } from './path.ts';
import type { Element, GroupElement, MessageProfile, SegmentElement } from './profile.ts';
import { v2 } from './v2-finding.ts';

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

  constructor(
    private readonly segs: Er7Segment[],
    private readonly profile: MessageProfile,
  ) {}

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
        this.findings.push(
          v2('V2-USAGE-X', 'error', 'structure', segPath(s), {
            en: `Segment ${segPath(s)} is present, but the profile ${this.profile.id} does not support ${s.id} here (usage X).`,
            es: `El segmento ${segPath(s)} está presente, pero el perfil ${this.profile.id} no admite ${s.id} aquí (uso X).`,
          }),
        );
      } else if (count > el.max) {
        this.findings.push(
          v2('V2-CARDINALITY', 'error', 'structure', segPath(s), {
            en: `Segment ${segPath(s)}: ${s.id} may occur at most ${el.max} time(s) here in ${this.profile.messageType.structure}.`,
            es: `Segmento ${segPath(s)}: ${s.id} puede aparecer como máximo ${el.max} vez/veces aquí en ${this.profile.messageType.structure}.`,
          }),
        );
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
        this.findings.push(
          v2('V2-USAGE-X', 'error', 'structure', segPath(s), {
            en: `Group ${el.name} (at ${segPath(s)}) is present, but the profile ${this.profile.id} does not support it (usage X).`,
            es: `El grupo ${el.name} (en ${segPath(s)}) está presente, pero el perfil ${this.profile.id} no lo admite (uso X).`,
          }),
        );
      } else if (count > el.max) {
        this.findings.push(
          v2('V2-CARDINALITY', 'error', 'structure', segPath(s), {
            en: `Group ${el.name} repeats at ${segPath(s)}: it may occur at most ${el.max} time(s).`,
            es: `El grupo ${el.name} se repite en ${segPath(s)}: puede aparecer como máximo ${el.max} vez/veces.`,
          }),
        );
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
        this.findings.push(
          v2(
            'V2-SEGMENT-UNEXPECTED',
            z ? 'warning' : 'error',
            'structure',
            p,
            z
              ? {
                  en: `Segment ${p} is a local Z-segment that ${structure} in this contract does not define; a receiver may ignore or reject it.`,
                  es: `El segmento ${p} es un segmento Z local que ${structure} no define en este contrato; un receptor puede ignorarlo o rechazarlo.`,
                }
              : { en: `Segment ${p} is not part of the ${structure} message structure.`, es: `El segmento ${p} no forma parte de la estructura de mensaje ${structure}.` },
          ),
        );
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
        this.findings.push(
          v2('V2-SEGMENT-ORDER', 'error', 'structure', p, {
            en: `Segment ${p} is out of order: ${structure} needs it ${expected}, but it comes${where}.`,
            es: `El segmento ${p} está fuera de orden: ${structure} lo requiere ${esperado}, pero aparece${donde}.`,
          }),
        );
        continue;
      }
      this.findings.push(
        v2('V2-SEGMENT-ORDER', 'error', 'structure', p, {
          en: `Segment ${p} is out of order: ${structure} does not allow ${seg.id}${where}.`,
          es: `El segmento ${p} está fuera de orden: ${structure} no admite ${seg.id}${donde}.`,
        }),
      );
    }
  }
}

/** Segment order, group cardinality and segment usage against a profile's structure. */
export function checkStructure(message: Er7Message, profile: MessageProfile): Finding[] {
  return new StructureMatcher(
    message.segments.filter((s) => s.validId),
    profile,
  ).run();
}
