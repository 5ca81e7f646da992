# language: es
@mx-ece
Característica: La institución receptora exporta su cohorte como lo dice la Bulk Data Access
  La institución receptora inicia la exportación con Accept y Prefer (RE-08), espera lo que dice Retry-After entre
  consultas (RE-09), descarga todos los archivos del manifiesto, también los de error (RE-10, RE-13), envía _since y
  _type tal como se le piden (RE-11) y cancela con DELETE cuando se le pide (RE-12).

  @RE-08 @RE-08.3 @RE-09 @RE-09.2 @RE-10 @RE-10.2 @RE-13 @RE-13.2
  Esquema del escenario: la institución receptora exporta su cohorte completa y cuenta los errores
    Dado un paciente "Dora" de IMSS con 9 años de historial
    Y un paciente "Saúl" de IMSS que el padrón no conoce
    Y que "Dora" consintió la transferencia a <institución>
    Y que "Saúl" consintió la transferencia a <institución>
    Y que IMSS responderá 202 con Retry-After de 1 segundo una vez antes del manifiesto
    Cuando Sello pide a <institución> exportar su cohorte de IMSS
    Entonces <institución> inició la exportación con Accept application/fhir+json y Prefer respond-async
    Y <institución> esperó al menos Retry-After entre dos consultas
    Y <institución> descargó todos los archivos del manifiesto e importó todas sus líneas
    Y <institución> contó los errores del archivo de error

    @issste
    Ejemplos: ISSSTE
      | institución |
      | ISSSTE      |

    @imss-bienestar
    Ejemplos: IMSS-Bienestar
      | institución    |
      | IMSS-Bienestar |

  @RE-11 @RE-11.3
  Esquema del escenario: la institución receptora envía _type y _since tal como se le piden
    Dado un paciente "Edith" de IMSS con 9 años de historial
    Y que "Edith" consintió la transferencia a <institución>
    Cuando Sello pide a <institución> exportar su cohorte de IMSS con _type "Patient,Observation" y _since de hace una hora
    Entonces <institución> inició la exportación con ese _type y ese _since

    @issste
    Ejemplos: ISSSTE
      | institución |
      | ISSSTE      |

    @imss-bienestar
    Ejemplos: IMSS-Bienestar
      | institución    |
      | IMSS-Bienestar |

  @RE-12 @RE-12.2
  Esquema del escenario: la institución receptora cancela con DELETE cuando se le pide
    Dado un paciente "Iris" de IMSS con 9 años de historial
    Y que "Iris" consintió la transferencia a <institución>
    Y que IMSS responderá 202 con Retry-After de 1 segundo una vez antes del manifiesto
    Cuando Sello pide a <institución> exportar su cohorte de IMSS y cancelarla
    Entonces <institución> canceló la exportación con DELETE y no consultó más

    @issste
    Ejemplos: ISSSTE
      | institución |
      | ISSSTE      |

    @imss-bienestar
    Ejemplos: IMSS-Bienestar
      | institución    |
      | IMSS-Bienestar |
