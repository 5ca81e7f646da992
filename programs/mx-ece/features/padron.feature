# language: es
@mx-ece
Característica: El padrón de la SSA responde por CURP como mx-pgs
  IMSS y las instituciones receptoras verifican la CURP de cada paciente en el Padrón General de Salud (RE-03):
  la SSA responde la consulta por CURP con {acuse, beneficiario}, 404 a una CURP desconocida y 4xx a una mal formada.

  @ssa-pgs @RE-03 @RE-03.5
  Escenario: la consulta del padrón por CURP
    Dado un paciente "Elena" de IMSS con 9 años de historial
    Cuando Sello consulta en el padrón la CURP de "Elena" y una CURP que no está registrada
    Entonces el padrón responde el registro de "Elena" tal como se registró
    Y el padrón responde 404 con un acuse RECHAZADO a la CURP no registrada

  @ssa-pgs @RE-14 @RE-14.3
  Escenario: una consulta mal formada recibe 4xx con cuerpo
    Cuando Sello consulta en el padrón una CURP mal formada y un consentimiento con id inválido
    Entonces la SSA responde 4xx con cuerpo a las dos
