# language: es
@mx-pgs
Característica: Consulta y búsqueda entre instituciones
  Cualquier institución consulta el padrón de otra por CURP o busca por NSS, primer apellido y fecha de nacimiento.
  Toda respuesta repite el X-Message-Id (PGS-API-02) y cumple el esquema de su acuse (PGS-API-01).

  @PGS-API-01
  Esquema del escenario: el ISSSTE consulta en <nodo> a un titular registrado
    Dado que <nodo> tiene vigente al titular "Gloria"
    Cuando el ISSSTE consulta en <nodo> la CURP de "Gloria"
    Entonces la consulta devuelve a "Gloria" con estatus "VIGENTE"

    @imss
    Ejemplos: IMSS
      | nodo    |
      | el IMSS |
    @ssa
    Ejemplos: SSA
      | nodo   |
      | la SSA |

  @PGS-API-02
  Esquema del escenario: la consulta en <nodo> de una CURP que no está en su padrón responde 404 con acuse
    Cuando el ISSSTE consulta en <nodo> la CURP "GAHG551011MNERND02"
    Entonces el acuse es RECHAZADO con código "PGS-404"
    Y la respuesta HTTP es 404

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

  @PGS-API-01 @imss
  Escenario: búsqueda por NSS
    Dado que el IMSS tiene vigente al titular "Héctor"
    Cuando la SSA busca en el IMSS por el NSS de "Héctor"
    Entonces la búsqueda devuelve exactamente a "Héctor"

  @PGS-API-01
  Esquema del escenario: búsqueda en <nodo> por primer apellido y fecha de nacimiento
    Dado que <nodo> tiene vigente al titular "Irene"
    Cuando el IMSS busca en <nodo> por primer apellido y fecha de nacimiento de "Irene"
    Entonces la búsqueda devuelve exactamente a "Irene"

    @issste
    Ejemplos: ISSSTE
      | nodo      |
      | el ISSSTE |
    @ssa
    Ejemplos: SSA
      | nodo   |
      | la SSA |
