/**
 * Judging the wire: every message a role sent in a scenario, on every leg, against its leg's profile and the rules
 * binding its sender — whatever the scenario set out to test. Sello's own calls (control APIs, parties `sello …`)
 * are not judged; what the roles answer them is.
 *
 * - a receiver's `$everything`: the consent and its own X-Institucion (RE-01); its kick-off's Accept and Prefer (RE-08);
 *   its polls' spacing against Retry-After (RE-09);
 * - imss-ece's record (record-leg.ts), kick-off, status and manifest, DELETE (bulk-leg.ts), files (files-leg.ts), and
 *   every refusal as an OperationOutcome 4xx (RE-14);
 * - ssa-pgs's padrón consulta (RE-03, pgs-leg.ts) and consents (ECE-PRF-CONSENT), refusals (RE-14).
 * Each finding names the role whose message it judges and the exchange it was judged on.
 */
import { isBlocking } from '../../../src/findings/finding.ts';
import type { ExchangeEntry } from '../../../src/journal/exchange.ts';
import { type EceRole, HEADER, INSTITUTION_OF, PATH, RECEIVER_ROLES, STIMULUS_HEADER } from '../lib/contract.ts';
import type { Beneficiario } from '../lib/record.ts';
import { judgeDeleteResponse, judgeKickoffRequest, judgeKickoffResponse, judgePollTiming, judgeStatusResponse } from './bulk-leg.ts';
import { eceValidator } from './fhir-check.ts';
import { type FileSummary, judgeExportFile } from './files-leg.ts';
import { fail, isRecord, type JudgedFinding, jsonBody, on, pathOf, queryOf, roleOfParty, type Verdict } from './judged.ts';
import { judgePadronAnswer } from './pgs-leg.ts';
import { judgeRecordAnswer, type RecordSummary } from './record-leg.ts';
import { judgeRefusal } from './refusal-leg.ts';
import type { PatientFacts } from './rules/index.ts';
import { type EceWireState, type ExportJob, newWireState, urlKey } from './wire-state.ts';

export interface EceWire extends EceWireState {
  /** The role the vendor's system plays in this run, if any: its answers are judged whatever they say of themselves. */
  sutRole?: EceRole;
  records: Map<string, RecordSummary>;
  fileSummaries: Map<string, FileSummary>;
  padron: Map<string, Beneficiario>;
  padronUnknown: Set<string>;
  patients: Map<string, PatientFacts>;
}

export const newEceWire = (): EceWire => ({ ...newWireState(), records: new Map(), fileSummaries: new Map(), padron: new Map(), padronUnknown: new Set(), patients: new Map() });

const isReceiver = (role: string | undefined): boolean => (RECEIVER_ROLES as readonly string[]).includes(role ?? '');
const PADRON = /^\/pgs\/v1\/beneficiarios\/([^/]+)$/;

/** The CURP a `$everything` asked for: its `identifier` (query or Parameters body). */
function curpAsked(x: ExchangeEntry): string | undefined {
  const fromQuery = queryOf(x.url).get('identifier');
  const body = jsonBody(x.request);
  const fromBody = isRecord(body) && Array.isArray(body.parameter) ? body.parameter.find((p) => isRecord(p) && p.name === 'identifier') : undefined;
  const identifier =
    fromQuery ??
    (isRecord(fromBody) ? (isRecord(fromBody.valueIdentifier) ? `${String(fromBody.valueIdentifier.system ?? '')}|${String(fromBody.valueIdentifier.value ?? '')}` : fromBody.valueString) : undefined);
  if (typeof identifier !== 'string') return undefined;
  const bar = identifier.lastIndexOf('|');
  return (bar < 0 ? identifier : identifier.slice(bar + 1)).trim().toUpperCase() || undefined;
}

/** RE-01: a receiver asks with a consent and says who it is. */
function judgeEverythingRequest(x: ExchangeEntry, role: Verdict['role']): JudgedFinding[] {
  const v: Verdict = { rule: 'RE-01', role, x, side: 'request' };
  const out: JudgedFinding[] = [];
  const body = jsonBody(x.request);
  const consentInBody = isRecord(body) && Array.isArray(body.parameter) && body.parameter.some((p) => isRecord(p) && p.name === 'consent');
  if (!queryOf(x.url).get('consent') && !consentInBody)
    out.push(
      fail(v, 'required', 'query:consent', 'El $everything no presenta el consentimiento del paciente (parámetro consent).', 'The $everything presents no patient consent (consent parameter).'),
    );
  const institution = x.request.headers[HEADER.institution];
  if (institution?.trim().toUpperCase() !== INSTITUTION_OF[role]) {
    out.push(
      fail(
        v,
        'value',
        'header:X-Institucion',
        `X-Institucion «${institution ?? ''}»; ${role} es ${INSTITUTION_OF[role]}.`,
        `X-Institucion "${institution ?? ''}"; ${role} is ${INSTITUTION_OF[role]}.`,
      ),
    );
  }
  return out;
}

/** What the wire tells of the padrón: Sello's registrations and the registry's answers. */
function learnPadron(x: ExchangeEntry, wire: EceWire): void {
  const path = pathOf(x.url);
  if (x.method === 'POST' && path.endsWith(`${PATH.control}${PATH.loadBeneficiario}`) && (x.status ?? 500) < 300) {
    const b = jsonBody(x.request);
    if (isRecord(b) && typeof b.curp === 'string') {
      wire.padron.set(b.curp, b as unknown as Beneficiario);
      wire.padronUnknown.delete(b.curp);
    }
  }
  const consulta = PADRON.exec(path);
  if (x.method === 'GET' && consulta) {
    const curp = decodeURIComponent(consulta[1]!);
    const body = jsonBody(x.response);
    if (x.status === 200 && isRecord(body) && isRecord(body.beneficiario)) wire.padron.set(curp, body.beneficiario as unknown as Beneficiario);
    if (x.status === 404 && !wire.padron.has(curp)) wire.padronUnknown.add(curp);
  }
}

