import { randomUUID } from 'node:crypto';
import type Hapi from '@hapi/hapi';
import type { Finding } from '../../../src/findings/finding.ts';
import { isBlocking } from '../../../src/findings/finding.ts';
import type { FaultSet } from '../../../src/mock/faults.ts';
import { IdempotencyCache } from '../../../src/mock/idempotency.ts';
import { JSON_DEPTH_CHECKED_BY_HANDLER, jsonTextResponse, markUnauthenticated, payloadTooDeep } from '../../../src/mock/mock-server.ts';
import type { TokenAuthority } from '../../../src/mock/oauth.ts';
import { TOO_DEEP_MESSAGE } from '../../../src/util/json-depth.ts';
import { evaluatePgsRules } from '../judges/rules/index.ts';
import { checkWellFormed } from '../judges/rules/rn-10-mensaje-bien-formado.ts';
import { acuseForCode, buildAcuse } from '../lib/acuse.ts';
import type { Acuse, Beneficiario, EventoIndice, Institucion, Operacion } from '../lib/types.ts';
import { INSTITUCIONES } from '../lib/types.ts';
import { Padron } from './padron.ts';
import { faultyParse, faultyRuleFindings } from './planted-faults.ts';

export const PGS_BASE_PATH = '/pgs/v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export interface PgsNodeOptions {
  institucion: Institucion;
  tokens: TokenAuthority;
  faults: FaultSet;
  today: () => string;
  /** Where state changes go (RN-09): the SSA index in-process, or an IndexNotifier over HTTP. */
  reportChange: (event: EventoIndice) => void;
}

type Caller = { party: Institucion; messageId: string };
/** `beneficiarioJson`: the text of `body.beneficiario` when it is a stored record as it is (Padron.jsonOf). */
type Reply = { status: number; body: Record<string, unknown> & { acuse: Acuse }; beneficiarioJson?: string };

/**
 * The reference behaviour of one PGS node (IMSS, ISSSTE or SSA): the contract of mx-pgs.md, checked in this order —
 * token (401), headers and institution (400/403), idempotency (replay/409), well-formed body (RN-10, 400),
 * business rules (422/404), then the state change and its report to the central index.
 */
export class PgsNode {
  readonly padron = new Padron();
  readonly #idempotency = new IdempotencyCache();

  constructor(private readonly options: PgsNodeOptions) {}

