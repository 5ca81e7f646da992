# language: es
@mx-pgs @ssa @RN-08
Característica: Confronta por lotes del padrón contra el índice central de la SSA
  Un nodo sube su padrón completo a la SSA (archivo estilo DGIS: ISO-8859-1, "|" entre campos, "&" entre
  repeticiones, fechas dd/mm/aaaa) y recibe, por CURP, DOBLE_AFILIACION, DUPLICIDAD_SSA, CURP_INVALIDA o
  MISMA_CURP_DATOS_DISTINTOS, y una fila RESUMEN final. Sello reference contract v1 (profiles/mx-pgs/confronta.md).

  @RN-08.4
  Escenario: el ISSSTE confronta a una titular que el IMSS ya tiene vigente, y una CURP inválida
    Dado que el IMSS tiene vigente al titular "Ana"
    Cuando el ISSSTE envía a la SSA una confronta con "Ana" como titular vigente y una CURP inválida
    Entonces el resultado de la confronta marca a "Ana" con "DOBLE_AFILIACION"
    Y marca la CURP inválida con "CURP_INVALIDA"
    Y la confronta responde por todas las líneas

  @RN-08.4
  Escenario: la SSA confronta a quien el IMSS ya cubre
    Dado que el IMSS tiene vigente al titular "Bruno"
    Cuando la SSA envía a la SSA una confronta con "Bruno" como titular vigente
    Entonces el resultado de la confronta marca a "Bruno" con "DUPLICIDAD_SSA"
    Y no marca a "Bruno" con "DOBLE_AFILIACION"

  @RN-08.4
  Escenario: la misma CURP con otro nombre es un posible homónimo
    Dado que el IMSS tiene vigente al titular "Celia"
    Cuando el ISSSTE envía a la SSA una confronta con "Celia" como beneficiario vigente con otro nombre
    Entonces el resultado de la confronta marca a "Celia" con "MISMA_CURP_DATOS_DISTINTOS"
    Y no marca a "Celia" con "DOBLE_AFILIACION"
    Y la confronta responde por todas las líneas

  @RN-10.8 @RN-10
  Escenario: un archivo sin el encabezado del padrón se rechaza entero
    Cuando el ISSSTE envía a la SSA una confronta con el encabezado "CURP|NOMBRE|APELLIDOS"
    Entonces la SSA rechaza la confronta con código "PGS-110"
