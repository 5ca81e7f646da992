# language: es
@mx-pgs
Característica: Autenticación y autorización
  Cada institución obtiene un token OAuth2 (client credentials, HTTP Basic). Sin token válido: 401.
  Un token de otra institución no escribe en el padrón ajeno, y X-Institucion debe ser la del token: 403.
  Orden (v1.1): 401 → 403 → 400 → 422/404. Las lecturas de otras instituciones se permiten.

  @PGS-API-03.1 @PGS-API-03 @imss
  Escenario: el IMSS rechaza un alta sin token
    Cuando el IMSS envía el alta de "Olga" sin token
    Entonces el acuse es RECHAZADO con código "PGS-401"
    Y la respuesta HTTP es 401

  @PGS-API-03.1 @PGS-API-03 @issste
  Escenario: el ISSSTE rechaza un alta sin token
    Cuando el ISSSTE envía el alta de "Olga" sin token
    Entonces el acuse es RECHAZADO con código "PGS-401"
    Y la respuesta HTTP es 401

  @PGS-API-03.1 @PGS-API-03 @ssa
  Escenario: la SSA rechaza un alta sin token
    Cuando la SSA envía el alta de "Olga" sin token
    Entonces el acuse es RECHAZADO con código "PGS-401"
    Y la respuesta HTTP es 401

  @PGS-API-03.2 @PGS-API-03 @imss
  Escenario: el IMSS rechaza un token que no emitió
    Cuando el IMSS envía el alta de "Pedro" con un token que el nodo no emitió
    Entonces el acuse es RECHAZADO con código "PGS-401"
    Y la respuesta HTTP es 401

  @PGS-API-03.2 @PGS-API-03 @issste
  Escenario: el ISSSTE rechaza un token que no emitió
    Cuando el ISSSTE envía el alta de "Pedro" con un token que el nodo no emitió
    Entonces el acuse es RECHAZADO con código "PGS-401"
    Y la respuesta HTTP es 401

  @PGS-API-03.2 @PGS-API-03 @ssa
  Escenario: la SSA rechaza un token que no emitió
    Cuando la SSA envía el alta de "Pedro" con un token que el nodo no emitió
    Entonces el acuse es RECHAZADO con código "PGS-401"
    Y la respuesta HTTP es 401

  @PGS-API-03.3 @PGS-API-03 @imss
  Escenario: el ISSSTE no puede escribir en el padrón del IMSS
    Cuando el ISSSTE intenta dar de alta a "Quique" en el padrón del IMSS
    Entonces el acuse es RECHAZADO con código "PGS-403"
    Y la respuesta HTTP es 403

  @PGS-API-03.3 @PGS-API-03 @issste
  Escenario: el IMSS no puede escribir en el padrón del ISSSTE
    Cuando el IMSS intenta dar de alta a "Quique" en el padrón del ISSSTE
    Entonces el acuse es RECHAZADO con código "PGS-403"
    Y la respuesta HTTP es 403

  @PGS-API-03.3 @PGS-API-03 @ssa
  Escenario: el IMSS no puede escribir en el padrón de la SSA
    Cuando el IMSS intenta dar de alta a "Quique" en el padrón de la SSA
    Entonces el acuse es RECHAZADO con código "PGS-403"
    Y la respuesta HTTP es 403

  @PGS-API-03.4 @PGS-API-03 @imss
  Escenario: en el IMSS la cabecera X-Institucion debe corresponder al token
    Cuando el IMSS envía el alta de "Raquel" con su token pero con X-Institucion "ISSSTE"
    Entonces el acuse es RECHAZADO con código "PGS-403"
    Y la respuesta HTTP es 403

  @PGS-API-03.4 @PGS-API-03 @issste
  Escenario: en el ISSSTE la cabecera X-Institucion debe corresponder al token
    Cuando el ISSSTE envía el alta de "Raquel" con su token pero con X-Institucion "IMSS"
    Entonces el acuse es RECHAZADO con código "PGS-403"
    Y la respuesta HTTP es 403

  @PGS-API-03.4 @PGS-API-03 @ssa
  Escenario: en la SSA la cabecera X-Institucion debe corresponder al token
    Cuando la SSA envía el alta de "Raquel" con su token pero con X-Institucion "IMSS"
    Entonces el acuse es RECHAZADO con código "PGS-403"
    Y la respuesta HTTP es 403

  @PGS-API-03.5 @PGS-API-03 @imss
  Escenario: el IMSS responde 401 antes que 400
    Cuando el IMSS envía sin token un alta con el cuerpo:
      """
      {"curp": 7
      """
    Entonces el acuse es RECHAZADO con código "PGS-401"
    Y la respuesta HTTP es 401

  @PGS-API-03.5 @PGS-API-03 @issste
  Escenario: el ISSSTE responde 401 antes que 400
    Cuando el ISSSTE envía sin token un alta con el cuerpo:
      """
      {"curp": 7
      """
    Entonces el acuse es RECHAZADO con código "PGS-401"
    Y la respuesta HTTP es 401

  @PGS-API-03.5 @PGS-API-03 @ssa
  Escenario: la SSA responde 401 antes que 400
    Cuando la SSA envía sin token un alta con el cuerpo:
      """
      {"curp": 7
      """
    Entonces el acuse es RECHAZADO con código "PGS-401"
    Y la respuesta HTTP es 401

  @PGS-API-03.6 @PGS-API-03 @imss
  Escenario: el IMSS responde 403 antes que 400
    Cuando el ISSSTE intenta enviar al padrón del IMSS un alta con el cuerpo:
      """
      {"curp": 7}
      """
    Entonces el acuse es RECHAZADO con código "PGS-403"
    Y la respuesta HTTP es 403

  @PGS-API-03.6 @PGS-API-03 @issste
  Escenario: el ISSSTE responde 403 antes que 400
    Cuando el IMSS intenta enviar al padrón del ISSSTE un alta con el cuerpo:
      """
      {"curp": 7}
      """
    Entonces el acuse es RECHAZADO con código "PGS-403"
    Y la respuesta HTTP es 403

  @PGS-API-03.6 @PGS-API-03 @ssa
  Escenario: la SSA responde 403 antes que 400
    Cuando el IMSS intenta enviar al padrón de la SSA un alta con el cuerpo:
      """
      {"curp": 7}
      """
    Entonces el acuse es RECHAZADO con código "PGS-403"
    Y la respuesta HTTP es 403