  register(server: Hapi.Server): void {
    // Depth is checked after the token, as the contract orders it: 401, 403, then 400.
    const raw = { payload: { parse: false as const, output: 'data' as const, allow: ['application/json'], failAction: 'error' as const }, app: JSON_DEPTH_CHECKED_BY_HANDLER };
    server.route([
      { method: 'POST', path: `${PGS_BASE_PATH}/beneficiarios`, options: raw, handler: (r, h) => this.#write(r, h, 'alta') },
      { method: 'PUT', path: `${PGS_BASE_PATH}/beneficiarios/{curp}`, options: raw, handler: (r, h) => this.#write(r, h, 'actualizacion') },
      { method: 'POST', path: `${PGS_BASE_PATH}/beneficiarios/{curp}/baja`, options: raw, handler: (r, h) => this.#write(r, h, 'baja') },
      { method: 'GET', path: `${PGS_BASE_PATH}/beneficiarios/{curp}`, handler: (r, h) => this.#read(r, h, 'consulta') },
      { method: 'GET', path: `${PGS_BASE_PATH}/beneficiarios`, handler: (r, h) => this.#read(r, h, 'busqueda') },
    ]);
  }

  /** Authenticates and checks the common headers; returns the caller or the error reply. */
  authorize(request: Hapi.Request, write: boolean): Caller | Reply {
    const headerMessageId = header(request, 'x-message-id');
    const replyId = headerMessageId && UUID.test(headerMessageId) ? headerMessageId : randomUUID();
    const faults = this.options.faults;
    const authorization = header(request, 'authorization');
    const verified = this.options.tokens.verify(authorization);
    // Planted: no token at all is taken as the node's own back office; any Bearer is trusted for the institution it claims.
    const claimed = (header(request, 'x-institucion') ?? this.options.institucion) as Institucion;
    const token =
      !verified.ok && !authorization && faults.has('no-token-accepted')
        ? { ok: true as const, party: this.options.institucion }
        : !verified.ok && /^Bearer\s+\S+$/i.test(authorization ?? '') && faults.has('accept-any-bearer')
          ? { ok: true as const, party: claimed }
          : verified;
    if (!token.ok) return { status: 401, body: { acuse: acuseForCode(replyId, 'PGS-401', 'Authorization', token.reason) } };
    const institucion = header(request, 'x-institucion');
    // Contract v1.1 order: 401, then 403 (a header naming another institution than the token's, a foreign write), then
    // 400. A header naming no institution at all (PEMEX) is malformed: 400, which the order also allows.
    if (INSTITUCIONES.includes(institucion as Institucion) && institucion !== token.party && !this.options.faults.has('trust-x-institucion')) {
      return { status: 403, body: { acuse: acuseForCode(replyId, 'PGS-403', 'X-Institucion', 'X-Institucion no corresponde al token') } };
    }
    if (write && token.party !== this.options.institucion && !this.options.faults.has('allow-foreign-writes')) {
      return {
        status: 403,
        body: { acuse: acuseForCode(replyId, 'PGS-403', 'Authorization', `solo ${this.options.institucion} escribe en su padrón`) },
      };
    }
    const headerFindings: Finding[] = [];
    if (!headerMessageId || !UUID.test(headerMessageId)) headerFindings.push(headerFinding('X-Message-Id', 'un UUID', 'a UUID'));
    if (!institucion || !INSTITUCIONES.includes(institucion as Institucion)) {
      headerFindings.push(headerFinding('X-Institucion', 'IMSS, ISSSTE o SSA', 'IMSS, ISSSTE or SSA'));
    }
    if (headerFindings.length > 0) return { status: 400, body: { acuse: buildAcuse(replyId, headerFindings) } };
    return { party: token.party as Institucion, messageId: replyId };
  }

  /**
   * The answer to a caller `authorize` turned away. A 401/403 body is a stranger's upload, so the journal leaves it out;
   * the central index's route keeps it, as the wire judge ties an index event to its scenario by the body's CURP.
   */
  #refuse(request: Hapi.Request, h: Hapi.ResponseToolkit, reply: Reply): Hapi.ResponseObject {
    markUnauthenticated(request);
    return this.#respond(h, reply);
  }

  #respond(h: Hapi.ResponseToolkit, reply: Reply): Hapi.ResponseObject {
    const faults = this.options.faults;
    if (faults.has('echo-wrong-message-id')) reply.body.acuse.messageId = randomUUID();
    if (faults.has('not-found-as-200') && reply.status === 404) reply.status = 200;
    // A consulta's record goes out as the text the padrón keeps of it: the same bytes hapi would write for the body.
    const json = reply.beneficiarioJson;
    const answer = json !== undefined ? jsonTextResponse(h, `{"acuse":${JSON.stringify(reply.body.acuse)},"beneficiario":${json}}`) : h.response(reply.body);
    const response = answer.code(reply.status).header('x-message-id', reply.body.acuse.messageId);
    return faults.has('latin1-charset') ? response.type('application/json; charset=iso-8859-1') : response;
  }

  #write(request: Hapi.Request, h: Hapi.ResponseToolkit, operation: Operacion): Hapi.ResponseObject {
    const payload = Buffer.isBuffer(request.payload) ? request.payload : Buffer.alloc(0);
    const faults = this.options.faults;
    const caller = this.authorize(request, true);
    // Planted: the body is validated before the token (400 before 401) or before the authorisation (400 before 403).
    if (('status' in caller && caller.status === 401 && faults.has('validate-before-auth')) || ('status' in caller && caller.status === 403 && faults.has('validate-before-authorization'))) {
      const parsed = checkWellFormed(payload, operation === 'baja' ? 'baja' : 'beneficiario');
      if (parsed.findings.some(isBlocking)) return this.#respond(h, { status: 400, body: { acuse: buildAcuse(caller.body.acuse.messageId, parsed.findings) } });
    }
    if ('status' in caller) return this.#refuse(request, h, caller);
    if (payloadTooDeep(request)) return this.#respond(h, { status: 400, body: { acuse: acuseForCode(caller.messageId, 'PGS-110', '', TOO_DEEP_MESSAGE) } });
    const hashed = faults.has('replay-ignores-body') ? Buffer.alloc(0) : payload;
    const bodyHash = IdempotencyCache.hash(Buffer.concat([Buffer.from(`${request.method} ${request.path}\n`), hashed]));
    const decision = this.options.faults.has('ignore-idempotency') ? { kind: 'new' as const } : this.#idempotency.decide(caller.messageId, bodyHash);
    if (decision.kind === 'replay') return this.#respond(h, structuredClone(decision.response) as Reply);
    if (decision.kind === 'conflict') {
      return this.#respond(h, {
        status: 409,
        body: { acuse: acuseForCode(caller.messageId, 'PGS-409', 'X-Message-Id', 'X-Message-Id ya usado con otro contenido') },
      });
    }
    const reply = this.#applyWrite(request, operation, caller, payload);
    // Only completed answers are remembered: a retry after a 5xx must be processed again.
    if (reply.status < 500) this.#idempotency.remember(caller.messageId, bodyHash, structuredClone(reply));
    return this.#respond(h, reply);
  }

