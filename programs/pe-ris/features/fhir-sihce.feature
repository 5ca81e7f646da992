# language: es
@pe-ris
Característica: La API FHIR R4 del SIHCE
  El SIHCE es un servidor FHIR R4: crea, lee, actualiza, busca y elimina los recursos del triaje y del seguimiento.
  A una entrada mala responde con un OperationOutcome y un 4xx que dice qué y dónde, y nada de lo guardado se pierde.

  @RIS-FHIR-02 @sihce @RIS-FHIR-02.1 @RIS-FHIR-02.2 @RIS-FHIR-02.3 @RIS-FHIR-02.4 @RIS-FHIR-02.5
  Esquema del escenario: el SIHCE crea, lee, actualiza, busca y elimina un <tipo>
    Dado que el SIHCE tiene registrada a la ciudadana "Carmen"
    Cuando se crea en el SIHCE un <tipo> de "Carmen"
    Entonces el SIHCE responde 201 con Location y la versión 1
    Y el <tipo> se lee en el SIHCE igual que se envió
    Cuando se actualiza el <tipo> en el SIHCE
    Entonces el <tipo> tiene la versión 2 en el SIHCE
    Y la búsqueda de <tipo> de "Carmen" en el SIHCE lo encuentra
    Cuando se elimina el <tipo> del SIHCE
    Entonces el <tipo> ya no se lee en el SIHCE

    Ejemplos:
      | tipo           |
      | Encounter      |
      | Observation    |
      | Condition      |
      | ServiceRequest |
      | Appointment    |
      | Task           |

  @RIS-FHIR-02 @sihce @RIS-FHIR-02.6
  Escenario: el SIHCE acepta una Subscription rest-hook
    Cuando se crea en el SIHCE una Subscription rest-hook hacia "http://127.0.0.1:9/notificaciones"
    Entonces el SIHCE responde 201 con Location y la versión 1
    Cuando se elimina la Subscription del SIHCE
    Entonces la Subscription ya no se lee en el SIHCE

  @RIS-FHIR-01 @sihce @RIS-FHIR-01.1
  Escenario: un cuerpo que no es JSON recibe 400 con un OperationOutcome y no cambia nada
    Dado que el SIHCE tiene registrada a la ciudadana "Carmen"
    Cuando se envía al SIHCE un Patient que no es JSON
    Entonces el SIHCE responde 400 con un OperationOutcome
    Y el SIHCE conserva a "Carmen" sin cambios

  @RIS-FHIR-01 @sihce @RIS-FHIR-01.2
  Escenario: un Patient que no cumple PacientePe recibe 422 con el FHIRPath del problema
    Cuando se crea en el SIHCE el Patient de la ciudadana "Lucía" sin fecha de nacimiento
    Entonces el SIHCE responde 422 con un OperationOutcome de la regla "FHIR-CARDINALITY-MIN" en "Patient"
    Y el SIHCE no tiene registrada a "Lucía"

  @RIS-FHIR-01 @sihce @RIS-FHIR-01.3
  Escenario: un tipo de recurso que el SIHCE no tiene recibe 404 con un OperationOutcome
    Cuando se crea en el SIHCE un recurso de tipo "RecetaMagica"
    Entonces el SIHCE responde 404 con un OperationOutcome

  @RIS-FHIR-01 @sihce @RIS-FHIR-01.3
  Escenario: leer una Task que no existe recibe 404 con un OperationOutcome
    Cuando se lee en el SIHCE la Task "no-existe-999"
    Entonces el SIHCE responde 404 con un OperationOutcome

  @RIS-FHIR-01 @sihce @RIS-FHIR-01.4
  Escenario: una actualización con el id de otro recurso se rechaza y no cambia nada
    Dado que el SIHCE tiene registrado al ciudadano "Segundo"
    Cuando se envía al SIHCE el Patient de "Segundo" con el id de otro
    Entonces el SIHCE responde 400 con un OperationOutcome
    Y el SIHCE conserva a "Segundo" sin cambios

  @RIS-FHIR-01 @RP-07 @sihce @RP-07.3
  Escenario: un triaje rechazado no deja nada registrado
    Dado que el SIHCE tiene registrada a la ciudadana "Carmen"
    Cuando Qhali envía al SIHCE el triaje de la ciudadana "Carmen" sin consentimiento
    Entonces el SIHCE lo rechaza con un OperationOutcome 422 por la regla "RP-07" en "Bundle.entry"
    Y el SIHCE conserva a "Carmen" sin cambios

  @RIS-FHIR-01 @engine @RIS-FHIR-01.1
  Escenario: el motor responde 400 con un OperationOutcome a un cuerpo que no es JSON
    Cuando Qhali envía al motor un cuerpo que no es JSON
    Entonces el motor lo rechaza con un OperationOutcome 400
