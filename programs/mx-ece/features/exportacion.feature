# language: es
@mx-ece
Característica: IMSS exporta cohortes con la Bulk Data Access (Patient/$export)
  La cohorte de una institución receptora son los pacientes con consentimiento vigente a su favor (RE-01). IMSS
  acepta la exportación con 202 (RE-08), informa el avance y termina con un manifiesto (RE-09), sirve un NDJSON por
  tipo de recurso (RE-10), respeta _since y _type (RE-11), cancela con DELETE (RE-12) e informa lo que no pudo
  exportar como OperationOutcome en un archivo de error (RE-13).

  @imss-ece @RE-08 @RE-08.1 @RE-09 @RE-09.1 @RE-10 @RE-10.1 @RE-01 @RE-01.8 @RE-02 @RE-02.2
  Escenario: ISSSTE exporta su cohorte: solo pacientes con consentimiento vigente y sus últimos 7 años
    Dado un paciente "Noé" de IMSS con 9 años de historial
    Y un paciente "Ana" de IMSS con 9 años de historial
    Y un paciente "Eva" de IMSS con 9 años de historial
    Y un paciente "Luz" de IMSS con 9 años de historial
    Y que "Noé" consintió la transferencia a ISSSTE
    Y que "Ana" consintió la transferencia a ISSSTE
    Y que el consentimiento de "Eva" a ISSSTE venció
    Y que "Luz" consintió la transferencia a IMSS-Bienestar
    Cuando ISSSTE exporta su cohorte de IMSS
    Entonces IMSS aceptó la exportación con 202 y Content-Location
    Y IMSS terminó la exportación con un manifiesto completo
    Y cada archivo de la exportación es NDJSON de su tipo
    Y la exportación trae a "Noé" y "Ana" y no a "Eva" ni "Luz"
    Y ninguna línea de la exportación tiene más de 7 años

  @imss-ece @RE-08 @RE-08.2
  Escenario: un _since mal formado recibe 400
    Cuando ISSSTE inicia una exportación en IMSS con _since "ayer"
    Entonces IMSS rechaza la solicitud con 400 con un OperationOutcome

  @imss-ece @RE-11 @RE-11.1
  Escenario: _type limita los tipos exportados
    Dado un paciente "Gil" de IMSS con 9 años de historial
    Y que "Gil" consintió la transferencia a ISSSTE
    Cuando ISSSTE exporta su cohorte de IMSS con _type "Patient,Condition"
    Entonces la exportación solo trae archivos de Patient y Condition
    Y la exportación trae a "Gil"

  @imss-ece @RE-11 @RE-11.2
  Escenario: _since trae solo lo cambiado después
    Dado un paciente "Paz" de IMSS con 9 años de historial
    Y que "Paz" consintió la transferencia a ISSSTE
    Y que Sello anota el instante presente
    Y un paciente "Rut" de IMSS con 9 años de historial
    Y que "Rut" consintió la transferencia a ISSSTE
    Cuando ISSSTE exporta su cohorte de IMSS desde el instante anotado
    Entonces la exportación trae a "Rut" y no a "Paz"

  @imss-ece @RE-12 @RE-12.1
  Escenario: cancelar una exportación
    Dado un paciente "Fe" de IMSS con 9 años de historial
    Y que "Fe" consintió la transferencia a ISSSTE
    Cuando ISSSTE inicia una exportación en IMSS
    Y ISSSTE cancela la exportación
    Entonces IMSS aceptó la cancelación y la URL de estado responde 404

  @imss-ece @RE-13 @RE-13.1
  Escenario: un miembro de la cohorte que el padrón no conoce se informa como error
    Dado un paciente "Hugo" de IMSS con 9 años de historial
    Y un paciente "Blas" de IMSS que el padrón no conoce
    Y que "Hugo" consintió la transferencia a ISSSTE
    Y que "Blas" consintió la transferencia a ISSSTE
    Cuando ISSSTE exporta su cohorte de IMSS
    Entonces la exportación trae a "Hugo" y no a "Blas"
    Y un archivo de error de la exportación trae un OperationOutcome con la CURP de "Blas"

  @imss-ece @RE-14 @RE-14.2
  Escenario: una URL de estado desconocida recibe 404
    Dado un paciente "Teo" de IMSS con 9 años de historial
    Y que "Teo" consintió la transferencia a ISSSTE
    Cuando ISSSTE inicia una exportación en IMSS
    Y ISSSTE consulta en IMSS una URL de estado que no existe
    Entonces IMSS responde 404 con un OperationOutcome