  #applyWrite(request: Hapi.Request, operation: Operacion, caller: Caller, payload: Buffer): Reply {
    const pathCurp = typeof request.params.curp === 'string' ? request.params.curp : undefined;
    const schemaId = operation === 'baja' ? 'baja' : 'beneficiario';
    const parsed = faultyParse(this.options.faults, payload, schemaId);
    if (parsed === 'crash') return { status: 500, body: { acuse: acuseForCode(caller.messageId, 'PGS-500', '', 'error interno') } };
    if (parsed.findings.some(isBlocking)) return { status: 400, body: { acuse: buildAcuse(caller.messageId, parsed.findings) } };

    const record = operation === 'baja' ? undefined : (parsed.value as Beneficiario);
    const faults = this.options.faults;
    if (operation === 'actualizacion' && faults.has('upsert-on-update') && !this.padron.byCurp(pathCurp ?? '')) operation = 'alta';
    const findings = faultyRuleFindings(
      faults,
      evaluatePgsRules({
        operation,
        institucion: this.options.institucion,
        ...(record ? { record } : {}),
        ...(pathCurp ? { pathCurp } : {}),
        ...(operation === 'baja' ? { baja: parsed.value as { motivo: string; fechaBaja: string } } : {}),
        padron: this.padron,
        today: this.options.today(),
      }),
      { operation, ...(record ? { record } : {}), ...(pathCurp ? { pathCurp } : {}), padron: this.padron },
    );
    const acuse = buildAcuse(caller.messageId, findings);
    if (acuse.estatus === 'RECHAZADO') {
      const notFound = findings.some((f) => isBlocking(f) && f.code === 'not-found');
      if (notFound && operation === 'baja' && faults.has('baja-unknown-accepted')) return { status: 200, body: { acuse: buildAcuse(caller.messageId, []) } };
      return { status: notFound ? 404 : faults.has('business-refusal-400') ? 400 : 422, body: { acuse } };
    }

