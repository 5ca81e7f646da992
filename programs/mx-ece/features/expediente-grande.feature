# language: es
@mx-ece
Característica: Un expediente de 50,000 notas se entrega y se lee como flujo
  Un expediente grande (50,000 notas médicas) se entrega completo dentro del tiempo de respuesta y se lee en memoria
  que no crece con su tamaño (RE-05): Sello lo juzga entrada por entrada mientras llega.

  @imss-ece @RE-05 @RE-05.1
  Escenario: IMSS entrega un expediente de 50,000 notas completo
    Dado un paciente "Amparo" de IMSS con 50000 notas médicas
    Y que "Amparo" consintió la transferencia a ISSSTE
    Cuando ISSSTE pide el expediente de "Amparo" con su consentimiento
    Entonces IMSS entrega el expediente de "Amparo"
    Y el expediente trae las 50000 notas médicas

  @RE-05 @RE-05.2
  Esquema del escenario: la institución receptora importa un expediente de 50,000 notas completo
    Dado un paciente "Efraín" de IMSS con 50000 notas médicas
    Y que "Efraín" consintió la transferencia a <institución>
    Cuando Sello pide a <institución> transferir el expediente de "Efraín"
    Entonces <institución> importó el expediente de "Efraín" con sus 50000 notas médicas

    @issste
    Ejemplos: ISSSTE
      | institución |
      | ISSSTE      |

    @imss-bienestar
    Ejemplos: IMSS-Bienestar
      | institución    |
      | IMSS-Bienestar |
