# language: es
@mx-pgs
Característica: Actualización, baja y cambio de CURP
  RN-05: la baja de una CURP desconocida se rechaza. RN-06: la actualización no cambia la CURP;
  un cambio de CURP es una baja más un alta con la CURP anterior (histórica de RENAPO).

  @RN-06
  Esquema del escenario: <nodo> actualiza el domicilio de un titular
    Dado que <nodo> tiene vigente al titular "Alma"
    Cuando <nodo> actualiza a "Alma" con:
      | campo        | valor |
      | domicilio.cp | 06700 |
    Entonces el acuse es ACEPTADO
    Y <nodo> conserva a "Alma" con estatus "VIGENTE"

    @imss
    Ejemplos: IMSS
      | nodo    |
      | el IMSS |
    @ssa
    Ejemplos: SSA
      | nodo   |
      | la SSA |

  @RN-06 @issste
  Escenario: una actualización no puede cambiar la CURP
    Dado que el ISSSTE tiene vigente al titular "Bruno"
    Cuando el ISSSTE actualiza a "Bruno" con otra CURP en el cuerpo
    Entonces el acuse es RECHAZADO con código "PGS-106" por la regla "RN-06" en el campo "/curp"
    Y el ISSSTE conserva a "Bruno" con estatus "VIGENTE"

  @RN-05 @imss
  Escenario: la actualización de una CURP desconocida se rechaza
    Cuando el IMSS actualiza a "Ciro" con:
      | campo        | valor |
      | domicilio.cp | 01000 |
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "path:curp"
    Y la respuesta HTTP es 404

  @RN-05
  Esquema del escenario: <nodo> da de baja a un titular vigente
    Dado que <nodo> tiene vigente al titular "Diana"
    Cuando <nodo> da de baja a "Diana"
    Entonces el acuse es ACEPTADO
    Y <nodo> consulta en <nodo> la CURP de "Diana"
    Y la consulta devuelve a "Diana" con estatus "BAJA"

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

  @RN-05 @ssa
  Escenario: la baja de una CURP desconocida se rechaza
    Cuando la SSA da de baja a "Ernesto"
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "path:curp"
    Y la respuesta HTTP es 404

  @RN-07 @ssa
  Escenario: una baja con fecha futura se rechaza y el registro sigue vigente
    Dado que la SSA tiene vigente al titular "Gerardo"
    Cuando la SSA da de baja a "Gerardo" con fecha "hoy+10"
    Entonces el acuse es RECHAZADO con código "PGS-107" por la regla "RN-07" en el campo "/fechaBaja"
    Y la SSA conserva a "Gerardo" con estatus "VIGENTE"

  @RN-06 @imss
  Escenario: cambio de CURP como baja más alta con la CURP anterior
    Dado que el IMSS tiene vigente al titular "Fernanda"
    Cuando RENAPO asigna a "Fernanda" una nueva CURP y el IMSS la registra con la CURP anterior
    Entonces el acuse es ACEPTADO
    Y el IMSS conserva a "Fernanda" con estatus "VIGENTE"
