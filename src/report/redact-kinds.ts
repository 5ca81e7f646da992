/*
 * What --redact knows a person value by: its kind, and the names of the JSON members and XML elements that hold one
 * (whatever the program). Shared by the readers of JSON, ER7 and XML bodies (redact-collect*.ts) and the pseudonymizer.
 */

export type IdentifierKind = 'CURP' | 'RFC' | 'NSS' | 'DNI' | 'SNILS' | 'NAME' | 'ID' | 'DATE' | 'POSTAL' | 'ADDRESS';

export type Remember = (kind: IdentifierKind, value: unknown) => void;

/** Member and element names (lower-cased) whose value is a person's identifier, name, birth date or postal code. */
export const FIELD_KINDS: Record<string, IdentifierKind> = {
  curp: 'CURP',
  curpanterior: 'CURP',
  titularcurp: 'CURP',
  rfc: 'RFC',
  nss: 'NSS',
  numeroafiliacion: 'NSS',
  numeroseguridadsocial: 'NSS',
  dni: 'DNI',
  snils: 'SNILS',
  patientsnils: 'SNILS',
  numerodocumento: 'DNI',
  documento: 'DNI',
  nombre: 'NAME',
  nombres: 'NAME',
  nombrecompleto: 'NAME',
  primerapellido: 'NAME',
  segundoapellido: 'NAME',
  apellido: 'NAME',
  apellidos: 'NAME',
  apellido1: 'NAME',
  apellido2: 'NAME',
  apellidopaterno: 'NAME',
  apellidomaterno: 'NAME',
  given: 'NAME',
  family: 'NAME',
  patronymic: 'NAME',
  fechanacimiento: 'DATE',
  birthdate: 'DATE',
  cp: 'POSTAL',
  codigopostal: 'POSTAL',
  postalcode: 'POSTAL',
  // Peru's district of residence: finer than a postal code, dropped to its department like one.
  ubigeo: 'POSTAL',
  direccion: 'ADDRESS',
  streetaddressline: 'ADDRESS',
  calle: 'ADDRESS',
  telefono: 'ID',
  celular: 'ID',
  correo: 'ID',
  email: 'ID',
};

const DNI_SHAPE = /^\d{8}(?:-[0-9A-Z])?$/;
/** An identifier with nothing else saying what it is: a DNI by its shape, else an identifier of any kind. */
export const idKind = (v: string): IdentifierKind => (DNI_SHAPE.test(v) ? 'DNI' : 'ID');