    if (operation === 'baja' && !this.padron.byCurp(pathCurp ?? '')) {
      // Only reachable when RN-05 is switched off as a planted defect; the node still must not crash.
      return { status: 404, body: { acuse: acuseForCode(caller.messageId, 'PGS-404', 'path:curp', 'CURP no registrada en el padrón') } };
    }
    const lost = (operation === 'actualizacion' && faults.has('update-not-persisted')) || (operation === 'baja' && faults.has('baja-keeps-vigente'));
    const stored = operation === 'baja' ? this.#baja(pathCurp!, parsed.value as { fechaBaja: string }, lost) : record!;
    if (operation !== 'baja' && !lost) this.padron.put(stored);
    this.#report(operation, stored);
    const status = operation === 'alta' && !faults.has('alta-200') ? 201 : 200;
    // A node MAY add the stored record beside the acuse (v1.1); `bare-acuse` is the other allowed reading, not a defect.
    return { status, body: faults.has('bare-acuse') ? { acuse } : { acuse, beneficiario: stored } };
  }

  #baja(curp: string, body: { fechaBaja: string }, lost = false): Beneficiario {
    const current = structuredClone(this.padron.byCurp(curp)!);
    current.afiliacion.estatus = 'BAJA';
    current.afiliacion.vigenciaFin = body.fechaBaja;
    if (!lost) this.padron.put(current);
    return current;
  }

  #report(operation: Operacion, record: Beneficiario): void {
    const faults = this.options.faults;
    if (faults.has('skip-index-notification')) return;
    if ((operation === 'baja' && faults.has('no-event-on-baja')) || (operation === 'actualizacion' && faults.has('no-event-on-update'))) return;
    const evento = operation === 'alta' ? 'ALTA' : operation === 'baja' ? 'BAJA' : 'ACTUALIZACION';
    const { afiliacion } = record;
    const delayMs = faults.numberParam('late-index-event', 0);
    const report = (event: EventoIndice) => (delayMs > 0 ? setTimeout(() => this.options.reportChange(event), delayMs).unref() : this.options.reportChange(event));
    report({
      evento,
      institucion: this.options.institucion,
      curp: record.curp,
      ...(record.curpAnterior ? { curpAnterior: record.curpAnterior } : {}),
      tipo: afiliacion.tipo,
      estatus: afiliacion.estatus,
      vigenciaInicio: afiliacion.vigenciaInicio,
      ...(afiliacion.vigenciaFin ? { vigenciaFin: afiliacion.vigenciaFin } : {}),
      nombre: record.nombre,
      primerApellido: record.primerApellido,
      segundoApellido: record.segundoApellido,
      fechaNacimiento: record.fechaNacimiento,
      sexo: record.sexo,
      ocurridoEn: new Date().toISOString(),
    });
  }

  #read(request: Hapi.Request, h: Hapi.ResponseToolkit, operation: 'consulta' | 'busqueda'): Hapi.ResponseObject {
    const caller = this.authorize(request, false);
    if ('status' in caller) return this.#refuse(request, h, caller);
    if (this.options.faults.has('reads-own-institution-only') && caller.party !== this.options.institucion) {
      return this.#respond(h, { status: 403, body: { acuse: acuseForCode(caller.messageId, 'PGS-403', 'Authorization', `solo ${this.options.institucion} lee su padrón`) } });
    }
    if (operation === 'consulta') {
      const record = this.padron.byCurp(String(request.params.curp));
      if (!record) {
        return this.#respond(h, { status: 404, body: { acuse: acuseForCode(caller.messageId, 'PGS-404', 'path:curp', 'CURP no registrada en el padrón') } });
      }
      // Two equal surnames swapped look the same: the planted defect must still show, so the second becomes XX then.
      const shown = this.options.faults.has('consulta-swaps-apellidos')
        ? { ...record, primerApellido: record.segundoApellido, segundoApellido: record.primerApellido === record.segundoApellido ? 'XX' : record.primerApellido }
        : record;
      const json = shown === record ? this.padron.jsonOf(record.curp) : undefined;
      return this.#respond(h, { status: 200, body: { acuse: buildAcuse(caller.messageId, []), beneficiario: shown }, ...(json === undefined ? {} : { beneficiarioJson: json }) });
    }
    const faults = this.options.faults;
    const query = request.query as Record<string, string | string[] | undefined>;
    const criteria = { curp: query.curp, nss: faults.has('busqueda-nss-ignored') ? undefined : query.nss, apellido1: query.apellido1, fechaNacimiento: query.fechaNacimiento };
    const nssIgnored = faults.has('busqueda-nss-ignored') && typeof query.nss === 'string' && Object.keys(query).length === 1;
    if ((faults.has('busqueda-without-criteria-lists-all') && Object.keys(query).length === 0) || nssIgnored) {
      return this.#respond(h, { status: 200, body: { acuse: buildAcuse(caller.messageId, []), resultados: this.padron.search({}) } });
    }
    if (faults.has('busqueda-nss-ignored')) delete query.nss;
    const unknown = Object.keys(query).filter((name) => !(name in criteria));
    const repeated = Object.keys(query).filter((name) => Array.isArray(query[name]));
    if (unknown.length > 0 || repeated.length > 0 || Object.values(criteria).every((v) => !v)) {
      const campo = (unknown[0] ?? repeated[0]) ? `query:${unknown[0] ?? repeated[0]}` : '';
      const mensaje = repeated.length && !unknown.length ? `el parámetro ${repeated[0]} va repetido` : 'búsqueda sin criterio válido (curp, nss, apellido1, fechaNacimiento)';
      return this.#respond(h, { status: 400, body: { acuse: acuseForCode(caller.messageId, 'PGS-110', campo, mensaje) } });
    }
    const given = Object.fromEntries(Object.entries(criteria).filter(([, v]) => typeof v === 'string' && v)) as Parameters<Padron['search']>[0];
    // Planted: criteria OR-ed, BAJA records hidden, other institutions shown nothing.
    let resultados = faults.has('busqueda-or')
      ? [
          ...new Map(
            Object.entries(given)
              .flatMap(([k, v]) => this.padron.search({ [k]: v }))
              .map((r) => [r.curp, r]),
          ).values(),
        ]
      : this.padron.search(given);
    if (faults.has('busqueda-only-vigente')) resultados = resultados.filter((r) => r.afiliacion.estatus === 'VIGENTE');
    if (faults.has('busqueda-hidden-from-others') && caller.party !== this.options.institucion) resultados = [];
    return this.#respond(h, { status: 200, body: { acuse: buildAcuse(caller.messageId, []), resultados } });
  }
}

function header(request: Hapi.Request, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function headerFinding(name: string, expectedEs: string, expectedEn: string): Finding {
  return {
    ruleId: 'RN-10',
    severity: 'error',
    code: 'required',
    location: `header:${name}`,
    locationKind: 'http',
    message: { es: `La cabecera ${name} es obligatoria y debe ser ${expectedEs}`, en: `Header ${name} is required and must be ${expectedEn}` },
  };
}
