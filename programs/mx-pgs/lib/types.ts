/** Wire types of the mx-pgs online API (Sello reference contract v1, see ../shared/specs/mx-pgs.md). */

export type Institucion = 'IMSS' | 'ISSSTE' | 'SSA';
export const INSTITUCIONES: readonly Institucion[] = ['IMSS', 'ISSSTE', 'SSA'];
/** Contributory institutions: coverage in two of them at once is DOBLE_AFILIACION (RN-08). */
export const CONTRIBUTIVAS: readonly Institucion[] = ['IMSS', 'ISSSTE'];

export type Sexo = 'H' | 'M' | 'X';
export type TipoAfiliacion = 'TITULAR' | 'BENEFICIARIO';
export type EstatusAfiliacion = 'VIGENTE' | 'BAJA' | 'SUSPENDIDO';

export interface Domicilio {
  entidad: string;
  municipio: string;
  localidad: string;
  cp: string;
}

export interface Afiliacion {
  institucion: Institucion;
  /** NSS for IMSS; the institution's own number elsewhere. */
  numeroAfiliacion: string;
  tipo: TipoAfiliacion;
  parentesco?: string;
  titularCurp?: string;
  vigenciaInicio: string;
  vigenciaFin?: string;
  estatus: EstatusAfiliacion;
}

export interface Beneficiario {
  curp: string;
  /** Only on an alta that follows a CURP change (RN-06): the RENAPO historic CURP. */
  curpAnterior?: string;
  nombre: string;
  primerApellido: string;
  segundoApellido: string;
  fechaNacimiento: string;
  sexo: Sexo;
  entidadNacimiento: string;
  nacionalidad: string;
  domicilio: Domicilio;
  afiliacion: Afiliacion;
  unidadAdscripcion: string;
}

export interface ErrorAcuse {
  regla: string;
  campo: string;
  mensaje: string;
}

export interface Acuse {
  messageId: string;
  estatus: 'ACEPTADO' | 'RECHAZADO';
  codigo: string;
  errores: ErrorAcuse[];
}

export type Operacion = 'alta' | 'actualizacion' | 'baja' | 'consulta' | 'busqueda';

/** What a node keeps per CURP, including the history needed for RN-05/RN-06. */
export interface PadronView {
  byCurp(curp: string): Beneficiario | undefined;
  byNss(nss: string): Beneficiario | undefined;
}

/** Everything a business rule may look at; rules are pure functions of it. */
export interface PgsRuleContext {
  operation: Operacion;
  /** The institution whose padrón is being written (the node's own). */
  institucion: Institucion;
  /** The incoming record (alta, actualizacion) after it passed the JSON Schema. */
  record?: Beneficiario;
  /** The CURP in the URL (actualizacion, baja, consulta). */
  pathCurp?: string;
  /** The baja body, after it passed the JSON Schema. */
  baja?: { motivo: string; fechaBaja: string };
  padron: PadronView;
  /** Today's date (YYYY-MM-DD) in Mexico City, injected so rules are deterministic. */
  today: string;
}

/** What a node sends the SSA central index on every state change (RN-09). */
export interface EventoIndice {
  evento: 'ALTA' | 'ACTUALIZACION' | 'BAJA';
  institucion: Institucion;
  curp: string;
  curpAnterior?: string;
  tipo: TipoAfiliacion;
  estatus: EstatusAfiliacion;
  vigenciaInicio: string;
  vigenciaFin?: string;
  nombre: string;
  primerApellido: string;
  segundoApellido: string;
  fechaNacimiento: string;
  sexo: Sexo;
  ocurridoEn: string;
}

export type AlertaIndice = 'DOBLE_AFILIACION' | 'DUPLICIDAD_SSA';
