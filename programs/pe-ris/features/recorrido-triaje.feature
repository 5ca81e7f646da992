# language: es
@pe-ris
Característica: El recorrido de la ciudadana tras el triaje de Qhali
  Qhali tria a la ciudadana con su LLM y envía el triaje (Bundle FHIR de transacción) al motor de integración;
  el motor lo traduce a HL7 v2 (ADT^A04, ORU^R01, SIU^S12) y lo entrega por MLLP al SIHCE, que registra a la
  paciente y reserva su seguimiento en el establecimiento; cada cambio de estado vuelve por el motor a Qhali,
  que avisa a la ciudadana una sola vez y en orden.

  @RIS-FLOW-01 @sihce @qhali @engine @RIS-FLOW-01.1 @RIS-NOT-01.1 @RIS-NOT-01.3 @RIS-NOT-02.1 @RIS-NOT-02.2 @RIS-V2-01.1 @RIS-PRF-V2-ACK.1
  @RIS-PRF-TRIAGEBUNDLE.1 @RIS-V2-04.1 @RIS-V2-04.2 @RIS-V2-04.3 @RIS-V2-04.4 @RIS-MAP-01.1 @RIS-MAP-01.2 @RP-02.3 @RP-03.3 @RP-05.3 @RIS-PRF-V2-ADT_A04.1 @RIS-PRF-V2-ORU_R01.1 @RIS-PRF-V2-SIU_S12.1
  Escenario: triaje, registro, cita reservada, cambio de estado y aviso
    Dado que Qhali ha triado a la ciudadana "Rosa" con prioridad II
    Entonces el motor entregó al SIHCE el ADT^A04, el ORU^R01 y el SIU^S12 de "Rosa" conformes a su perfil y fieles al triaje
    Y el SIHCE tiene registrada a "Rosa" con su DNI
    Y el seguimiento de "Rosa" está reservado en el SIHCE
    Cuando el SIHCE cambia el estado del seguimiento de "Rosa" a "in-progress"
    Y el SIHCE cambia el estado del seguimiento de "Rosa" a "completed"
    Entonces Qhali avisa a "Rosa" de cada cambio una sola vez y en orden

  @RIS-FLOW-01 @sihce @qhali @engine @RIS-FLOW-01.2 @RIS-NOT-01.1 @RIS-NOT-01.3 @RIS-NOT-02.1 @RIS-NOT-02.2
  Escenario: un seguimiento cancelado también se avisa
    Dado que Qhali ha triado al ciudadano "Wilder" con prioridad IV
    Y el seguimiento de "Wilder" está reservado en el SIHCE
    Cuando el SIHCE cambia el estado del seguimiento de "Wilder" a "cancelled"
    Entonces Qhali avisa a "Wilder" de cada cambio una sola vez y en orden

  @RIS-FLOW-01 @RIS-V2-02 @sihce @engine @RIS-V2-02.3
  Escenario: un segundo triaje de la misma persona no la registra dos veces
    Dado que Qhali ha triado a la ciudadana "Gladys" con prioridad III
    Cuando Qhali tria a la ciudadana "Gladys" con prioridad I
    Entonces el SIHCE tiene registrada a "Gladys" con su DNI

  @RP-01 @RP-02 @RP-03 @RP-04 @RP-05 @RP-06 @RP-07 @RP-08 @qhali @RP-01.1 @RP-02.1 @RP-03.1 @RP-04.1 @RP-05.1 @RP-06.1 @RP-07.2 @RP-08.1
  @RIS-PRF-TRIAGEBUNDLE.1
  Escenario: el triaje que envía Qhali cumple TriageBundle y las reglas RP-01 a RP-08
    Cuando Qhali envía el triaje de la ciudadana "Juana" con prioridad I
    Entonces el triaje de "Juana" cumple TriageBundle y las reglas RP-01 a RP-08

  @RIS-V2-04 @RIS-MAP-01 @engine @RIS-V2-04.1 @RIS-V2-04.2 @RIS-V2-04.3 @RIS-V2-04.4 @RIS-MAP-01.1 @RIS-MAP-01.2 @RP-02.3 @RP-03.3 @RP-05.3 @RIS-PRF-V2-ADT_A04.1 @RIS-PRF-V2-ORU_R01.1 @RIS-PRF-V2-SIU_S12.1
  Escenario: el motor traduce el triaje a ADT^A04, ORU^R01 y SIU^S12 conformes y fieles
    Cuando Qhali envía al motor el triaje de la ciudadana "Yolanda"
    Entonces el motor entrega al SIHCE el ADT^A04, el ORU^R01 y el SIU^S12 de "Yolanda" conformes a su perfil y fieles al triaje
