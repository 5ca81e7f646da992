# language: es
@mx-ece
Característica: La institución receptora importa solo lo que debe
  La institución receptora no importa entradas de más de 7 años (RE-02), rechaza un expediente cuyo paciente no
  concuerda con el padrón (RE-03) y responde a una orden mal formada de su API de control con 400 (RE-14).

  @RE-02 @RE-02.3
  Esquema del escenario: la institución receptora no importa entradas de más de 7 años
    Dado un paciente "Abel" de IMSS con 9 años de historial
    Y que "Abel" consintió la transferencia a <institución>
    Y que IMSS entregará el expediente de "Abel" con sus entradas de más de 7 años
    Cuando Sello pide a <institución> transferir el expediente de "Abel"
    Entonces <institución> no importó ninguna entrada de más de 7 años de "Abel"

    @issste
    Ejemplos: ISSSTE
      | institución |
      | ISSSTE      |

    @imss-bienestar
    Ejemplos: IMSS-Bienestar
      | institución    |
      | IMSS-Bienestar |

  @RE-03 @RE-03.4
  Esquema del escenario: la institución receptora rechaza un paciente que no concuerda con el padrón
    Dado un paciente "Ciro" de IMSS con 9 años de historial
    Y que "Ciro" consintió la transferencia a <institución>
    Y que IMSS entregará el expediente de "Ciro" con otra fecha de nacimiento que la del padrón
    Cuando Sello pide a <institución> transferir el expediente de "Ciro"
    Entonces <institución> rechazó el expediente de "Ciro" nombrando RE-03

    @issste
    Ejemplos: ISSSTE
      | institución |
      | ISSSTE      |

    @imss-bienestar
    Ejemplos: IMSS-Bienestar
      | institución    |
      | IMSS-Bienestar |

  @RE-14 @RE-14.4
  Esquema del escenario: una orden mal formada a la API de control recibe 400
    Cuando Sello envía a <institución> una orden de transferencia que no es JSON y otra sin curp
    Entonces <institución> responde 400 con un error a las dos

    @issste
    Ejemplos: ISSSTE
      | institución |
      | ISSSTE      |

    @imss-bienestar
    Ejemplos: IMSS-Bienestar
      | institución    |
      | IMSS-Bienestar |
