# language: es
@mx-pgs
Característica: Índice central del PGS en la SSA
  RN-09: todo cambio de estado en un nodo llega al índice central en menos de 5 segundos.
  RN-08: una persona VIGENTE como TITULAR en IMSS e ISSSTE a la vez se marca DOBLE_AFILIACION;
  la cobertura de la SSA de quien ya tiene IMSS o ISSSTE vigente se marca DUPLICIDAD_SSA.

  @RN-09
  Esquema del escenario: el alta en <nodo> llega al índice central
    Cuando <nodo> da de alta a "Jorge" como titular
    Entonces el acuse es ACEPTADO
    Y el índice central registra a "Jorge" en <nodo> con estatus "VIGENTE" a tiempo

    @imss
    Ejemplos: IMSS
      | nodo    |
      | el IMSS |
    @issste
    Ejemplos: ISSSTE
      | nodo      |
      | el ISSSTE |
    @ssa
    Ejemplos: SSA
      | nodo   |
      | la SSA |

  @RN-09 @imss
  Escenario: la baja en el IMSS llega al índice central
    Dado que el IMSS tiene vigente al titular "Karen"
    Cuando el IMSS da de baja a "Karen"
    Entonces el acuse es ACEPTADO
    Y el índice central registra a "Karen" en el IMSS con estatus "BAJA" a tiempo

  @RN-08 @ssa @imss @issste
  Escenario: doble afiliación contributiva IMSS e ISSSTE
    Dado que el IMSS tiene vigente al titular "Leonel"
    Y que el ISSSTE tiene vigente al titular "Leonel"
    Entonces el índice central marca a "Leonel" con la alerta "DOBLE_AFILIACION"

  @RN-08 @ssa @imss
  Escenario: cobertura SSA de quien ya tiene IMSS vigente
    Dado que el IMSS tiene vigente al titular "Marta"
    Y que la SSA tiene vigente al titular "Marta"
    Entonces el índice central marca a "Marta" con la alerta "DUPLICIDAD_SSA"

  @RN-08 @ssa @issste
  Escenario: sin alertas cuando la cobertura del ISSSTE terminó antes del alta en la SSA
    Dado que el ISSSTE tiene vigente al titular "Noé"
    Y que el ISSSTE dio de baja a "Noé"
    Y que la SSA tiene vigente al titular "Noé"
    Entonces el índice central registra a "Noé" en la SSA con estatus "VIGENTE" a tiempo
    Y el índice central registra a "Noé" en el ISSSTE con estatus "BAJA" a tiempo
    Y el índice central registra 2 afiliaciones de "Noé" sin alertas
