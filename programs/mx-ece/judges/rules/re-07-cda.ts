/**
 * RE-07: the `resumen` DocumentReference carries a GIIS-A001 CDA (base64, an XML content type) that passes Sello's XSD
 * and Schematron and whose CURP is the Bundle Patient's. The XML findings are located by XPath inside the summary;
 * what is wrong with the DocumentReference itself by FHIRPath.
 */
import type { Finding } from '../../../../src/findings/finding.ts';
import { isObject } from '../../../../src/util/is-object.ts';
import { checkCdaSummary, summaryXml } from '../../lib/cda-check.ts';
import { SYSTEM } from '../../lib/contract.ts';
import { isSummary } from '../../lib/retention.ts';
import { bundleEntries, type Located, reFinding } from './shared.ts';

const XML_TYPES = ['application/xml', 'text/xml', 'application/hl7-cda+xml'];

/** RE-07 for the summary entry (found by the caller) and the CURP of the Bundle's Patient. */
export async function re07Summary(summary: Located | undefined, curp: string | undefined): Promise<Finding[]> {
  if (!summary)
    return [
      reFinding(
        'RE-07',
        'Bundle',
        { es: 'El expediente no trae el resumen clínico GIIS-A001 (DocumentReference ResumenCdaMx).', en: 'The record carries no GIIS-A001 clinical summary (ResumenCdaMx DocumentReference).' },
        'required',
      ),
    ];
  const { resource, location } = summary;
  const attachment = Array.isArray(resource.content) && isObject(resource.content[0]) && isObject(resource.content[0].attachment) ? resource.content[0].attachment : undefined;
  const at = `${location}.content[0].attachment`;
  const type = typeof attachment?.contentType === 'string' ? attachment.contentType.split(';')[0]?.trim() : undefined;
  if (!type || !XML_TYPES.includes(type)) {
    return [
      reFinding(
        'RE-07',
        `${at}.contentType`,
        { es: `El resumen debe ser XML (${XML_TYPES.join(', ')}); contentType ${String(type)}.`, en: `The summary must be XML (${XML_TYPES.join(', ')}); contentType ${String(type)}.` },
        'value',
      ),
    ];
  }
  const xml = summaryXml(resource);
  if (!xml || xml.length === 0)
    return [reFinding('RE-07', `${at}.data`, { es: 'El resumen no trae el CDA en attachment.data (base64).', en: 'The summary carries no CDA in attachment.data (base64).' }, 'required')];
  return checkCdaSummary(xml, curp);
}

/** RE-07 for a whole Bundle: its summary and its Patient's CURP. */
export function re07Cda(bundle: unknown): Promise<Finding[]> {
  const entries = bundleEntries(bundle);
  const summary = entries.find((e) => e.resource.resourceType === 'DocumentReference' && isSummary(e.resource));
  const patient = entries.find((e) => e.resource.resourceType === 'Patient')?.resource;
  const ids = Array.isArray(patient?.identifier) ? patient.identifier : [];
  const curp = ids.find((i) => isObject(i) && i.system === SYSTEM.curp) as { value?: unknown } | undefined;
  return re07Summary(summary, typeof curp?.value === 'string' ? curp.value : undefined);
}
