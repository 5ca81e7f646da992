# language: es
@mx-pgs
Característica: Índice central del PGS en la SSA
  RN-09: todo alta, actualización y baja en un nodo llega al índice central en menos de 5 segundos
  (propagationMs); los eventos que el nodo envía se juzgan en cada escenario (RN-09.4).
  RN-08: una persona VIGENTE como TITULAR en IMSS e ISSSTE a la vez se marca DOBLE_AFILIACION;
  la cobertura de la SSA de quien ya tiene IMSS o ISSSTE vigente se marca DUPLICIDAD_SSA.

  @RN-09.1 @RN-09 @imss @RN-09.4
  Escenario: el alta en el IMSS llega al índice central
    Cuando el IMSS da de alta a "Jorge" como titular
    Entonces el acuse es ACEPTADO
    Y el índice central registra a "Jorge" en el IMSS con estatus "VIGENTE" a tiempo

  @RN-09.1 @RN-09 @issste @RN-09.4
  Escenario: el alta en el ISSSTE llega al índice central
    Cuando el ISSSTE da de alta a "Jorge" como titular
    Entonces el acuse es ACEPTADO
    Y el índice central registra a "Jorge" en el ISSSTE con estatus "VIGENTE" a tiempo

  @RN-09.1 @RN-09 @ssa
  Escenario: el alta en la SSA llega al índice central
    Cuando la SSA da de alta a "Jorge" como titular
    Entonces el acuse es ACEPTADO
    Y el índice central registra a "Jorge" en la SSA con estatus "VIGENTE" a tiempo

  @RN-09.2 @RN-09 @imss
  Escenario: la baja en el IMSS llega al índice central
    Dado que el IMSS tiene vigente al titular "Karen"
    Cuando el IMSS da de baja a "Karen"
    Entonces el acuse es ACEPTADO
    Y el índice central registra a "Karen" en el IMSS con estatus "BAJA" a tiempo

  @RN-09.2 @RN-09 @issste
  Escenario: la baja en el ISSSTE llega al índice central
    Dado que el ISSSTE tiene vigente al titular "Karen"
    Cuando el ISSSTE da de baja a "Karen"
    Entonces el acuse es ACEPTADO
    Y el índice central registra a "Karen" en el ISSSTE con estatus "BAJA" a tiempo

  @RN-09.2 @RN-09 @ssa
  Escenario: la baja en la SSA llega al índice central
    Dado que la SSA tiene vigente al titular "Karen"
    Cuando la SSA da de baja a "Karen"
    Entonces el acuse es ACEPTADO
    Y el índice central registra a "Karen" en la SSA con estatus "BAJA" a tiempo

  @RN-09.3 @RN-09 @imss
  Escenario: la actualización en el IMSS llega al índice central
    Dado que el IMSS tiene vigente al titular "Kevin"
    Cuando el IMSS actualiza a "Kevin" con:
      | campo                  | valor   |
      | afiliacion.vigenciaFin | hoy+500 |
    Entonces el acuse es ACEPTADO
    Y el índice central registra la nueva vigencia de "Kevin" en el IMSS a tiempo

  @RN-09.3 @RN-09 @issste
  Escenario: la actualización en el ISSSTE llega al índice central
    Dado que el ISSSTE tiene vigente al titular "Kevin"
    Cuando el ISSSTE actualiza a "Kevin" con:
      | campo                  | valor   |
      | afiliacion.vigenciaFin | hoy+500 |
    Entonces el acuse es ACEPTADO
    Y el índice central registra la nueva vigencia de "Kevin" en el ISSSTE a tiempo

  @RN-09.3 @RN-09 @ssa
  Escenario: la actualización en la SSA llega al índice central
    Dado que la SSA tiene vigente al titular "Kevin"
    Cuando la SSA actualiza a "Kevin" con:
      | campo                  | valor   |
      | afiliacion.vigenciaFin | hoy+500 |
    Entonces el acuse es ACEPTADO
    Y el índice central registra la nueva vigencia de "Kevin" en la SSA a tiempo

  @RN-08.1 @RN-08 @ssa
  Escenario: doble afiliación contributiva IMSS e ISSSTE
    Dado que el IMSS tiene vigente al titular "Leonel"
    Y que el ISSSTE tiene vigente al titular "Leonel"
    Entonces el índice central marca a "Leonel" con la alerta "DOBLE_AFILIACION"

  @RN-08.2 @RN-08 @ssa
  Escenario: cobertura SSA de quien ya tiene IMSS vigente
    Dado que el IMSS tiene vigente al titular "Marta"
    Y que la SSA tiene vigente al titular "Marta"
    Entonces el índice central marca a "Marta" con la alerta "DUPLICIDAD_SSA"

  @RN-08.3 @RN-08 @ssa
  Escenario: sin alertas cuando la cobertura del ISSSTE terminó antes del alta en la SSA
    Dado que el ISSSTE tiene vigente al titular "Noé"
    Y que el ISSSTE dio de baja a "Noé"
    Y que la SSA tiene vigente al titular "Noé"
    Entonces el índice central registra a "Noé" en la SSA con estatus "VIGENTE" a tiempo
    Y el índice central registra a "Noé" en el ISSSTE con estatus "BAJA" a tiempo
    Y el índice central registra 2 afiliaciones de "Noé" sin alertas
