# language: es
@mx-pgs
Característica: Beneficiarios bajo un titular
  RN-04: un BENEFICIARIO necesita la CURP de un TITULAR VIGENTE en la misma institución y un parentesco.

  @RN-04
  Esquema del escenario: <nodo> registra al hijo de un titular vigente
    Dado que <nodo> tiene vigente al titular "Mario"
    Cuando <nodo> da de alta a "Nora" como beneficiario de "Mario" con parentesco "HIJO"
    Entonces el acuse es ACEPTADO
    Y <nodo> conserva a "Nora" con estatus "VIGENTE"

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

  @RN-04 @imss
  Escenario: un beneficiario cuyo titular no está en el padrón se rechaza
    Cuando el IMSS da de alta a "Óscar" como beneficiario de "Pablo" con parentesco "CONYUGE"
    Entonces el acuse es RECHAZADO con código "PGS-104" por la regla "RN-04" en el campo "/afiliacion/titularCurp"

  @RN-04 @issste
  Escenario: un titular dado de baja no puede tener beneficiarios nuevos
    Dado que el ISSSTE tiene vigente al titular "Rosa"
    Y que el ISSSTE dio de baja a "Rosa"
    Cuando el ISSSTE da de alta a "Saúl" como beneficiario de "Rosa" con parentesco "HIJO"
    Entonces el acuse es RECHAZADO con código "PGS-104" por la regla "RN-04" en el campo "/afiliacion/titularCurp"

  @RN-04 @imss
  Escenario: un beneficiario sin parentesco se rechaza
    Dado que el IMSS tiene vigente al titular "Tomás"
    Cuando el IMSS da de alta a "Úrsula" como beneficiario de "Tomás" con:
      | campo                 | valor       |
      | afiliacion.parentesco | (sin valor) |
    Entonces el acuse es RECHAZADO con código "PGS-104" por la regla "RN-04" en el campo "/afiliacion/parentesco"
