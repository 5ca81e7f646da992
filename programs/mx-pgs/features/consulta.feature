# language: es
@mx-pgs
Característica: Consulta y búsqueda entre instituciones
  Cualquier institución consulta el padrón de otra por CURP o busca por CURP, NSS, primer apellido y fecha de
  nacimiento (v1.1: criterios con Y, al menos uno, registros de todo estatus, en cualquier orden).
  PGS-API-06: lo que se lee es lo que se registró.

  @PGS-API-06.1 @PGS-API-06 @PGS-API-01.1 @PGS-API-03.7 @PGS-API-01 @imss
  Escenario: el ISSSTE consulta en el IMSS a un titular registrado
    Dado que el IMSS tiene vigente al titular "Gloria"
    Cuando el ISSSTE consulta en el IMSS la CURP de "Gloria"
    Entonces la consulta devuelve a "Gloria" con estatus "VIGENTE"

  @PGS-API-06.1 @PGS-API-06 @PGS-API-01.1 @PGS-API-03.7 @PGS-API-01 @issste
  Escenario: el IMSS consulta en el ISSSTE a un titular registrado
    Dado que el ISSSTE tiene vigente al titular "Gloria"
    Cuando el IMSS consulta en el ISSSTE la CURP de "Gloria"
    Entonces la consulta devuelve a "Gloria" con estatus "VIGENTE"

  @PGS-API-06.1 @PGS-API-06 @PGS-API-01.1 @PGS-API-03.7 @PGS-API-01 @ssa
  Escenario: el IMSS consulta en la SSA a un titular registrado
    Dado que la SSA tiene vigente al titular "Gloria"
    Cuando el IMSS consulta en la SSA la CURP de "Gloria"
    Entonces la consulta devuelve a "Gloria" con estatus "VIGENTE"

  @PGS-API-05.2 @PGS-API-05 @PGS-API-02.1 @PGS-API-02 @imss
  Escenario: la consulta en el IMSS de una CURP que no está en su padrón responde 404 con acuse
    Cuando el ISSSTE consulta en el IMSS la CURP "GAHG551011MNERND02"
    Entonces el acuse es RECHAZADO con código "PGS-404"
    Y la respuesta HTTP es 404

  @PGS-API-05.2 @PGS-API-05 @PGS-API-02.1 @PGS-API-02 @issste
  Escenario: la consulta en el ISSSTE de una CURP que no está en su padrón responde 404 con acuse
    Cuando el IMSS consulta en el ISSSTE la CURP "GAHG551011MNERND02"
    Entonces el acuse es RECHAZADO con código "PGS-404"
    Y la respuesta HTTP es 404

  @PGS-API-05.2 @PGS-API-05 @PGS-API-02.1 @PGS-API-02 @ssa
  Escenario: la consulta en la SSA de una CURP que no está en su padrón responde 404 con acuse
    Cuando el IMSS consulta en la SSA la CURP "GAHG551011MNERND02"
    Entonces el acuse es RECHAZADO con código "PGS-404"
    Y la respuesta HTTP es 404

  @PGS-API-06.2 @PGS-API-06 @PGS-API-01 @imss
  Escenario: el ISSSTE busca en el IMSS por primer apellido y fecha de nacimiento
    Dado que el IMSS tiene vigente al titular "Irene"
    Cuando el ISSSTE busca en el IMSS por primer apellido y fecha de nacimiento de "Irene"
    Entonces la búsqueda devuelve exactamente a "Irene"

  @PGS-API-06.2 @PGS-API-06 @PGS-API-01 @issste
  Escenario: el IMSS busca en el ISSSTE por primer apellido y fecha de nacimiento
    Dado que el ISSSTE tiene vigente al titular "Irene"
    Cuando el IMSS busca en el ISSSTE por primer apellido y fecha de nacimiento de "Irene"
    Entonces la búsqueda devuelve exactamente a "Irene"

  @PGS-API-06.2 @PGS-API-06 @PGS-API-01 @ssa
  Escenario: el IMSS busca en la SSA por primer apellido y fecha de nacimiento
    Dado que la SSA tiene vigente al titular "Irene"
    Cuando el IMSS busca en la SSA por primer apellido y fecha de nacimiento de "Irene"
    Entonces la búsqueda devuelve exactamente a "Irene"

  @PGS-API-06.3 @PGS-API-06 @PGS-API-01 @imss
  Escenario: en el IMSS los criterios de búsqueda se combinan con Y
    Dado que el IMSS tiene vigente al titular "Iván"
    Y que el IMSS tiene vigente al titular "Jimena"
    Cuando el IMSS busca en el IMSS por el primer apellido de "Iván" y la fecha de nacimiento de "Jimena"
    Entonces la búsqueda no devuelve a nadie

  @PGS-API-06.3 @PGS-API-06 @PGS-API-01 @issste
  Escenario: en el ISSSTE los criterios de búsqueda se combinan con Y
    Dado que el ISSSTE tiene vigente al titular "Iván"
    Y que el ISSSTE tiene vigente al titular "Jimena"
    Cuando el ISSSTE busca en el ISSSTE por el primer apellido de "Iván" y la fecha de nacimiento de "Jimena"
    Entonces la búsqueda no devuelve a nadie

  @PGS-API-06.3 @PGS-API-06 @PGS-API-01 @ssa
  Escenario: en la SSA los criterios de búsqueda se combinan con Y
    Dado que la SSA tiene vigente al titular "Iván"
    Y que la SSA tiene vigente al titular "Jimena"
    Cuando la SSA busca en la SSA por el primer apellido de "Iván" y la fecha de nacimiento de "Jimena"
    Entonces la búsqueda no devuelve a nadie

  @PGS-API-06.4 @PGS-API-06 @PGS-API-01 @imss
  Escenario: la búsqueda en el IMSS devuelve también a quien está de baja
    Dado que el IMSS tiene vigente al titular "Joel"
    Y que el IMSS dio de baja a "Joel"
    Cuando el ISSSTE busca en el IMSS por la CURP de "Joel"
    Entonces la búsqueda devuelve a "Joel" con estatus "BAJA"

  @PGS-API-06.4 @PGS-API-06 @PGS-API-01 @issste
  Escenario: la búsqueda en el ISSSTE devuelve también a quien está de baja
    Dado que el ISSSTE tiene vigente al titular "Joel"
    Y que el ISSSTE dio de baja a "Joel"
    Cuando el IMSS busca en el ISSSTE por la CURP de "Joel"
    Entonces la búsqueda devuelve a "Joel" con estatus "BAJA"

  @PGS-API-06.4 @PGS-API-06 @PGS-API-01 @ssa
  Escenario: la búsqueda en la SSA devuelve también a quien está de baja
    Dado que la SSA tiene vigente al titular "Joel"
    Y que la SSA dio de baja a "Joel"
    Cuando el IMSS busca en la SSA por la CURP de "Joel"
    Entonces la búsqueda devuelve a "Joel" con estatus "BAJA"

  @PGS-API-06.5 @PGS-API-06 @PGS-API-01 @imss
  Escenario: búsqueda en el IMSS por NSS
    Dado que el IMSS tiene vigente al titular "Héctor"
    Y que el IMSS tiene vigente al titular "Hilda"
    Cuando la SSA busca en el IMSS por el NSS de "Héctor"
    Entonces la búsqueda devuelve exactamente a "Héctor"

  @RN-10.7 @RN-10 @imss
  Escenario: una búsqueda en el IMSS sin criterios es un mensaje mal formado
    Cuando el ISSSTE busca en el IMSS sin criterios
    Entonces el acuse es RECHAZADO con código "PGS-110"
    Y la respuesta HTTP es 400

  @RN-10.7 @RN-10 @issste
  Escenario: una búsqueda en el ISSSTE sin criterios es un mensaje mal formado
    Cuando el IMSS busca en el ISSSTE sin criterios
    Entonces el acuse es RECHAZADO con código "PGS-110"
    Y la respuesta HTTP es 400

  @RN-10.7 @RN-10 @ssa
  Escenario: una búsqueda en la SSA sin criterios es un mensaje mal formado
    Cuando el IMSS busca en la SSA sin criterios
    Entonces el acuse es RECHAZADO con código "PGS-110"
    Y la respuesta HTTP es 400
