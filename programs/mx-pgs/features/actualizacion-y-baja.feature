# language: es
@mx-pgs
Característica: Actualización, baja y cambio de CURP
  RN-05: la baja o actualización de una CURP desconocida (404) y la baja de quien ya está en BAJA (422) se rechazan.
  RN-06: la actualización no cambia la CURP; un cambio de CURP es una baja más un alta con la CURP anterior.

  @RN-06.2 @RN-06 @imss
  Escenario: el IMSS actualiza el domicilio de un titular
    Dado que el IMSS tiene vigente al titular "Alma"
    Cuando el IMSS actualiza a "Alma" con:
      | campo        | valor |
      | domicilio.cp | 06700 |
    Entonces el acuse es ACEPTADO
    Y el IMSS conserva a "Alma" con estatus "VIGENTE"

  @RN-06.2 @RN-06 @issste
  Escenario: el ISSSTE actualiza el domicilio de un titular
    Dado que el ISSSTE tiene vigente al titular "Alma"
    Cuando el ISSSTE actualiza a "Alma" con:
      | campo        | valor |
      | domicilio.cp | 06700 |
    Entonces el acuse es ACEPTADO
    Y el ISSSTE conserva a "Alma" con estatus "VIGENTE"

  @RN-06.2 @RN-06 @ssa
  Escenario: la SSA actualiza el domicilio de un titular
    Dado que la SSA tiene vigente al titular "Alma"
    Cuando la SSA actualiza a "Alma" con:
      | campo        | valor |
      | domicilio.cp | 06700 |
    Entonces el acuse es ACEPTADO
    Y la SSA conserva a "Alma" con estatus "VIGENTE"

  @RN-06.1 @RN-06 @imss
  Escenario: en el IMSS una actualización no puede cambiar la CURP
    Dado que el IMSS tiene vigente al titular "Bruno"
    Cuando el IMSS actualiza a "Bruno" con otra CURP en el cuerpo
    Entonces el acuse es RECHAZADO con código "PGS-106" por la regla "RN-06" en el campo "/curp"
    Y el IMSS conserva a "Bruno" con estatus "VIGENTE"

  @RN-06.1 @RN-06 @issste
  Escenario: en el ISSSTE una actualización no puede cambiar la CURP
    Dado que el ISSSTE tiene vigente al titular "Bruno"
    Cuando el ISSSTE actualiza a "Bruno" con otra CURP en el cuerpo
    Entonces el acuse es RECHAZADO con código "PGS-106" por la regla "RN-06" en el campo "/curp"
    Y el ISSSTE conserva a "Bruno" con estatus "VIGENTE"

  @RN-06.1 @RN-06 @ssa
  Escenario: en la SSA una actualización no puede cambiar la CURP
    Dado que la SSA tiene vigente al titular "Bruno"
    Cuando la SSA actualiza a "Bruno" con otra CURP en el cuerpo
    Entonces el acuse es RECHAZADO con código "PGS-106" por la regla "RN-06" en el campo "/curp"
    Y la SSA conserva a "Bruno" con estatus "VIGENTE"

  @RN-06.3 @RN-06 @imss
  Escenario: cambio de CURP en el IMSS como baja más alta con la CURP anterior
    Dado que el IMSS tiene vigente al titular "Fernanda"
    Cuando RENAPO asigna a "Fernanda" una nueva CURP y el IMSS la registra con la CURP anterior
    Entonces el acuse es ACEPTADO
    Y el IMSS conserva a "Fernanda" con estatus "VIGENTE"

  @RN-06.3 @RN-06 @issste
  Escenario: cambio de CURP en el ISSSTE como baja más alta con la CURP anterior
    Dado que el ISSSTE tiene vigente al titular "Fernanda"
    Cuando RENAPO asigna a "Fernanda" una nueva CURP y el ISSSTE la registra con la CURP anterior
    Entonces el acuse es ACEPTADO
    Y el ISSSTE conserva a "Fernanda" con estatus "VIGENTE"

  @RN-06.3 @RN-06 @ssa
  Escenario: cambio de CURP en la SSA como baja más alta con la CURP anterior
    Dado que la SSA tiene vigente al titular "Fernanda"
    Cuando RENAPO asigna a "Fernanda" una nueva CURP y la SSA la registra con la CURP anterior
    Entonces el acuse es ACEPTADO
    Y la SSA conserva a "Fernanda" con estatus "VIGENTE"

  @RN-05.3 @RN-05 @imss
  Escenario: en el IMSS la actualización de una CURP desconocida se rechaza
    Cuando el IMSS actualiza a "Ciro" con:
      | campo        | valor |
      | domicilio.cp | 01000 |
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "path:curp"
    Y la respuesta HTTP es 404

  @RN-05.3 @RN-05 @issste
  Escenario: en el ISSSTE la actualización de una CURP desconocida se rechaza
    Cuando el ISSSTE actualiza a "Ciro" con:
      | campo        | valor |
      | domicilio.cp | 01000 |
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "path:curp"
    Y la respuesta HTTP es 404

  @RN-05.3 @RN-05 @ssa
  Escenario: en la SSA la actualización de una CURP desconocida se rechaza
    Cuando la SSA actualiza a "Ciro" con:
      | campo        | valor |
      | domicilio.cp | 01000 |
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "path:curp"
    Y la respuesta HTTP es 404

  @RN-05.7 @RN-05 @imss
  Escenario: el IMSS da de baja a un titular vigente
    Dado que el IMSS tiene vigente al titular "Diana"
    Cuando el IMSS da de baja a "Diana"
    Entonces el acuse es ACEPTADO
    Y el IMSS consulta en el IMSS la CURP de "Diana"
    Y la consulta devuelve a "Diana" con estatus "BAJA"

  @RN-05.7 @RN-05 @issste
  Escenario: el ISSSTE da de baja a un titular vigente
    Dado que el ISSSTE tiene vigente al titular "Diana"
    Cuando el ISSSTE da de baja a "Diana"
    Entonces el acuse es ACEPTADO
    Y el ISSSTE consulta en el ISSSTE la CURP de "Diana"
    Y la consulta devuelve a "Diana" con estatus "BAJA"

  @RN-05.7 @RN-05 @ssa
  Escenario: la SSA da de baja a un titular vigente
    Dado que la SSA tiene vigente al titular "Diana"
    Cuando la SSA da de baja a "Diana"
    Entonces el acuse es ACEPTADO
    Y la SSA consulta en la SSA la CURP de "Diana"
    Y la consulta devuelve a "Diana" con estatus "BAJA"

  @RN-05.2 @RN-05 @imss
  Escenario: en el IMSS la baja de una CURP desconocida se rechaza
    Cuando el IMSS da de baja a "Ernesto"
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "path:curp"
    Y la respuesta HTTP es 404

  @RN-05.2 @RN-05 @issste
  Escenario: en el ISSSTE la baja de una CURP desconocida se rechaza
    Cuando el ISSSTE da de baja a "Ernesto"
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "path:curp"
    Y la respuesta HTTP es 404

  @RN-05.2 @RN-05 @ssa
  Escenario: en la SSA la baja de una CURP desconocida se rechaza
    Cuando la SSA da de baja a "Ernesto"
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "path:curp"
    Y la respuesta HTTP es 404

  @RN-05.4 @RN-05 @imss
  Escenario: en el IMSS la baja de quien ya está dado de baja se rechaza
    Dado que el IMSS tiene vigente al titular "Gerardo"
    Y que el IMSS dio de baja a "Gerardo"
    Cuando el IMSS da de baja a "Gerardo"
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05"
    Y la respuesta HTTP es 422
    Y el IMSS consulta en el IMSS la CURP de "Gerardo"
    Y la consulta devuelve a "Gerardo" con estatus "BAJA"

  @RN-05.4 @RN-05 @issste
  Escenario: en el ISSSTE la baja de quien ya está dado de baja se rechaza
    Dado que el ISSSTE tiene vigente al titular "Gerardo"
    Y que el ISSSTE dio de baja a "Gerardo"
    Cuando el ISSSTE da de baja a "Gerardo"
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05"
    Y la respuesta HTTP es 422
    Y el ISSSTE consulta en el ISSSTE la CURP de "Gerardo"
    Y la consulta devuelve a "Gerardo" con estatus "BAJA"

  @RN-05.4 @RN-05 @ssa
  Escenario: en la SSA la baja de quien ya está dado de baja se rechaza
    Dado que la SSA tiene vigente al titular "Gerardo"
    Y que la SSA dio de baja a "Gerardo"
    Cuando la SSA da de baja a "Gerardo"
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05"
    Y la respuesta HTTP es 422
    Y la SSA consulta en la SSA la CURP de "Gerardo"
    Y la consulta devuelve a "Gerardo" con estatus "BAJA"