function registerManifest(job: ExportJob, x: ExchangeEntry, wire: EceWire): void {
  const manifest = jsonBody(x.response);
  if (!isRecord(manifest)) return;
  job.manifest = { x, body: manifest };
  for (const kind of ['output', 'error'] as const) {
    const items = Array.isArray(manifest[kind]) ? (manifest[kind] as unknown[]) : [];
    for (const item of items) {
      if (!isRecord(item) || typeof item.url !== 'string' || typeof item.type !== 'string') continue;
      const key = urlKey(item.url, x.url);
      wire.files.set(key, { key, url: item.url, type: item.type, kind, ...(typeof item.count === 'number' ? { count: item.count } : {}), job });
    }
  }
}

async function judgeOne(x: ExchangeEntry, wire: EceWire): Promise<JudgedFinding[]> {
  learnPadron(x, wire);
  const path = pathOf(x.url);
  if (path.includes(PATH.control)) return [];
  const sender = roleOfParty(x.from);
  // Sello's own imss-ece answering with a planted stimulus is not imss-ece's conduct (never honoured from a SUT).
  const marked = x.response?.headers[STIMULUS_HEADER] !== undefined;
  const responder = marked && wire.sutRole !== 'imss-ece' ? undefined : roleOfParty(x.to);
  const out: JudgedFinding[] = [];
  if (responder && x.observedBy !== undefined) out.push(...judgeRefusal(x, responder));
  const key = urlKey(x.url);
  if (path.endsWith('/$everything')) {
    if (isReceiver(sender)) out.push(...judgeEverythingRequest(x, sender!));
    if (responder === 'imss-ece' && x.status === 200) {
      const curp = curpAsked(x);
      const padron = curp ? (wire.padron.get(curp) ?? (wire.padronUnknown.has(curp) ? 'unknown' : undefined)) : undefined;
      const { findings, summary } = await judgeRecordAnswer(x, responder, { curpAsked: curp, padron });
      wire.records.set(x.id, summary);
      out.push(...findings);
    }
  } else if (path.endsWith('/Patient/$export')) {
    if (isReceiver(sender)) out.push(...judgeKickoffRequest(x, sender!));
    if (responder === 'imss-ece') out.push(...judgeKickoffResponse(x, responder));
    const location = x.response?.headers['content-location'];
    if (x.status === 202 && location) wire.jobs.set(urlKey(location, x.url), { statusKey: urlKey(location, x.url), kickoff: x, requestedAt: new Date(x.startedAt), polls: [], pollsJudged: 0 });
  } else if (wire.jobs.has(key)) {
    const job = wire.jobs.get(key)!;
    if (x.method === 'DELETE') {
      if (responder === 'imss-ece') out.push(...judgeDeleteResponse(x, responder));
      if (x.status !== undefined && x.status < 300) job.deletedAt ??= Date.parse(x.finishedAt);
    } else if (x.method === 'GET') {
      job.polls.push({ x, role: sender });
      if (responder === 'imss-ece') out.push(...judgeStatusResponse(x, responder, job));
      if (x.status === 200) registerManifest(job, x, wire);
    }
  } else if (wire.files.has(key) && x.method === 'GET') {
    const file = wire.files.get(key)!;
    if (responder === 'imss-ece' && x.status === 200) {
      const { findings, summary } = await judgeExportFile(x, responder, file, { patients: wire.patients, padronUnknown: wire.padronUnknown });
      wire.fileSummaries.set(x.id, summary);
      out.push(...findings);
    }
  } else if (PADRON.test(path) && responder === 'ssa-pgs') {
    out.push(...judgePadronAnswer(x, responder));
  } else if (path.startsWith('/fhir/Consent') && responder === 'ssa-pgs' && x.status === 200) {
    out.push(...judgeConsents(x, responder));
  }
  return out;
}

/** ECE-PRF-CONSENT: a consent read, or each consent of a search, against ConsentimientoMx. */
function judgeConsents(x: ExchangeEntry, role: Verdict['role']): JudgedFinding[] {
  const body = jsonBody(x.response);
  const consents = isRecord(body) && body.resourceType === 'Bundle' ? (Array.isArray(body.entry) ? body.entry : []).map((e) => (isRecord(e) ? e.resource : undefined)) : [body];
  return on(
    { role, x, side: 'response' },
    consents.flatMap((c) => (isRecord(c) && c.resourceType === 'Consent' ? eceValidator().validate(c).filter(isBlocking) : [])),
  );
}

/** Judges the exchanges not judged yet, in order; returns their findings (warnings included). */
export async function judgeWire(exchanges: readonly ExchangeEntry[], wire: EceWire): Promise<JudgedFinding[]> {
  const out: JudgedFinding[] = [];
  for (const x of exchanges) {
    if (wire.judged.has(x.id)) continue;
    wire.judged.add(x.id);
    out.push(...(await judgeOne(x, wire)));
  }
  for (const job of wire.jobs.values()) out.push(...judgePollTiming(job));
  return out;
}

export const findingKey = (f: JudgedFinding): string => `${f.ruleId}|${f.exchangeId ?? ''}|${f.side ?? ''}|${f.location}|${f.message.en}`;
