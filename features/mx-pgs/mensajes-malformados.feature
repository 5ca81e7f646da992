# language: es
@mx-pgs
Característica: Mensajes mal formados
  RN-10: JSON mal formado, campos desconocidos o tipos incorrectos reciben 400 con acuse RECHAZADO
  y el apuntador JSON del problema; nada de lo ya registrado se pierde.

  @RN-10
  Esquema del escenario: <nodo> responde 400 a un cuerpo que no es JSON
    Dado que <nodo> tiene vigente al titular "Ulises"
    Cuando <nodo> envía un alta con el cuerpo:
      """
      {"curp": "GAHG551011MNERND02", "nombre":
      """
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo ""
    Y la respuesta HTTP es 400
    Y <nodo> conserva a "Ulises" con estatus "VIGENTE"

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

  @RN-10 @imss
  Escenario: un campo desconocido se rechaza con su apuntador
    Cuando el IMSS envía el alta de "Valeria" con el campo desconocido "apodo"
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/apodo"
    Y la respuesta HTTP es 400

  @RN-10 @issste
  Escenario: un tipo incorrecto se rechaza con su apuntador
    Cuando el ISSSTE da de alta a "Walter" como titular con:
      | campo        | valor      |
      | domicilio.cp | json:64000 |
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/domicilio/cp"
    Y la respuesta HTTP es 400

  @RN-10 @ssa
  Escenario: un campo obligatorio ausente se rechaza con su apuntador
    Cuando la SSA da de alta a "Ximena" como titular con:
      | campo  | valor       |
      | nombre | (sin valor) |
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/nombre"
    Y la respuesta HTTP es 400

  @RN-10 @imss
  Escenario: un JSON que es un arreglo y no un objeto se rechaza
    Cuando el IMSS envía un alta con el cuerpo:
      """
      [1, 2, 3]
      """
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo ""
    Y la respuesta HTTP es 400

  @RN-10
  Esquema del escenario: <nodo> rechaza una baja con un motivo de tipo incorrecto y conserva el registro
    Dado que <nodo> tiene vigente al titular "Yolanda"
    Cuando <nodo> envía la baja de "Yolanda" con el cuerpo:
      """
      {"motivo": 7, "fechaBaja": "2020-01-01"}
      """
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/motivo"
    Y la respuesta HTTP es 400
    Y <nodo> conserva a "Yolanda" con estatus "VIGENTE"

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
