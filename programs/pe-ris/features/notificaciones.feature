# language: es
@pe-ris
Característica: Notificaciones de cambios de estado, aunque el receptor caiga un tiempo
  El SIHCE notifica por rest-hook (Subscription al estilo R5 Backport) cada cambio de estado del seguimiento al
  motor, que lo notifica a Qhali. Si el receptor no responde, el notificador reintenta con espera creciente; nada
  se pierde y cada cambio llega una sola vez y en orden por Task.

  @RIS-NOT-01 @RIS-NOT-02 @engine @RIS-NOT-01.1 @RIS-NOT-01.2 @RIS-NOT-02.1
  Escenario: Qhali cae un tiempo; el motor reintenta y Qhali avisa cada cambio una vez y en orden
    Dado que Qhali ha triado a la ciudadana "Lucía" con prioridad III
    Y el seguimiento de "Lucía" está reservado en el SIHCE
    Y que Qhali deja de recibir notificaciones
    Cuando el SIHCE cambia el estado del seguimiento de "Lucía" a "in-progress"
    Y el SIHCE cambia el estado del seguimiento de "Lucía" a "completed"
    Y Qhali vuelve a recibir notificaciones después de 1 reintento del motor
    Entonces Qhali avisa a "Lucía" de cada cambio una sola vez y en orden
    Y el motor reintentó las notificaciones a Qhali con espera creciente

  @RIS-NOT-01 @RIS-NOT-02 @sihce @RIS-NOT-01.1 @RIS-NOT-01.2 @RIS-NOT-02.1
  Escenario: el motor cae un tiempo; el SIHCE reintenta y nada se pierde ni se duplica
    Dado que Qhali ha triado al ciudadano "Elmer" con prioridad II
    Y el seguimiento de "Elmer" está reservado en el SIHCE
    Y que el motor deja de recibir notificaciones del SIHCE
    Cuando el SIHCE cambia el estado del seguimiento de "Elmer" a "in-progress"
    Y el SIHCE cambia el estado del seguimiento de "Elmer" a "completed"
    Y el motor vuelve a recibir notificaciones después de 1 reintento del SIHCE
    Entonces Qhali avisa a "Elmer" de cada cambio una sola vez y en orden
    Y el SIHCE reintentó las notificaciones al motor con espera creciente

  @RIS-NOT-02 @RIS-NOT-01 @qhali @RIS-NOT-02.2 @RIS-NOT-01.3
  Escenario: Qhali avisa una vez y en orden aunque las notificaciones lleguen repetidas y desordenadas
    Dado que el motor entrega a Qhali las notificaciones repetidas y en desorden
    Y que Qhali ha triado a la ciudadana "Maribel" con prioridad II
    Y el seguimiento de "Maribel" está reservado en el SIHCE
    Cuando el SIHCE cambia el estado del seguimiento de "Maribel" a "in-progress"
    Y el SIHCE cambia el estado del seguimiento de "Maribel" a "completed"
    Entonces Qhali avisa a "Maribel" de cada cambio una sola vez y en orden

  @RIS-NOT-02 @sihce @RIS-NOT-02.3
  Escenario: la misma suscripción registrada dos veces es una sola: cada cambio llega una vez
    Dado que la suscripción del motor se registra otra vez en el SIHCE, con el mismo criterio y el mismo endpoint
    Y que Qhali ha triado a la ciudadana "Nora" con prioridad III
    Y el seguimiento de "Nora" está reservado en el SIHCE
    Cuando el SIHCE cambia el estado del seguimiento de "Nora" a "in-progress"
    Entonces Qhali avisa a "Nora" de cada cambio una sola vez y en orden
