# language: es
@mx-ece
Característica: El expediente de IMSS como Bundle document, de los últimos 7 años y con códigos nacionales
  IMSS responde a $everything con un Bundle document (ExpedienteBundle): la Composition primero, el paciente con su
  CURP conforme al padrón (RE-03), solo las entradas clínicas de los últimos 7 años (RE-02), códigos de los
  catálogos nacionales (RE-04) y el resumen clínico CDA de la GIIS-A001 (RE-07).

  @imss-ece @RE-02 @RE-02.1 @RE-03 @RE-03.1 @RE-06 @RE-06.1 @RE-06.2
  Escenario: un historial de 9 años llega como Bundle document de sus últimos 7 años
    Dado un paciente "Marta" de IMSS con 9 años de historial
    Y que "Marta" consintió la transferencia a ISSSTE
    Cuando ISSSTE pide el expediente de "Marta" con su consentimiento
    Entonces IMSS entrega el expediente de "Marta"
    Y ninguna entrada clínica del expediente tiene más de 7 años
    Y el paciente del expediente lleva la CURP de "Marta" y concuerda con el padrón
    Y el expediente es un Bundle document con la Composition primero y cada entrada referida y resuelta

  @imss-ece @RE-02 @RE-02.4
  Escenario: las entradas apenas dentro de los 7 años están todas
    Dado un paciente "Olga" de IMSS con entradas apenas dentro de los 7 años
    Y que "Olga" consintió la transferencia a ISSSTE
    Cuando ISSSTE pide el expediente de "Olga" con su consentimiento
    Entonces IMSS entrega el expediente de "Olga"
    Y el expediente trae todas las entradas de los últimos 7 años de "Olga"

  @imss-ece @RE-04 @RE-04.1 @RE-04.2 @RE-04.3 @RE-04.4 @RE-04.5
  Escenario: los códigos del expediente vienen de los catálogos nacionales
    Dado un paciente "Jorge" de IMSS con 9 años de historial
    Y que "Jorge" consintió la transferencia a ISSSTE
    Cuando ISSSTE pide el expediente de "Jorge" con su consentimiento
    Entonces IMSS entrega el expediente de "Jorge"
    Y los diagnósticos, las CLUES, los estudios y las recetas vienen de los catálogos nacionales

  @imss-ece @RE-07 @RE-07.1 @RE-07.2
  Escenario: el resumen clínico CDA cumple la GIIS-A001 y lleva la CURP del paciente
    Dado un paciente "Celia" de IMSS con 9 años de historial
    Y que "Celia" consintió la transferencia a ISSSTE
    Cuando ISSSTE pide el expediente de "Celia" con su consentimiento
    Entonces IMSS entrega el expediente de "Celia"
    Y el resumen clínico CDA cumple la GIIS-A001 y lleva la CURP de "Celia"

  @imss-ece @RE-03 @RE-03.2
  Escenario: una CURP que el padrón no conoce no sale
    Dado un paciente "Raúl" de IMSS que el padrón no conoce
    Y que "Raúl" consintió la transferencia a ISSSTE
    Cuando ISSSTE pide el expediente de "Raúl" con su consentimiento
    Entonces IMSS rechaza la solicitud con 422 nombrando RE-03

  @imss-ece @RE-03 @RE-03.3
  Escenario: una CURP cuyo registro en el padrón no concuerda no sale
    Dado un paciente "Inés" de IMSS cuyo registro en el padrón tiene otra fecha de nacimiento
    Y que "Inés" consintió la transferencia a ISSSTE
    Cuando ISSSTE pide el expediente de "Inés" con su consentimiento
    Entonces IMSS rechaza la solicitud con 422 nombrando RE-03

  @imss-ece @RE-14 @RE-14.1
  Escenario: una solicitud mal formada recibe un OperationOutcome 4xx
    Cuando ISSSTE envía a IMSS un $everything cuyo cuerpo no es JSON
    Entonces IMSS responde 4xx con un OperationOutcome
