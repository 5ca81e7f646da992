# language: es
@mx-pgs
Característica: Reenvío idempotente por X-Message-Id
  Reenviar el mismo X-Message-Id con el mismo cuerpo devuelve el mismo acuse sin procesar dos veces;
  con otro cuerpo, 409.

  @PGS-API-04
  Esquema del escenario: <nodo> responde igual al reenvío del mismo mensaje
    Cuando <nodo> da de alta a "Sara" como titular
    Y <nodo> reenvía el mismo mensaje
    Entonces recibe el mismo acuse que la primera vez
    Y el acuse es ACEPTADO
    Y <nodo> conserva a "Sara" con estatus "VIGENTE"

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

  @PGS-API-04 @issste
  Escenario: el mismo X-Message-Id con otro contenido es un conflicto
    Cuando el ISSSTE da de alta a "Teresa" como titular
    Y el ISSSTE reenvía el mismo X-Message-Id con otro contenido
    Entonces el acuse es RECHAZADO con código "PGS-409"
    Y la respuesta HTTP es 409
    Y el ISSSTE conserva a "Teresa" con estatus "VIGENTE"
