# language: es
@mx-pgs
Característica: Mensajes mal formados
  RN-10: JSON mal formado, campos desconocidos o tipos incorrectos reciben 400 con acuse RECHAZADO
  y el apuntador JSON del problema; nada de lo ya registrado se pierde.

  @RN-10.1 @RN-10 @imss
  Escenario: el IMSS responde 400 a un cuerpo que no es JSON
    Dado que el IMSS tiene vigente al titular "Ulises"
    Cuando el IMSS envía un alta con el cuerpo:
      """
      {"curp": "GAHG551011MNERND02", "nombre":
      """
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo ""
    Y la respuesta HTTP es 400
    Y el IMSS conserva a "Ulises" con estatus "VIGENTE"

  @RN-10.1 @RN-10 @issste
  Escenario: el ISSSTE responde 400 a un cuerpo que no es JSON
    Dado que el ISSSTE tiene vigente al titular "Ulises"
    Cuando el ISSSTE envía un alta con el cuerpo:
      """
      {"curp": "GAHG551011MNERND02", "nombre":
      """
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo ""
    Y la respuesta HTTP es 400
    Y el ISSSTE conserva a "Ulises" con estatus "VIGENTE"

  @RN-10.1 @RN-10 @ssa
  Escenario: la SSA responde 400 a un cuerpo que no es JSON
    Dado que la SSA tiene vigente al titular "Ulises"
    Cuando la SSA envía un alta con el cuerpo:
      """
      {"curp": "GAHG551011MNERND02", "nombre":
      """
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo ""
    Y la respuesta HTTP es 400
    Y la SSA conserva a "Ulises" con estatus "VIGENTE"

  @RN-10.2 @RN-10 @imss
  Escenario: el IMSS rechaza un campo desconocido con su apuntador
    Cuando el IMSS envía el alta de "Valeria" con el campo desconocido "apodo"
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/apodo"
    Y la respuesta HTTP es 400

  @RN-10.2 @RN-10 @issste
  Escenario: el ISSSTE rechaza un campo desconocido con su apuntador
    Cuando el ISSSTE envía el alta de "Valeria" con el campo desconocido "apodo"
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/apodo"
    Y la respuesta HTTP es 400

  @RN-10.2 @RN-10 @ssa
  Escenario: la SSA rechaza un campo desconocido con su apuntador
    Cuando la SSA envía el alta de "Valeria" con el campo desconocido "apodo"
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/apodo"
    Y la respuesta HTTP es 400

  @RN-10.3 @RN-10 @imss
  Escenario: el IMSS rechaza un tipo incorrecto con su apuntador
    Cuando el IMSS da de alta a "Walter" como titular con:
      | campo        | valor      |
      | domicilio.cp | json:64000 |
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/domicilio/cp"
    Y la respuesta HTTP es 400

  @RN-10.3 @RN-10 @issste
  Escenario: el ISSSTE rechaza un tipo incorrecto con su apuntador
    Cuando el ISSSTE da de alta a "Walter" como titular con:
      | campo        | valor      |
      | domicilio.cp | json:64000 |
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/domicilio/cp"
    Y la respuesta HTTP es 400

  @RN-10.3 @RN-10 @ssa
  Escenario: la SSA rechaza un tipo incorrecto con su apuntador
    Cuando la SSA da de alta a "Walter" como titular con:
      | campo        | valor      |
      | domicilio.cp | json:64000 |
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/domicilio/cp"
    Y la respuesta HTTP es 400

  @RN-10.4 @RN-10 @imss
  Escenario: el IMSS rechaza un campo obligatorio ausente con su apuntador
    Cuando el IMSS da de alta a "Ximena" como titular con:
      | campo  | valor       |
      | nombre | (sin valor) |
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/nombre"
    Y la respuesta HTTP es 400

  @RN-10.4 @RN-10 @issste
  Escenario: el ISSSTE rechaza un campo obligatorio ausente con su apuntador
    Cuando el ISSSTE da de alta a "Ximena" como titular con:
      | campo  | valor       |
      | nombre | (sin valor) |
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/nombre"
    Y la respuesta HTTP es 400

  @RN-10.4 @RN-10 @ssa
  Escenario: la SSA rechaza un campo obligatorio ausente con su apuntador
    Cuando la SSA da de alta a "Ximena" como titular con:
      | campo  | valor       |
      | nombre | (sin valor) |
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/nombre"
    Y la respuesta HTTP es 400

  @RN-10.5 @RN-10 @imss
  Escenario: el IMSS rechaza un JSON que es un arreglo y no un objeto
    Cuando el IMSS envía un alta con el cuerpo:
      """
      [1, 2, 3]
      """
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo ""
    Y la respuesta HTTP es 400

  @RN-10.5 @RN-10 @issste
  Escenario: el ISSSTE rechaza un JSON que es un arreglo y no un objeto
    Cuando el ISSSTE envía un alta con el cuerpo:
      """
      [1, 2, 3]
      """
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo ""
    Y la respuesta HTTP es 400

  @RN-10.5 @RN-10 @ssa
  Escenario: la SSA rechaza un JSON que es un arreglo y no un objeto
    Cuando la SSA envía un alta con el cuerpo:
      """
      [1, 2, 3]
      """
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo ""
    Y la respuesta HTTP es 400

  @RN-10.6 @RN-10 @imss
  Escenario: el IMSS rechaza una baja con un motivo de tipo incorrecto y conserva el registro
    Dado que el IMSS tiene vigente al titular "Yolanda"
    Cuando el IMSS envía la baja de "Yolanda" con el cuerpo:
      """
      {"motivo": 7, "fechaBaja": "2020-01-01"}
      """
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/motivo"
    Y la respuesta HTTP es 400
    Y el IMSS conserva a "Yolanda" con estatus "VIGENTE"

  @RN-10.6 @RN-10 @issste
  Escenario: el ISSSTE rechaza una baja con un motivo de tipo incorrecto y conserva el registro
    Dado que el ISSSTE tiene vigente al titular "Yolanda"
    Cuando el ISSSTE envía la baja de "Yolanda" con el cuerpo:
      """
      {"motivo": 7, "fechaBaja": "2020-01-01"}
      """
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/motivo"
    Y la respuesta HTTP es 400
    Y el ISSSTE conserva a "Yolanda" con estatus "VIGENTE"

  @RN-10.6 @RN-10 @ssa
  Escenario: la SSA rechaza una baja con un motivo de tipo incorrecto y conserva el registro
    Dado que la SSA tiene vigente al titular "Yolanda"
    Cuando la SSA envía la baja de "Yolanda" con el cuerpo:
      """
      {"motivo": 7, "fechaBaja": "2020-01-01"}
      """
    Entonces el acuse es RECHAZADO con código "PGS-110" por la regla "RN-10" en el campo "/motivo"
    Y la respuesta HTTP es 400
    Y la SSA conserva a "Yolanda" con estatus "VIGENTE"
