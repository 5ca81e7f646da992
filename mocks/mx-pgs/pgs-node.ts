import { randomUUID } from 'node:crypto';
import type Hapi from '@hapi/hapi';
import type { Finding } from '../../src/findings/finding.ts';
import { isBlocking } from '../../src/findings/finding.ts';
import type { Acuse, Beneficiario, EventoIndice, Institucion, Operacion } from '../../src/programs/mx-pgs/types.ts';
import { INSTITUCIONES } from '../../src/programs/mx-pgs/types.ts';
import { evaluatePgsRules } from '../../src/programs/mx-pgs/rules/index.ts';
import { checkWellFormed } from '../../src/programs/mx-pgs/rules/rn-10-mensaje-bien-formado.ts';
import { acuseForCode, buildAcuse } from '../../src/programs/mx-pgs/acuse.ts';
import type { FaultSet } from '../kernel/faults.ts';
import { IdempotencyCache } from '../kernel/idempotency.ts';
import type { TokenAuthority } from '../kernel/oauth.ts';
import { Padron } from './padron.ts';

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
type Reply = { status: number; body: Record<string, unknown> & { acuse: Acuse } };

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
    const raw = { payload: { parse: false as const, output: 'data' as const, allow: ['application/json'], failAction: 'error' as const } };
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
    const token = this.options.tokens.verify(header(request, 'authorization'));
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

  #respond(h: Hapi.ResponseToolkit, reply: Reply): Hapi.ResponseObject {
    if (this.options.faults.has('echo-wrong-message-id')) reply.body.acuse.messageId = randomUUID();
    return h.response(reply.body).code(reply.status).header('x-message-id', reply.body.acuse.messageId);
  }

  #write(request: Hapi.Request, h: Hapi.ResponseToolkit, operation: Operacion): Hapi.ResponseObject {
    const caller = this.authorize(request, true);
    if ('status' in caller) return this.#respond(h, caller);
    const payload = Buffer.isBuffer(request.payload) ? request.payload : Buffer.alloc(0);
    const bodyHash = IdempotencyCache.hash(Buffer.concat([Buffer.from(`${request.method} ${request.path}\n`), payload]));
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
    const parsed = checkWellFormed(payload, schemaId);
    if (parsed.findings.some(isBlocking)) return { status: 400, body: { acuse: buildAcuse(caller.messageId, parsed.findings) } };

    const record = operation === 'baja' ? undefined : (parsed.value as Beneficiario);
    const findings = this.#withoutSkippedRules(
      evaluatePgsRules({
        operation,
        institucion: this.options.institucion,
        ...(record ? { record } : {}),
        ...(pathCurp ? { pathCurp } : {}),
        ...(operation === 'baja' ? { baja: parsed.value as { motivo: string; fechaBaja: string } } : {}),
        padron: this.padron,
        today: this.options.today(),
      }),
    );
    const acuse = buildAcuse(caller.messageId, findings);
    if (acuse.estatus === 'RECHAZADO') {
      const notFound = findings.some((f) => isBlocking(f) && f.code === 'not-found');
      return { status: notFound ? 404 : 422, body: { acuse } };
    }

    if (operation === 'baja' && !this.padron.byCurp(pathCurp ?? '')) {
      // Only reachable when RN-05 is switched off as a planted defect; the node still must not crash.
      return { status: 404, body: { acuse: acuseForCode(caller.messageId, 'PGS-404', 'path:curp', 'CURP no registrada en el padrón') } };
    }
    const stored = operation === 'baja' ? this.#baja(pathCurp!, parsed.value as { fechaBaja: string }) : record!;
    if (operation !== 'baja') this.padron.put(stored);
    this.#report(operation, stored);
    return { status: operation === 'alta' ? 201 : 200, body: { acuse, beneficiario: stored } };
  }

  #baja(curp: string, body: { fechaBaja: string }): Beneficiario {
    const current = structuredClone(this.padron.byCurp(curp)!);
    current.afiliacion.estatus = 'BAJA';
    current.afiliacion.vigenciaFin = body.fechaBaja;
    this.padron.put(current);
    return current;
  }

  #report(operation: Operacion, record: Beneficiario): void {
    if (this.options.faults.has('skip-index-notification')) return;
    const evento = operation === 'alta' ? 'ALTA' : operation === 'baja' ? 'BAJA' : 'ACTUALIZACION';
    const { afiliacion } = record;
    this.options.reportChange({
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

  /** Planted defects `skip-RN-0x` make the reference node blind to one rule. */
  #withoutSkippedRules(findings: Finding[]): Finding[] {
    return findings.filter((f) => !this.options.faults.has(`skip-${f.ruleId}`));
  }

  #read(request: Hapi.Request, h: Hapi.ResponseToolkit, operation: 'consulta' | 'busqueda'): Hapi.ResponseObject {
    const caller = this.authorize(request, false);
    if ('status' in caller) return this.#respond(h, caller);
    if (operation === 'consulta') {
      const record = this.padron.byCurp(String(request.params.curp));
      if (!record) {
        return this.#respond(h, { status: 404, body: { acuse: acuseForCode(caller.messageId, 'PGS-404', 'path:curp', 'CURP no registrada en el padrón') } });
      }
      return this.#respond(h, { status: 200, body: { acuse: buildAcuse(caller.messageId, []), beneficiario: record } });
    }
    const query = request.query as Record<string, string | string[] | undefined>;
    const criteria = { curp: query.curp, nss: query.nss, apellido1: query.apellido1, fechaNacimiento: query.fechaNacimiento };
    const unknown = Object.keys(query).filter((name) => !(name in criteria));
    const repeated = Object.keys(query).filter((name) => Array.isArray(query[name]));
    if (unknown.length > 0 || repeated.length > 0 || Object.values(criteria).every((v) => !v)) {
      const campo = unknown[0] ?? repeated[0] ? `query:${unknown[0] ?? repeated[0]}` : '';
      const mensaje = repeated.length && !unknown.length
        ? `el parámetro ${repeated[0]} va repetido`
        : 'búsqueda sin criterio válido (curp, nss, apellido1, fechaNacimiento)';
      return this.#respond(h, { status: 400, body: { acuse: acuseForCode(caller.messageId, 'PGS-110', campo, mensaje) } });
    }
    const resultados = this.padron.search(
      Object.fromEntries(Object.entries(criteria).filter(([, v]) => typeof v === 'string' && v)) as Parameters<Padron['search']>[0],
    );
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
