import type Hapi from '@hapi/hapi';
import { isBlocking } from '../../../src/findings/finding.ts';
import { FaultSet } from '../../../src/mock/faults.ts';
import { JSON_DEPTH_CHECKED_BY_HANDLER, payloadTooDeep } from '../../../src/mock/mock-server.ts';
import { TOO_DEEP_MESSAGE } from '../../../src/util/json-depth.ts';
import { classifyCoverage } from '../judges/rules/index.ts';
import { checkWellFormed } from '../judges/rules/rn-10-mensaje-bien-formado.ts';
import { acuseForCode, buildAcuse } from '../lib/acuse.ts';
import type { ConfrontaIndex, PersonaIndice } from '../lib/confronta/match.ts';
import type { AlertaIndice, EstatusAfiliacion, EventoIndice, Institucion, TipoAfiliacion } from '../lib/types.ts';
import { CurpFilter } from './curp-filter.ts';
import { PGS_BASE_PATH, type PgsNode } from './pgs-node.ts';

export interface AfiliacionIndice {
  institucion: Institucion;
  tipo: TipoAfiliacion;
  estatus: EstatusAfiliacion;
  vigenciaInicio: string;
  vigenciaFin?: string;
  actualizadoEn: string;
}

/** One CURP in the index: its coverage and the identity each institution reported, found with one lookup. */
interface EntradaIndice {
  afiliaciones: Map<Institucion, AfiliacionIndice>;
  /** Kept apart from the afiliaciones so the consulta-indice answer keeps its shape; read by the batch confronta. */
  personas: Map<Institucion, PersonaIndice>;
}

/**
 * The SSA central PGS index: who is affiliated where, fed by every node's state changes (RN-09), flagging
 * double coverage (RN-08). Flags are reported, never used to reject: the convenio asks for confronta, not refusal.
 */
export class CentralIndex implements ConfrontaIndex {
  readonly #byCurp = new Map<string, EntradaIndice>();
  /** Lets the confronta skip the Map for CURPs the index has never heard of, which is most padrón lines. */
  readonly #known = new CurpFilter(() => this.#byCurp.keys());

  constructor(private readonly faults: FaultSet = new FaultSet()) {}

  apply(event: EventoIndice): void {
    let entry = this.#byCurp.get(event.curp);
    if (!entry) {
      entry = { afiliaciones: new Map(), personas: new Map() };
      this.#byCurp.set(event.curp, entry);
      this.#known.add(event.curp);
    }
    entry.afiliaciones.set(event.institucion, {
      institucion: event.institucion,
      tipo: event.tipo,
      estatus: event.estatus,
      vigenciaInicio: event.vigenciaInicio,
      ...(event.vigenciaFin ? { vigenciaFin: event.vigenciaFin } : {}),
      actualizadoEn: new Date().toISOString(),
    });
    const { nombre, primerApellido, segundoApellido, fechaNacimiento } = event;
    entry.personas.set(event.institucion, { nombre, primerApellido, segundoApellido, fechaNacimiento });
  }

  /** The identity each institution last reported for a CURP (MISMA_CURP_DATOS_DISTINTOS compares with it). */
  personas(curp: string): ReadonlyMap<Institucion, PersonaIndice> | undefined {
    return this.#byCurp.get(curp)?.personas;
  }

  /** What the batch confronta reads of a CURP: one lookup a padrón line, and most lines are not in the index. */
  lookup(curp: string): EntradaIndice | undefined {
    return this.#known.mayHave(curp) ? this.#byCurp.get(curp) : undefined;
  }

  /** False only when no institution reported the CURP in b[from, to): the confronta asks this before any string. */
  mayHoldCurp(b: Uint8Array, from: number, to: number): boolean {
    return this.#known.mayHaveBytes(b, from, to);
  }

  consult(curp: string): { afiliaciones: AfiliacionIndice[]; alertas: AlertaIndice[] } | undefined {
    const affiliations = this.#byCurp.get(curp)?.afiliaciones;
    if (!affiliations) return undefined;
    const afiliaciones = [...affiliations.values()];
    // Planted: an index that reads every affiliation as current, or never raises one of the two alerts.
    const judged = this.faults.has('alerts-ignore-baja') ? afiliaciones.map((a) => ({ ...a, estatus: 'VIGENTE' as const })) : afiliaciones;
    const alertas = classifyCoverage(judged).filter((a) => !this.faults.has(a === 'DOBLE_AFILIACION' ? 'no-doble-afiliacion' : 'no-duplicidad-ssa'));
    return { afiliaciones, alertas };
  }

  /** The index API lives on the SSA node and shares its token endpoint and header checks. */
  register(server: Hapi.Server, node: PgsNode): void {
    server.route({
      method: 'POST',
      path: `${PGS_BASE_PATH}/indice/eventos`,
      options: { payload: { parse: false, output: 'data', allow: ['application/json'] }, app: JSON_DEPTH_CHECKED_BY_HANDLER },
      handler: (request, h) => {
        const caller = node.authorize(request, false);
        if ('status' in caller) return h.response(caller.body).code(caller.status);
        if (payloadTooDeep(request)) return h.response({ acuse: acuseForCode(caller.messageId, 'PGS-110', '', TOO_DEEP_MESSAGE) }).code(400);
        const parsed = checkWellFormed(Buffer.isBuffer(request.payload) ? request.payload : Buffer.alloc(0), 'evento-indice');
        if (parsed.findings.some(isBlocking)) return h.response({ acuse: buildAcuse(caller.messageId, parsed.findings) }).code(400);
        const event = parsed.value as EventoIndice;
        if (event.institucion !== caller.party) {
          const acuse = acuseForCode(caller.messageId, 'PGS-403', '/institucion', 'un nodo solo informa de su propio padrón');
          return h.response({ acuse }).code(403);
        }
        this.apply(event);
        return h.response({ acuse: buildAcuse(caller.messageId, []) }).code(202);
      },
    });
    server.route({
      method: 'GET',
      path: `${PGS_BASE_PATH}/indice/{curp}`,
      handler: (request, h) => {
        const caller = node.authorize(request, false);
        if ('status' in caller) return h.response(caller.body).code(caller.status);
        const curp = String(request.params.curp);
        const entry = this.consult(curp);
        if (!entry) {
          return h.response({ acuse: acuseForCode(caller.messageId, 'PGS-404', '/curp', 'CURP sin afiliaciones en el índice') }).code(404);
        }
        return h.response({ acuse: buildAcuse(caller.messageId, []), curp, ...entry }).code(200);
      },
    });
  }
}
