# language: es
@mx-pgs
Característica: Alta de beneficiarios en el padrón de una institución
  Cada nodo del Padrón General de Salud registra a sus derechohabientes por CURP y responde con un acuse.
  Reglas: RN-01 (CURP válida), RN-02 (CURP coherente con fecha de nacimiento y sexo), RN-03 (NSS del IMSS),
  RN-05 (duplicados; v1.1: SUSPENDIDO también es duplicado y el alta tras una BAJA es una reafiliación) y RN-07 (vigencia).
  Cada escenario lleva la etiqueta del comportamiento que ejerce (p. ej. @RN-05.5, ver requirements.json «behaviours»).

  @PGS-API-05.1 @PGS-API-05 @imss
  Escenario: alta de un titular válido en el IMSS
    Cuando el IMSS da de alta a "Ana" como titular
    Entonces el acuse es ACEPTADO
    Y la respuesta HTTP es 201
    Y el IMSS conserva a "Ana" con estatus "VIGENTE"

  @PGS-API-05.1 @PGS-API-05 @issste
  Escenario: alta de un titular válido en el ISSSTE
    Cuando el ISSSTE da de alta a "Ana" como titular
    Entonces el acuse es ACEPTADO
    Y la respuesta HTTP es 201
    Y el ISSSTE conserva a "Ana" con estatus "VIGENTE"

  @PGS-API-05.1 @PGS-API-05 @ssa
  Escenario: alta de un titular válido en la SSA
    Cuando la SSA da de alta a "Ana" como titular
    Entonces el acuse es ACEPTADO
    Y la respuesta HTTP es 201
    Y la SSA conserva a "Ana" con estatus "VIGENTE"

  @RN-01.1 @RN-01 @PGS-API-05.3 @imss
  Escenario: el IMSS rechaza una CURP con dígito verificador incorrecto
    Cuando el IMSS da de alta a "Beto" con el dígito verificador de la CURP alterado
    Entonces el acuse es RECHAZADO con código "PGS-101" por la regla "RN-01" en el campo "/curp"
    Y la respuesta HTTP es 422

  @RN-01.1 @RN-01 @PGS-API-05.3 @issste
  Escenario: el ISSSTE rechaza una CURP con dígito verificador incorrecto
    Cuando el ISSSTE da de alta a "Beto" con el dígito verificador de la CURP alterado
    Entonces el acuse es RECHAZADO con código "PGS-101" por la regla "RN-01" en el campo "/curp"
    Y la respuesta HTTP es 422

  @RN-01.1 @RN-01 @PGS-API-05.3 @ssa
  Escenario: la SSA rechaza una CURP con dígito verificador incorrecto
    Cuando la SSA da de alta a "Beto" con el dígito verificador de la CURP alterado
    Entonces el acuse es RECHAZADO con código "PGS-101" por la regla "RN-01" en el campo "/curp"
    Y la respuesta HTTP es 422

  @RN-01.2 @RN-01 @imss
  Escenario: el IMSS no acepta la CURP genérica en el alta en línea
    Cuando el IMSS da de alta a "Dora" con la CURP "XXXX999999XXXXXX99"
    Entonces el acuse es RECHAZADO con código "PGS-101" por la regla "RN-01" en el campo "/curp"

  @RN-01.2 @RN-01 @issste
  Escenario: el ISSSTE no acepta la CURP genérica en el alta en línea
    Cuando el ISSSTE da de alta a "Dora" con la CURP "XXXX999999XXXXXX99"
    Entonces el acuse es RECHAZADO con código "PGS-101" por la regla "RN-01" en el campo "/curp"

  @RN-01.2 @RN-01 @ssa
  Escenario: la SSA no acepta la CURP genérica en el alta en línea
    Cuando la SSA da de alta a "Dora" con la CURP "XXXX999999XXXXXX99"
    Entonces el acuse es RECHAZADO con código "PGS-101" por la regla "RN-01" en el campo "/curp"

  @RN-02.1 @RN-02 @imss
  Escenario: el IMSS rechaza un sexo que no coincide con el de la CURP
    Cuando el IMSS da de alta a "Elena" como titular con:
      | campo | valor |
      | sexo  | X     |
    Entonces el acuse es RECHAZADO con código "PGS-102" por la regla "RN-02" en el campo "/sexo"

  @RN-02.1 @RN-02 @issste
  Escenario: el ISSSTE rechaza un sexo que no coincide con el de la CURP
    Cuando el ISSSTE da de alta a "Elena" como titular con:
      | campo | valor |
      | sexo  | X     |
    Entonces el acuse es RECHAZADO con código "PGS-102" por la regla "RN-02" en el campo "/sexo"

  @RN-02.1 @RN-02 @ssa
  Escenario: la SSA rechaza un sexo que no coincide con el de la CURP
    Cuando la SSA da de alta a "Elena" como titular con:
      | campo | valor |
      | sexo  | X     |
    Entonces el acuse es RECHAZADO con código "PGS-102" por la regla "RN-02" en el campo "/sexo"

  @RN-02.2 @RN-02 @imss
  Escenario: el IMSS rechaza una fecha de nacimiento que no coincide con la de la CURP
    Cuando el IMSS da de alta a "Fabián" como titular con:
      | campo           | valor      |
      | fechaNacimiento | 1901-01-01 |
    Entonces el acuse es RECHAZADO con código "PGS-102" por la regla "RN-02" en el campo "/fechaNacimiento"

  @RN-02.2 @RN-02 @issste
  Escenario: el ISSSTE rechaza una fecha de nacimiento que no coincide con la de la CURP
    Cuando el ISSSTE da de alta a "Fabián" como titular con:
      | campo           | valor      |
      | fechaNacimiento | 1901-01-01 |
    Entonces el acuse es RECHAZADO con código "PGS-102" por la regla "RN-02" en el campo "/fechaNacimiento"

  @RN-02.2 @RN-02 @ssa
  Escenario: la SSA rechaza una fecha de nacimiento que no coincide con la de la CURP
    Cuando la SSA da de alta a "Fabián" como titular con:
      | campo           | valor      |
      | fechaNacimiento | 1901-01-01 |
    Entonces el acuse es RECHAZADO con código "PGS-102" por la regla "RN-02" en el campo "/fechaNacimiento"

  @RN-03.1 @RN-03 @imss
  Escenario: el IMSS rechaza un NSS con dígito verificador incorrecto
    Cuando el IMSS da de alta a "Gael" como titular con:
      | campo                       | valor       |
      | afiliacion.numeroAfiliacion | 84966311215 |
    Entonces el acuse es RECHAZADO con código "PGS-103" por la regla "RN-03" en el campo "/afiliacion/numeroAfiliacion"

  @RN-03.2 @RN-03 @imss
  Escenario: el IMSS rechaza un NSS que ya tiene otro titular
    Dado que el IMSS tiene vigente al titular "Hugo"
    Cuando el IMSS da de alta a "Inés" con el NSS de "Hugo"
    Entonces el acuse es RECHAZADO con código "PGS-103" por la regla "RN-03" en el campo "/afiliacion/numeroAfiliacion"
    Y el IMSS conserva a "Hugo" con estatus "VIGENTE"

  @RN-05.1 @RN-05 @imss
  Escenario: el IMSS rechaza el alta duplicada de una CURP vigente
    Dado que el IMSS tiene vigente al titular "Julia"
    Cuando el IMSS da de alta a "Julia" como titular
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "/curp"
    Y el IMSS conserva a "Julia" con estatus "VIGENTE"

  @RN-05.1 @RN-05 @issste
  Escenario: el ISSSTE rechaza el alta duplicada de una CURP vigente
    Dado que el ISSSTE tiene vigente al titular "Julia"
    Cuando el ISSSTE da de alta a "Julia" como titular
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "/curp"
    Y el ISSSTE conserva a "Julia" con estatus "VIGENTE"

  @RN-05.1 @RN-05 @ssa
  Escenario: la SSA rechaza el alta duplicada de una CURP vigente
    Dado que la SSA tiene vigente al titular "Julia"
    Cuando la SSA da de alta a "Julia" como titular
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "/curp"
    Y la SSA conserva a "Julia" con estatus "VIGENTE"

  @RN-05.5 @RN-05 @imss
  Escenario: el IMSS rechaza el alta de una CURP suspendida
    Dado que el IMSS tiene vigente al titular "Karim"
    Y que el IMSS suspendió a "Karim"
    Cuando el IMSS da de alta a "Karim" como titular
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "/curp"
    Y el IMSS conserva a "Karim" con estatus "SUSPENDIDO"

  @RN-05.5 @RN-05 @issste
  Escenario: el ISSSTE rechaza el alta de una CURP suspendida
    Dado que el ISSSTE tiene vigente al titular "Karim"
    Y que el ISSSTE suspendió a "Karim"
    Cuando el ISSSTE da de alta a "Karim" como titular
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "/curp"
    Y el ISSSTE conserva a "Karim" con estatus "SUSPENDIDO"

  @RN-05.5 @RN-05 @ssa
  Escenario: la SSA rechaza el alta de una CURP suspendida
    Dado que la SSA tiene vigente al titular "Karim"
    Y que la SSA suspendió a "Karim"
    Cuando la SSA da de alta a "Karim" como titular
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "/curp"
    Y la SSA conserva a "Karim" con estatus "SUSPENDIDO"

  @RN-05.6 @RN-05 @imss
  Escenario: el IMSS acepta la reafiliación de quien dio de baja
    Dado que el IMSS tiene vigente al titular "Lidia"
    Y que el IMSS dio de baja a "Lidia"
    Cuando el IMSS da de alta a "Lidia" como titular
    Entonces el acuse es ACEPTADO
    Y el IMSS conserva a "Lidia" con estatus "VIGENTE"

  @RN-05.6 @RN-05 @issste
  Escenario: el ISSSTE acepta la reafiliación de quien dio de baja
    Dado que el ISSSTE tiene vigente al titular "Lidia"
    Y que el ISSSTE dio de baja a "Lidia"
    Cuando el ISSSTE da de alta a "Lidia" como titular
    Entonces el acuse es ACEPTADO
    Y el ISSSTE conserva a "Lidia" con estatus "VIGENTE"

  @RN-05.6 @RN-05 @ssa
  Escenario: la SSA acepta la reafiliación de quien dio de baja
    Dado que la SSA tiene vigente al titular "Lidia"
    Y que la SSA dio de baja a "Lidia"
    Cuando la SSA da de alta a "Lidia" como titular
    Entonces el acuse es ACEPTADO
    Y la SSA conserva a "Lidia" con estatus "VIGENTE"

  @RN-07.1 @RN-07 @imss
  Escenario: en el IMSS la vigencia no puede terminar antes de empezar
    Cuando el IMSS da de alta a "Karla" como titular con:
      | campo                     | valor  |
      | afiliacion.vigenciaInicio | hoy+20 |
      | afiliacion.vigenciaFin    | hoy+10 |
    Entonces el acuse es RECHAZADO con código "PGS-107" por la regla "RN-07" en el campo "/afiliacion/vigenciaFin"

  @RN-07.1 @RN-07 @issste
  Escenario: en el ISSSTE la vigencia no puede terminar antes de empezar
    Cuando el ISSSTE da de alta a "Karla" como titular con:
      | campo                     | valor  |
      | afiliacion.vigenciaInicio | hoy+20 |
      | afiliacion.vigenciaFin    | hoy+10 |
    Entonces el acuse es RECHAZADO con código "PGS-107" por la regla "RN-07" en el campo "/afiliacion/vigenciaFin"

  @RN-07.1 @RN-07 @ssa
  Escenario: en la SSA la vigencia no puede terminar antes de empezar
    Cuando la SSA da de alta a "Karla" como titular con:
      | campo                     | valor  |
      | afiliacion.vigenciaInicio | hoy+20 |
      | afiliacion.vigenciaFin    | hoy+10 |
    Entonces el acuse es RECHAZADO con código "PGS-107" por la regla "RN-07" en el campo "/afiliacion/vigenciaFin"

  @RN-07.2 @RN-07 @imss
  Escenario: en el IMSS un registro VIGENTE no puede tener la vigencia vencida
    Cuando el IMSS da de alta a "Luis" como titular con:
      | campo                     | valor   |
      | afiliacion.vigenciaInicio | hoy-400 |
      | afiliacion.vigenciaFin    | hoy-1   |
    Entonces el acuse es RECHAZADO con código "PGS-107" por la regla "RN-07" en el campo "/afiliacion/vigenciaFin"

  @RN-07.2 @RN-07 @issste
  Escenario: en el ISSSTE un registro VIGENTE no puede tener la vigencia vencida
    Cuando el ISSSTE da de alta a "Luis" como titular con:
      | campo                     | valor   |
      | afiliacion.vigenciaInicio | hoy-400 |
      | afiliacion.vigenciaFin    | hoy-1   |
    Entonces el acuse es RECHAZADO con código "PGS-107" por la regla "RN-07" en el campo "/afiliacion/vigenciaFin"

  @RN-07.2 @RN-07 @ssa
  Escenario: en la SSA un registro VIGENTE no puede tener la vigencia vencida
    Cuando la SSA da de alta a "Luis" como titular con:
      | campo                     | valor   |
      | afiliacion.vigenciaInicio | hoy-400 |
      | afiliacion.vigenciaFin    | hoy-1   |
    Entonces el acuse es RECHAZADO con código "PGS-107" por la regla "RN-07" en el campo "/afiliacion/vigenciaFin"
