/** Planted defects that rewrite the document Bundle as a whole (RE-06, RE-07): only on records small enough to hold. */
import { generateCurp, SeededRandom } from '../../../src/identifiers/mx/index.ts';
import type { FaultSet } from '../../../src/mock/faults.ts';
import { SECTION_SYSTEM, SECTIONS } from '../lib/expediente.ts';
import { type FhirResource, reference } from '../lib/record.ts';
import { isSummary } from '../lib/retention.ts';

type Entry = { fullUrl?: string; resource?: FhirResource };
type Section = { code?: { coding?: Array<{ code?: string }> }; entry?: Array<{ reference: string }> };

/** `old`: the record's entries older than 7 years, which `ece-old-entries` puts back into the document. */
export function plantBundleFaults(bundle: FhirResource, faults: FaultSet, curp: string, old: readonly FhirResource[] = []): FhirResource {
  const entries = bundle.entry as Entry[];
  if (faults.has('ece-old-entries')) addEntries(bundle, old);
  if (faults.has('ece-composition-not-first') && entries.length > 1) [entries[0], entries[1]] = [entries[1]!, entries[0]!];
  if (faults.has('ece-dangling-reference')) {
    const composition = entries.find((e) => e.resource?.resourceType === 'Composition')?.resource;
    const section = (composition?.section as Section[] | undefined)?.[0];
    if (section) section.entry = [...(section.entry ?? []), { reference: 'urn:uuid:00000000-0000-4000-8000-00000000dead' }];
  }
  if (faults.has('ece-cda-invalid') || faults.has('ece-cda-wrong-curp')) {
    const summary = entries.find((e) => e.resource?.resourceType === 'DocumentReference' && isSummary(e.resource))?.resource;
    const attachment = (summary?.content as Array<{ attachment?: { data?: string } }> | undefined)?.[0]?.attachment;
    if (attachment?.data) {
      let xml = Buffer.from(attachment.data, 'base64').toString('utf8');
      // Without realmCode the summary fails GIIS-A001's XSD sequence and its Schematron.
      if (faults.has('ece-cda-invalid')) xml = xml.replace(/<realmCode\b[^>]*\/>/, '');
      if (faults.has('ece-cda-wrong-curp')) xml = xml.split(curp).join(otherCurp(curp));
      attachment.data = Buffer.from(xml, 'utf8').toString('base64');
    }
  }
  return bundle;
}

/** A well-formed CURP that is not `curp`. */
function otherCurp(curp: string): string {
  const rng = new SeededRandom(`other-than:${curp}`);
  for (;;) {
    const other = generateCurp(rng);
    if (other !== curp) return other;
  }
}

/** Entries added with their Composition section references, so that only their dates are wrong. */
function addEntries(bundle: FhirResource, resources: readonly FhirResource[]): void {
  const entries = bundle.entry as Entry[];
  const composition = entries.find((e) => e.resource?.resourceType === 'Composition')?.resource;
  if (!composition) return;
  const sections = (composition.section ?? []) as Section[];
  composition.section = sections;
  for (const r of resources) {
    const spec = SECTIONS.find((s) => s.type === r.resourceType);
    if (!spec) continue;
    let section = sections.find((s) => s.code?.coding?.some((c) => c.code === spec.code));
    if (!section) {
      section = { code: { coding: [{ code: spec.code }] }, entry: [] };
      Object.assign(section, { title: spec.title, code: { coding: [{ system: SECTION_SYSTEM, code: spec.code }] } });
      sections.push(section);
    }
    section.entry = [...(section.entry ?? []), reference(r)];
    entries.push({ fullUrl: `urn:uuid:${r.id}`, resource: r });
  }
}
