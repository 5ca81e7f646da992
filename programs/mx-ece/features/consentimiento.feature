# language: es
@mx-ece
Característica: El expediente solo sale de IMSS con el consentimiento vigente del paciente
  La institución receptora (ISSSTE o IMSS-Bienestar) pide el expediente de una persona que se cambia de institución
  con el consentimiento que la persona le otorgó. IMSS lo verifica en el registro de consentimientos de la SSA antes
  de entregar nada (RE-01); un consentimiento que falta, venció o es para otra institución recibe un OperationOutcome.

  @imss-ece @RE-01 @RE-01.1
  Escenario: con un consentimiento vigente IMSS entrega el expediente
    Dado un paciente "Rosa" de IMSS con 9 años de historial
    Y que "Rosa" consintió la transferencia a ISSSTE
    Cuando ISSSTE pide el expediente de "Rosa" con su consentimiento
    Entonces IMSS entrega el expediente de "Rosa"

  @imss-ece @RE-01 @RE-01.2
  Escenario: sin consentimiento IMSS no entrega nada
    Dado un paciente "Tomás" de IMSS con 9 años de historial
    Cuando ISSSTE pide el expediente de "Tomás" sin consentimiento
    Entonces IMSS rechaza la solicitud con 400 o 403 nombrando RE-01

  @imss-ece @RE-01 @RE-01.3
  Escenario: con un consentimiento vencido IMSS no entrega nada
    Dado un paciente "Alma" de IMSS con 9 años de historial
    Y que el consentimiento de "Alma" a ISSSTE venció
    Cuando ISSSTE pide el expediente de "Alma" con su consentimiento
    Entonces IMSS rechaza la solicitud con 403 nombrando RE-01

  @imss-ece @RE-01 @RE-01.4
  Escenario: un consentimiento otorgado a otra institución no sirve
    Dado un paciente "Iván" de IMSS con 9 años de historial
    Y que "Iván" consintió la transferencia a IMSS-Bienestar
    Cuando ISSSTE pide el expediente de "Iván" con el consentimiento otorgado a IMSS-Bienestar
    Entonces IMSS rechaza la solicitud con 403 nombrando RE-01

  @RE-01 @RE-01.5
  Esquema del escenario: la institución receptora presenta el consentimiento que se le dio
    Dado un paciente "Lidia" de IMSS con 9 años de historial
    Y que "Lidia" consintió la transferencia a <institución>
    Cuando Sello pide a <institución> transferir el expediente de "Lidia"
    Entonces <institución> pidió el expediente de "Lidia" con ese consentimiento y su propia X-Institucion
    Y <institución> importó el expediente de "Lidia"

    @issste
    Ejemplos: ISSSTE
      | institución |
      | ISSSTE      |

    @imss-bienestar
    Ejemplos: IMSS-Bienestar
      | institución    |
      | IMSS-Bienestar |

  @ssa-pgs @RE-01 @RE-01.6
  Escenario: el registro de la SSA sirve el consentimiento tal como se registró
    Dado un paciente "Sara" de IMSS con 9 años de historial
    Y que "Sara" consintió la transferencia a ISSSTE
    Cuando Sello lee en la SSA el consentimiento de "Sara" y uno que no existe
    Entonces la SSA sirve el consentimiento de "Sara" tal como se registró
    Y la SSA responde 404 con un OperationOutcome al que no existe

  @ssa-pgs @RE-01 @RE-01.7
  Escenario: la búsqueda de consentimientos vigentes por destinatario
    Dado un paciente "Noé" de IMSS con 9 años de historial
    Y un paciente "Eva" de IMSS con 9 años de historial
    Y un paciente "Luz" de IMSS con 9 años de historial
    Y que "Noé" consintió la transferencia a ISSSTE
    Y que el consentimiento de "Eva" a ISSSTE venció
    Y que "Luz" consintió la transferencia a IMSS-Bienestar
    Cuando Sello busca en la SSA los consentimientos vigentes para ISSSTE
    Entonces la búsqueda trae el consentimiento de "Noé" y no los de "Eva" ni "Luz"
