# language: es
@mx-pgs
Característica: Alta de beneficiarios en el padrón de una institución
  Cada nodo del Padrón General de Salud registra a sus derechohabientes por CURP y responde con un acuse.
  Reglas: RN-01 (CURP válida), RN-02 (CURP coherente con fecha de nacimiento y sexo),
  RN-03 (NSS del IMSS), RN-05 (duplicados) y RN-07 (vigencia).

  @PGS-API-05
  Esquema del escenario: alta de un titular válido en <nodo>
    Cuando <nodo> da de alta a "Ana" como titular
    Entonces el acuse es ACEPTADO
    Y la respuesta HTTP es 201
    Y <nodo> conserva a "Ana" con estatus "VIGENTE"

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

  @RN-01
  Esquema del escenario: <nodo> rechaza una CURP con dígito verificador incorrecto
    Cuando <nodo> da de alta a "Beto" con el dígito verificador de la CURP alterado
    Entonces el acuse es RECHAZADO con código "PGS-101" por la regla "RN-01" en el campo "/curp"
    Y la respuesta HTTP es 422

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

  @RN-01 @imss
  Escenario: el vector de prueba de RENAPO con dígito verificador inválido se rechaza
    Cuando el IMSS da de alta a "Carla" con la CURP "GAHG551011MNERND03"
    Entonces el acuse es RECHAZADO con código "PGS-101" por la regla "RN-01" en el campo "/curp"

  @RN-01 @issste
  Escenario: la CURP genérica no se acepta en el alta en línea
    Cuando el ISSSTE da de alta a "Dora" con la CURP "XXXX999999XXXXXX99"
    Entonces el acuse es RECHAZADO con código "PGS-101" por la regla "RN-01" en el campo "/curp"

  @RN-02
  Esquema del escenario: <nodo> rechaza un sexo que no coincide con el de la CURP
    Cuando <nodo> da de alta a "Elena" como titular con:
      | campo | valor |
      | sexo  | X     |
    Entonces el acuse es RECHAZADO con código "PGS-102" por la regla "RN-02" en el campo "/sexo"

    @imss
    Ejemplos: IMSS
      | nodo    |
      | el IMSS |
    @issste
    Ejemplos: ISSSTE
      | nodo      |
      | el ISSSTE |

  @RN-02 @ssa
  Escenario: la fecha de nacimiento del registro no coincide con la de la CURP
    Cuando la SSA da de alta a "Fabián" como titular con:
      | campo           | valor      |
      | fechaNacimiento | 1901-01-01 |
    Entonces el acuse es RECHAZADO con código "PGS-102" por la regla "RN-02" en el campo "/fechaNacimiento"

  @RN-03 @imss
  Escenario: el IMSS rechaza un NSS con dígito verificador incorrecto
    Cuando el IMSS da de alta a "Gael" como titular con:
      | campo                        | valor       |
      | afiliacion.numeroAfiliacion  | 84966311215 |
    Entonces el acuse es RECHAZADO con código "PGS-103" por la regla "RN-03" en el campo "/afiliacion/numeroAfiliacion"

  @RN-03 @imss
  Escenario: el IMSS rechaza un NSS que ya tiene otra persona
    Dado que el IMSS tiene vigente al titular "Hugo"
    Cuando el IMSS da de alta a "Inés" con el NSS de "Hugo"
    Entonces el acuse es RECHAZADO con código "PGS-103" por la regla "RN-03" en el campo "/afiliacion/numeroAfiliacion"
    Y el IMSS conserva a "Hugo" con estatus "VIGENTE"

  @RN-05
  Esquema del escenario: <nodo> rechaza el alta duplicada de una CURP vigente
    Dado que <nodo> tiene vigente al titular "Julia"
    Cuando <nodo> da de alta a "Julia" como titular
    Entonces el acuse es RECHAZADO con código "PGS-105" por la regla "RN-05" en el campo "/curp"
    Y <nodo> conserva a "Julia" con estatus "VIGENTE"

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

  @RN-07 @issste
  Escenario: la vigencia no puede terminar antes de empezar
    Cuando el ISSSTE da de alta a "Karla" como titular con:
      | campo                     | valor   |
      | afiliacion.vigenciaInicio | hoy-10  |
      | afiliacion.vigenciaFin    | hoy-20  |
    Entonces el acuse es RECHAZADO con código "PGS-107" por la regla "RN-07" en el campo "/afiliacion/vigenciaFin"

  @RN-07 @imss
  Escenario: un registro VIGENTE no puede tener la vigencia vencida
    Cuando el IMSS da de alta a "Luis" como titular con:
      | campo                     | valor   |
      | afiliacion.vigenciaInicio | hoy-400 |
      | afiliacion.vigenciaFin    | hoy-1   |
    Entonces el acuse es RECHAZADO con código "PGS-107" por la regla "RN-07" en el campo "/afiliacion/vigenciaFin"
