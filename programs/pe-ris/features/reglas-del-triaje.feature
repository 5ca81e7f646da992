# language: es
@pe-ris
Característica: Reglas del triaje (RP-01 … RP-08)
  Quien recibe el triaje de Qhali — el motor de integración o el SIHCE directamente — lo rechaza si incumple una
  regla, con un OperationOutcome 422 cuyo issue nombra la regla y el FHIRPath del dato, y no registra ni reenvía
  nada. Qhali, por su parte, no envía un triaje sin el consentimiento de la persona.

  @RP-01 @RP-01.2
  Esquema del escenario: <receptor> rechaza a una paciente que no cumple PacientePe
    Cuando Qhali envía <destino> el triaje de la ciudadana "Ana" sin fecha de nacimiento
    Entonces <receptor> lo rechaza con un OperationOutcome 422 por la regla "RP-01" en "Bundle.entry[0].resource"
    Y el SIHCE no tiene registrada a "Ana"

    @sihce
    Ejemplos: SIHCE
      | destino  | receptor |
      | al SIHCE | el SIHCE |
    @engine
    Ejemplos: motor
      | destino  | receptor |
      | al motor | el motor |

  @RP-02 @RP-02.2
  Esquema del escenario: <receptor> rechaza un DNI cuyo carácter de verificación no corresponde
    Cuando Qhali envía <destino> el triaje de la ciudadana "Beatriz" con el carácter de verificación del DNI alterado
    Entonces <receptor> lo rechaza con un OperationOutcome 422 por la regla "RP-02" en "Bundle.entry[0].resource.identifier[0].value"
    Y el SIHCE no tiene registrada a "Beatriz"

    @sihce
    Ejemplos: SIHCE
      | destino  | receptor |
      | al SIHCE | el SIHCE |
    @engine
    Ejemplos: motor
      | destino  | receptor |
      | al motor | el motor |

  @RP-03 @RP-03.2
  Esquema del escenario: <receptor> rechaza un UBIGEO que no existe en la lista del INEI
    Cuando Qhali envía <destino> el triaje del ciudadano "César" con un UBIGEO que no existe
    Entonces <receptor> lo rechaza con un OperationOutcome 422 por la regla "RP-03" en "Bundle.entry[0].resource.address[0].extension[0].value"
    Y el SIHCE no tiene registrado a "César"

    @sihce
    Ejemplos: SIHCE
      | destino  | receptor |
      | al SIHCE | el SIHCE |
    @engine
    Ejemplos: motor
      | destino  | receptor |
      | al motor | el motor |

  @RP-04
  Esquema del escenario: <receptor> rechaza un diagnóstico CIE-10 <caso>
    Cuando Qhali envía <destino> el triaje de la ciudadana "Dora" <defecto>
    Entonces <receptor> lo rechaza con un OperationOutcome 422 por la regla "RP-04" en "Bundle.entry[4].resource.code.coding[0].code"
    Y el SIHCE no tiene registrada a "Dora"

    @sihce @RP-04.2
    Ejemplos: SIHCE, código inexistente
      | destino  | receptor | caso              | defecto                                    |
      | al SIHCE | el SIHCE | inexistente       | con un diagnóstico CIE-10 que no existe    |
    @sihce @RP-04.3
    Ejemplos: SIHCE, código que no corresponde al sexo o a la edad
      | destino  | receptor | caso              | defecto                                    |
      | al SIHCE | el SIHCE | del otro sexo     | con un diagnóstico CIE-10 del otro sexo    |
      | al SIHCE | el SIHCE | de recién nacido  | con un diagnóstico CIE-10 de recién nacido |
    @engine @RP-04.2
    Ejemplos: motor, código inexistente
      | destino  | receptor | caso              | defecto                                    |
      | al motor | el motor | inexistente       | con un diagnóstico CIE-10 que no existe    |
    @engine @RP-04.3
    Ejemplos: motor, código que no corresponde al sexo o a la edad
      | destino  | receptor | caso              | defecto                                    |
      | al motor | el motor | del otro sexo     | con un diagnóstico CIE-10 del otro sexo    |
      | al motor | el motor | de recién nacido  | con un diagnóstico CIE-10 de recién nacido |

  @RP-05 @RP-05.2
  Esquema del escenario: <receptor> rechaza un triaje con la prioridad sin codificar
    Cuando Qhali envía <destino> el triaje del ciudadano "Edwin" con la prioridad sin codificar
    Entonces <receptor> lo rechaza con un OperationOutcome 422 por la regla "RP-05" en "Bundle.entry[2].resource.value"
    Y el SIHCE no tiene registrado a "Edwin"

    @sihce
    Ejemplos: SIHCE
      | destino  | receptor |
      | al SIHCE | el SIHCE |
    @engine
    Ejemplos: motor
      | destino  | receptor |
      | al motor | el motor |

  @RP-06 @RP-06.2
  Esquema del escenario: <receptor> rechaza contenido de la IA sin su Provenance
    Cuando Qhali envía <destino> el triaje de la ciudadana "Flor" sin la procedencia de la IA
    Entonces <receptor> lo rechaza con un OperationOutcome 422 por la regla "RP-06" en "Bundle.entry[2].resource"
    Y el SIHCE no tiene registrada a "Flor"

    @sihce
    Ejemplos: SIHCE
      | destino  | receptor |
      | al SIHCE | el SIHCE |
    @engine
    Ejemplos: motor
      | destino  | receptor |
      | al motor | el motor |

  @RP-07 @RP-07.3
  Esquema del escenario: <receptor> rechaza un triaje sin consentimiento
    Cuando Qhali envía <destino> el triaje de la ciudadana "Gabriela" sin consentimiento
    Entonces <receptor> lo rechaza con un OperationOutcome 422 por la regla "RP-07" en "Bundle.entry"
    Y el SIHCE no tiene registrada a "Gabriela"

    @sihce
    Ejemplos: SIHCE
      | destino  | receptor |
      | al SIHCE | el SIHCE |
    @engine
    Ejemplos: motor
      | destino  | receptor |
      | al motor | el motor |

  @RP-07 @qhali @RP-07.1
  Escenario: Qhali no envía el triaje de quien no dio su consentimiento
    Cuando se pide a Qhali triar a la ciudadana "Elsa" sin su consentimiento
    Entonces Qhali no envía ningún triaje

  @RP-08 @RP-08.2
  Esquema del escenario: <receptor> rechaza una referencia que no resuelve dentro del Bundle
    Cuando Qhali envía <destino> el triaje del ciudadano "Hernán" con una referencia que no resuelve
    Entonces <receptor> lo rechaza con un OperationOutcome 422 por la regla "RP-08" en "Bundle.entry[1].resource.subject.reference"
    Y el SIHCE no tiene registrado a "Hernán"

    @sihce
    Ejemplos: SIHCE
      | destino  | receptor |
      | al SIHCE | el SIHCE |
    @engine
    Ejemplos: motor
      | destino  | receptor |
      | al motor | el motor |
