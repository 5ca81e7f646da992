/**
 * RE-07: the GIIS-A001 summary's XML, checked as REMD-style engines check a CDA (programs/ru-egisz does the same with
 * its kind-194 files): well-formed, then profiles/cda/giis-a001.xsd, then profiles/cda/giis-a001.sch, then its CURP
 * against the Bundle's. Every finding is RE-07's, located by XPath, with the engine's own id (XSD-…, GIIS-nn) at the
 * front of its text so the report tells the XSD from the Schematron.
 */
import { fileURLToPath } from 'node:url';
import type { Attr, Element } from '@xmldom/xmldom';
import { type Finding, isBlocking } from '../../../src/findings/finding.ts';
import { type CompiledSchematron, compileSchematron, loadSchematron, loadXsdSchemaSet, locate, parseXml, validateSchematron, validateXsd, type XsdSchemaSet } from '../../../src/xml/index.ts';
import { CDA_NS } from './cda-summary.ts';
import { OID } from './contract.ts';

export const CDA_PROFILE_DIR = fileURLToPath(new URL('../profiles/cda/', import.meta.url));
export const CDA_PREFIXES = { [CDA_NS]: 'hl7' } as const;

interface CdaValidators {
  xsd: XsdSchemaSet;
  schematron: CompiledSchematron;
}

let loading: Promise<CdaValidators> | undefined;
/** The XSD set and the compiled Schematron, read and compiled once per process. */
export function loadCdaValidators(): Promise<CdaValidators> {
  loading ??= Promise.all([loadXsdSchemaSet(`${CDA_PROFILE_DIR}giis-a001.xsd`), loadSchematron(`${CDA_PROFILE_DIR}giis-a001.sch`).then((s) => compileSchematron(s))])
    .then(([xsd, schematron]) => ({ xsd, schematron }))
    .catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  return loading;
}

const asRe07 = (f: Finding, es: string): Finding => ({
  ...f,
  ruleId: 'RE-07',
  message: { en: `${f.ruleId}: ${f.message.en.replace(/^XSD: /, '')}`, es: `${f.ruleId}: ${f.message.es ?? es}` },
});

function curpAttribute(root: Element | null): Attr | undefined {
  const role = child(child(root, 'recordTarget'), 'patientRole');
  for (let c = role?.firstChild; c; c = c.nextSibling) {
    const e = c as Element;
    if (c.nodeType === 1 && e.namespaceURI === CDA_NS && e.localName === 'id' && e.getAttribute('root') === OID.curp) return e.getAttributeNode('extension') ?? undefined;
  }
  return undefined;
}

function child(e: Element | null | undefined, local: string): Element | undefined {
  for (let c = e?.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).namespaceURI === CDA_NS && (c as Element).localName === local) return c as Element;
  return undefined;
}

/**
 * Blocking findings of a summary: XSD and Schematron (both run, so every defect shows), then — when `expectedCurp`
 * is given — RE-07.2, the CDA's CURP (root 2.16.840.1.113883.4.629) is the Bundle Patient's.
 */
export async function checkCdaSummary(xml: string | Buffer, expectedCurp?: string): Promise<Finding[]> {
  const parsed = parseXml(xml);
  const broken = parsed.findings.filter(isBlocking);
  if (!parsed.document || broken.length > 0) return broken.map((f) => asRe07(f, `El resumen CDA no es XML bien formado: ${f.message.en}`));
  const validators = await loadCdaValidators();
  const doc = { text: parsed.text, document: parsed.document };
  const [xsd = []] = await validateXsd([doc], validators.xsd, CDA_PREFIXES);
  const out = [
    ...xsd.filter(isBlocking).map((f) => asRe07(f, `Infracción del XSD GIIS-A001 de Sello: ${f.message.en.replace(/^XSD: /, '')}`)),
    ...validateSchematron(validators.schematron, doc, CDA_PREFIXES)
      .filter(isBlocking)
      .map((f) => asRe07(f, f.message.en)),
  ];
  if (expectedCurp === undefined) return out;
  const root = parsed.document.documentElement;
  const attr = curpAttribute(root?.namespaceURI === CDA_NS && root.localName === 'ClinicalDocument' ? root : null);
  const carried = attr?.value;
  if (carried !== expectedCurp) {
    const where = attr ? locate(attr as never, CDA_PREFIXES) : { location: '/hl7:ClinicalDocument/hl7:recordTarget/hl7:patientRole' };
    out.push({
      ruleId: 'RE-07',
      severity: 'error',
      code: 'value',
      location: where.location,
      locationKind: 'xpath',
      ...('position' in where && where.position ? { position: where.position } : {}),
      message: {
        es:
          carried === undefined
            ? `El resumen CDA no lleva CURP (id con root ${OID.curp}); el Bundle es de ${expectedCurp}.`
            : `La CURP del resumen CDA (${carried}) no es la del paciente del Bundle (${expectedCurp}).`,
        en:
          carried === undefined
            ? `The CDA summary carries no CURP (id with root ${OID.curp}); the Bundle is ${expectedCurp}'s.`
            : `The CDA summary's CURP (${carried}) is not the Bundle patient's (${expectedCurp}).`,
      },
    });
  }
  return out;
}

/** The XML a ResumenCdaMx DocumentReference carries (base64 in content[0].attachment.data), or undefined. */
export function summaryXml(documentReference: unknown): Buffer | undefined {
  const data = (documentReference as { content?: { attachment?: { data?: unknown } }[] } | undefined)?.content?.[0]?.attachment?.data;
  return typeof data === 'string' ? Buffer.from(data, 'base64') : undefined;
}
