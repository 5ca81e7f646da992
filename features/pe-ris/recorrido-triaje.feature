# language: es
@pe-ris
Característica: El recorrido de la ciudadana tras el triaje de Qhali
  Qhali tria a la ciudadana con su LLM y envía el triaje (Bundle FHIR de transacción) al motor de integración;
  el motor lo traduce a HL7 v2 (ADT^A04, ORU^R01, SIU^S12) y lo entrega por MLLP al SIHCE, que registra a la
  paciente y reserva su seguimiento en el establecimiento; cada cambio de estado vuelve por el motor a Qhali,
  que avisa a la ciudadana una sola vez y en orden.

  @RIS-FLOW-01 @RP-01 @RP-02 @RP-03 @RP-04 @RP-05 @RP-06 @RP-07 @RP-08 @RIS-V2-01 @RIS-V2-04 @RIS-MAP-01 @RIS-NOT-01 @RIS-NOT-02
  @sihce @qhali @engine
  Escenario: triaje, registro, cita reservada, cambio de estado y aviso
    Dado que Qhali ha triado a la ciudadana "Rosa" con prioridad II
    Entonces el SIHCE tiene registrada a "Rosa" con su DNI
    Y el seguimiento de "Rosa" está reservado en el SIHCE
    Cuando el SIHCE cambia el estado del seguimiento de "Rosa" a "in-progress"
    Y el SIHCE cambia el estado del seguimiento de "Rosa" a "completed"
    Entonces Qhali avisa a "Rosa" de cada cambio una sola vez y en orden

  @RIS-FLOW-01 @RIS-NOT-02 @sihce @qhali @engine
  Escenario: un seguimiento cancelado también se avisa
    Dado que Qhali ha triado al ciudadano "Wilder" con prioridad IV
    Y el seguimiento de "Wilder" está reservado en el SIHCE
    Cuando el SIHCE cambia el estado del seguimiento de "Wilder" a "cancelled"
    Entonces Qhali avisa a "Wilder" de cada cambio una sola vez y en orden

  @RIS-FLOW-01 @RIS-V2-02 @sihce @engine
  Escenario: un segundo triaje de la misma persona no la registra dos veces
    Dado que Qhali ha triado a la ciudadana "Gladys" con prioridad III
    Cuando Qhali tria a la ciudadana "Gladys" con prioridad I
    Entonces el SIHCE tiene registrada a "Gladys" con su DNI
