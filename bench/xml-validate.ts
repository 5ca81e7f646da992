/**
 * Time to validate XML with Sello's XML engine: XSD (libxml2-wasm, in process) and Schematron (SaxonJS), one document and 1,000.
 * `node --import tsx bench/xml-validate.ts [--docs 1000] [--targets 40]`. The documents are synthetic CDA-like
 * documents valid against test/xml/fixtures/cda-mini.xsd, grown to a SEMD's size by repeating recordTarget (each
 * with 3 ids); every tenth one carries a planted defect so that both engines report something. Prints JSON.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseXml } from '../src/xml/dom.ts';
import { compileSchematron, loadSchematron, validateSchematron } from '../src/xml/schematron.ts';
import { createXmlValidator } from '../src/xml/validate-xml.ts';
import { loadXsdSchemaSet, validateXsd } from '../src/xml/xsd.ts';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '1000' }, targets: { type: 'string', default: '40' } } });
const DOCS = Number(values.docs);
const TARGETS = Number(values.targets);
const FIXTURES = join(import.meta.dirname, '..', 'test', 'xml', 'fixtures');

function documentText(n: number): string {
  const defect = n % 10 === 9;
  const targets = Array.from({ length: TARGETS }, (_, t) => {
    const ids = [0, 1, 2].map((k) => `      <id root="${defect && t === 0 && k === 1 ? 'not-an-oid' : `1.2.3.4.${7 + k}`}" extension="P-${n}-${t}-${k}"/>`).join('\n');
    return `  <recordTarget>\n    <patientRole>\n${ids}\n    </patientRole>\n  </recordTarget>`;
  }).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <id root="1.2.3.4.5" extension="DOC-${n}"/>
  <code code="${defect ? '195' : '194'}" codeSystem="1.2.3.4.6" displayName="Медицинское заключение"/>
  <effectiveTime value="20260115103000+0300"/>
${targets}
</ClinicalDocument>
`;
}

const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const texts = Array.from({ length: DOCS }, (_, i) => documentText(i));
let t = process.hrtime.bigint();
const parsed = texts.map((text) => {
  const p = parseXml(text);
  if (!p.document) throw new Error(`synthetic document not well-formed: ${JSON.stringify(p.findings)}`);
  return { text, document: p.document };
});
const parseAll = ms(t);

const schema = await loadXsdSchemaSet(join(FIXTURES, 'cda-mini.xsd'));
const xsdOne: number[] = [];
for (let i = 0; i < 5; i++) {
  t = process.hrtime.bigint();
  await validateXsd([parsed[0] as (typeof parsed)[0]], schema);
  xsdOne.push(ms(t));
}
t = process.hrtime.bigint();
const xsdFindings = await validateXsd(parsed, schema);
const xsdAll = ms(t);

const cacheDir = await mkdtemp(join(tmpdir(), 'sello-bench-sef-'));
const sch = await loadSchematron(join(FIXTURES, 'cda-mini.sch'));
t = process.hrtime.bigint();
const compiled = await compileSchematron(sch, { cacheDir });
const schCompile = ms(t);
const schOne: number[] = [];
for (let i = 0; i < 5; i++) {
  t = process.hrtime.bigint();
  validateSchematron(compiled, parsed[0] as (typeof parsed)[0]);
  schOne.push(ms(t));
}
t = process.hrtime.bigint();
let schFindings = 0;
for (const d of parsed) schFindings += validateSchematron(compiled, d).length;
const schAll = ms(t);

t = process.hrtime.bigint();
const validator = await createXmlValidator({ xsd: join(FIXTURES, 'cda-mini.xsd'), schematron: join(FIXTURES, 'cda-mini.sch'), sefCacheDir: cacheDir });
const pipelineResults = await validator.validate(texts);
const pipelineAll = ms(t);
await rm(cacheDir, { recursive: true, force: true });

console.log(
  JSON.stringify(
    {
      documents: DOCS,
      bytesPerDocument: Buffer.byteLength(texts[0] as string),
      elementsPerDocument: 4 + TARGETS * 5,
      parseMs: { all: Math.round(parseAll) },
      xsd: { oneDocumentMs: Math.round(median(xsdOne)), allDocumentsMs: Math.round(xsdAll), findings: xsdFindings.flat().length },
      schematron: {
        compileMs: Math.round(schCompile),
        oneDocumentMs: Number(median(schOne).toFixed(1)),
        allDocumentsMs: Math.round(schAll),
        findings: schFindings,
      },
      pipeline: { allDocumentsMs: Math.round(pipelineAll), findings: pipelineResults.flat().length },
      node: process.version,
    },
    null,
    2,
  ),
);
