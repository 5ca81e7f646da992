# language: es
@mx-pgs
Característica: Beneficiarios bajo un titular
  RN-04: un BENEFICIARIO necesita la CURP de un TITULAR VIGENTE en la misma institución y un parentesco.
  RN-03 (v1.1): el NSS es único entre TITULARES; un BENEFICIARIO del IMSS lleva el NSS de su titular.

  @RN-04.1 @RN-04 @imss
  Escenario: el IMSS registra al hijo de un titular vigente
    Dado que el IMSS tiene vigente al titular "Mario"
    Cuando el IMSS da de alta a "Nora" como beneficiario de "Mario" con parentesco "HIJO"
    Entonces el acuse es ACEPTADO
    Y el IMSS conserva a "Nora" con estatus "VIGENTE"

  @RN-04.1 @RN-04 @issste
  Escenario: el ISSSTE registra al hijo de un titular vigente
    Dado que el ISSSTE tiene vigente al titular "Mario"
    Cuando el ISSSTE da de alta a "Nora" como beneficiario de "Mario" con parentesco "HIJO"
    Entonces el acuse es ACEPTADO
    Y el ISSSTE conserva a "Nora" con estatus "VIGENTE"

  @RN-04.1 @RN-04 @ssa
  Escenario: la SSA registra al hijo de un titular vigente
    Dado que la SSA tiene vigente al titular "Mario"
    Cuando la SSA da de alta a "Nora" como beneficiario de "Mario" con parentesco "HIJO"
    Entonces el acuse es ACEPTADO
    Y la SSA conserva a "Nora" con estatus "VIGENTE"

  @RN-03.3 @RN-03 @imss
  Escenario: el IMSS registra a la cónyuge de un titular con el NSS del titular
    Dado que el IMSS tiene vigente al titular "Marco"
    Cuando el IMSS da de alta a "Norma" como beneficiario de "Marco" con parentesco "CONYUGE"
    Entonces el acuse es ACEPTADO
    Y el IMSS conserva a "Norma" con estatus "VIGENTE"
    Y el IMSS conserva a "Marco" con estatus "VIGENTE"

  @RN-04.2 @RN-04 @imss
  Escenario: el IMSS rechaza un beneficiario cuyo titular no está en el padrón
    Cuando el IMSS da de alta a "Óscar" como beneficiario de "Pablo" con parentesco "CONYUGE"
    Entonces el acuse es RECHAZADO con código "PGS-104" por la regla "RN-04" en el campo "/afiliacion/titularCurp"

  @RN-04.2 @RN-04 @issste
  Escenario: el ISSSTE rechaza un beneficiario cuyo titular no está en el padrón
    Cuando el ISSSTE da de alta a "Óscar" como beneficiario de "Pablo" con parentesco "CONYUGE"
    Entonces el acuse es RECHAZADO con código "PGS-104" por la regla "RN-04" en el campo "/afiliacion/titularCurp"

  @RN-04.2 @RN-04 @ssa
  Escenario: la SSA rechaza un beneficiario cuyo titular no está en el padrón
    Cuando la SSA da de alta a "Óscar" como beneficiario de "Pablo" con parentesco "CONYUGE"
    Entonces el acuse es RECHAZADO con código "PGS-104" por la regla "RN-04" en el campo "/afiliacion/titularCurp"

  @RN-04.3 @RN-04 @imss
  Escenario: en el IMSS un titular dado de baja no puede tener beneficiarios nuevos
    Dado que el IMSS tiene vigente al titular "Rosa"
    Y que el IMSS dio de baja a "Rosa"
    Cuando el IMSS da de alta a "Saúl" como beneficiario de "Rosa" con parentesco "HIJO"
    Entonces el acuse es RECHAZADO con código "PGS-104" por la regla "RN-04" en el campo "/afiliacion/titularCurp"

  @RN-04.3 @RN-04 @issste
  Escenario: en el ISSSTE un titular dado de baja no puede tener beneficiarios nuevos
    Dado que el ISSSTE tiene vigente al titular "Rosa"
    Y que el ISSSTE dio de baja a "Rosa"
    Cuando el ISSSTE da de alta a "Saúl" como beneficiario de "Rosa" con parentesco "HIJO"
    Entonces el acuse es RECHAZADO con código "PGS-104" por la regla "RN-04" en el campo "/afiliacion/titularCurp"

  @RN-04.3 @RN-04 @ssa
  Escenario: en la SSA un titular dado de baja no puede tener beneficiarios nuevos
    Dado que la SSA tiene vigente al titular "Rosa"
    Y que la SSA dio de baja a "Rosa"
    Cuando la SSA da de alta a "Saúl" como beneficiario de "Rosa" con parentesco "HIJO"
    Entonces el acuse es RECHAZADO con código "PGS-104" por la regla "RN-04" en el campo "/afiliacion/titularCurp"

  @RN-04.4 @RN-04 @imss
  Escenario: el IMSS rechaza un beneficiario sin parentesco
    Dado que el IMSS tiene vigente al titular "Tomás"
    Cuando el IMSS da de alta a "Úrsula" como beneficiario de "Tomás" con:
      | campo                 | valor       |
      | afiliacion.parentesco | (sin valor) |
    Entonces el acuse es RECHAZADO con código "PGS-104" por la regla "RN-04" en el campo "/afiliacion/parentesco"

  @RN-04.4 @RN-04 @issste
  Escenario: el ISSSTE rechaza un beneficiario sin parentesco
    Dado que el ISSSTE tiene vigente al titular "Tomás"
    Cuando el ISSSTE da de alta a "Úrsula" como beneficiario de "Tomás" con:
      | campo                 | valor       |
      | afiliacion.parentesco | (sin valor) |
    Entonces el acuse es RECHAZADO con código "PGS-104" por la regla "RN-04" en el campo "/afiliacion/parentesco"

  @RN-04.4 @RN-04 @ssa
  Escenario: la SSA rechaza un beneficiario sin parentesco
    Dado que la SSA tiene vigente al titular "Tomás"
    Cuando la SSA da de alta a "Úrsula" como beneficiario de "Tomás" con:
      | campo                 | valor       |
      | afiliacion.parentesco | (sin valor) |
    Entonces el acuse es RECHAZADO con código "PGS-104" por la regla "RN-04" en el campo "/afiliacion/parentesco"
