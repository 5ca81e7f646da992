# language: es
@mx-pgs
Característica: Reenvío idempotente por X-Message-Id
  Reenviar el mismo X-Message-Id con el mismo cuerpo devuelve el mismo acuse sin procesar dos veces;
  con otro cuerpo, 409 y el padrón sin cambios.

  @PGS-API-04.1 @PGS-API-04 @imss
  Escenario: el IMSS responde igual al reenvío del mismo mensaje
    Cuando el IMSS da de alta a "Sara" como titular
    Y el IMSS reenvía el mismo mensaje
    Entonces recibe el mismo acuse que la primera vez
    Y el acuse es ACEPTADO
    Y el IMSS conserva a "Sara" con estatus "VIGENTE"

  @PGS-API-04.1 @PGS-API-04 @issste
  Escenario: el ISSSTE responde igual al reenvío del mismo mensaje
    Cuando el ISSSTE da de alta a "Sara" como titular
    Y el ISSSTE reenvía el mismo mensaje
    Entonces recibe el mismo acuse que la primera vez
    Y el acuse es ACEPTADO
    Y el ISSSTE conserva a "Sara" con estatus "VIGENTE"

  @PGS-API-04.1 @PGS-API-04 @ssa
  Escenario: la SSA responde igual al reenvío del mismo mensaje
    Cuando la SSA da de alta a "Sara" como titular
    Y la SSA reenvía el mismo mensaje
    Entonces recibe el mismo acuse que la primera vez
    Y el acuse es ACEPTADO
    Y la SSA conserva a "Sara" con estatus "VIGENTE"

  @PGS-API-04.2 @PGS-API-04 @imss
  Escenario: en el IMSS el mismo X-Message-Id con otro contenido es un conflicto
    Cuando el IMSS da de alta a "Teresa" como titular
    Y el IMSS reenvía el mismo X-Message-Id con otro contenido
    Entonces el acuse es RECHAZADO con código "PGS-409"
    Y la respuesta HTTP es 409
    Y el IMSS conserva a "Teresa" con estatus "VIGENTE"

  @PGS-API-04.2 @PGS-API-04 @issste
  Escenario: en el ISSSTE el mismo X-Message-Id con otro contenido es un conflicto
    Cuando el ISSSTE da de alta a "Teresa" como titular
    Y el ISSSTE reenvía el mismo X-Message-Id con otro contenido
    Entonces el acuse es RECHAZADO con código "PGS-409"
    Y la respuesta HTTP es 409
    Y el ISSSTE conserva a "Teresa" con estatus "VIGENTE"

  @PGS-API-04.2 @PGS-API-04 @ssa
  Escenario: en la SSA el mismo X-Message-Id con otro contenido es un conflicto
    Cuando la SSA da de alta a "Teresa" como titular
    Y la SSA reenvía el mismo X-Message-Id con otro contenido
    Entonces el acuse es RECHAZADO con código "PGS-409"
    Y la respuesta HTTP es 409
    Y la SSA conserva a "Teresa" con estatus "VIGENTE"
