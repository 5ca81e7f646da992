# language: es
@mx-pgs
Característica: Autenticación y autorización
  Cada institución obtiene un token OAuth2 (client credentials). Sin token válido: 401.
  Un token de otra institución no escribe en el padrón ajeno: 403.

  @PGS-API-03
  Esquema del escenario: <nodo> rechaza un alta sin token
    Cuando <nodo> envía el alta de "Olga" sin token
    Entonces el acuse es RECHAZADO con código "PGS-401"
    Y la respuesta HTTP es 401

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

  @PGS-API-03 @imss
  Escenario: un token que el nodo no emitió se rechaza
    Cuando el IMSS envía el alta de "Pedro" con un token que el nodo no emitió
    Entonces el acuse es RECHAZADO con código "PGS-401"
    Y la respuesta HTTP es 401

  @PGS-API-03 @imss
  Escenario: el ISSSTE no puede escribir en el padrón del IMSS
    Cuando el ISSSTE intenta dar de alta a "Quique" en el padrón del IMSS
    Entonces el acuse es RECHAZADO con código "PGS-403"
    Y la respuesta HTTP es 403

  @PGS-API-03 @ssa
  Escenario: la cabecera X-Institucion debe corresponder al token
    Cuando la SSA envía el alta de "Raquel" con su token pero con X-Institucion "IMSS"
    Entonces el acuse es RECHAZADO con código "PGS-403"
    Y la respuesta HTTP es 403
