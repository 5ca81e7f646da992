# language: es
@pe-ris
Característica: HL7 v2 por MLLP en el SIHCE
  El motor entrega al SIHCE ADT^A04, ORU^R01 y SIU^S12 (v2.5) por MLLP (VT … FS CR). El SIHCE responde a cada
  mensaje con su ACK: AA/AE/AR (CA/CE/CR en modo mejorado), MSA-2 igual al MSH-10 original y ERR en todo rechazo.
  Basura y marcos mal formados reciben AR y el SIHCE sigue atendiendo; una retransmisión no duplica a nadie.

  @RIS-V2-01 @sihce @RIS-V2-01.1 @RIS-V2-03.5 @RIS-PRF-V2-ACK.1
  Escenario: un ADT^A04 válido recibe AA con MSA-2 igual a su MSH-10
    Cuando el motor envía al SIHCE el ADT^A04 de "Raúl"
    Entonces el SIHCE responde AA
    Y el SIHCE tiene registrado a "Raúl" con su DNI

  @RIS-V2-01 @sihce @RIS-V2-01.2
  Escenario: en modo de confirmación mejorado el SIHCE responde CA
    Cuando el motor envía al SIHCE el ADT^A04 de "Teodoro" en modo de confirmación mejorado
    Entonces el SIHCE responde CA

  @RIS-V2-01 @sihce @RIS-V2-01.3
  Escenario: un ADT^A04 sin DNI en PID-3 recibe AE con ERR
    Cuando el motor envía al SIHCE el ADT^A04 de "Santos" sin DNI en PID-3
    Entonces el SIHCE responde AE con un ERR

  @RIS-V2-01 @sihce @RIS-V2-01.4
  Escenario: un tipo de mensaje que el contrato no admite recibe AR con ERR
    Cuando el motor envía al SIHCE un ADT^A08 de "Julio"
    Entonces el SIHCE responde AR con un ERR

  @RIS-V2-01 @sihce @RIS-V2-01.5
  Escenario: bytes que no corresponden a MSH-18 reciben AE con ERR
    Cuando el motor envía al SIHCE el ADT^A04 de "Ñusta" en Latin-1 aunque MSH-18 declara UTF-8
    Entonces el SIHCE responde AE con un ERR

  @RIS-V2-02 @sihce @RIS-V2-02.1
  Escenario: la retransmisión del mismo mensaje recibe el mismo ACK y no crea otro paciente
    Cuando el motor envía al SIHCE el ADT^A04 de "Roger"
    Y el motor reenvía el mismo mensaje
    Entonces recibe el mismo ACK que la primera vez
    Y el SIHCE tiene registrado a "Roger" con su DNI

  @RIS-V2-02 @sihce @RIS-V2-02.2
  Escenario: un MSH-10 reutilizado para otro contenido se rechaza
    Cuando el motor envía al SIHCE el ADT^A04 de "Manuel"
    Y el motor reutiliza el MSH-10 de ese mensaje para el ADT^A04 de "Víctor"
    Entonces el SIHCE responde AR con el código de error "205"
    Y el SIHCE no tiene registrado a "Víctor"

  @RIS-V2-03 @sihce @RIS-V2-03.1
  Escenario: basura por el puerto MLLP recibe AR y el SIHCE sigue atendiendo
    Cuando el motor envía al SIHCE bytes que no son un mensaje HL7
    Entonces el SIHCE responde AR con un ERR
    Y el SIHCE sigue atendiendo: el ADT^A04 de "Jorge" recibe AA

  @RIS-V2-03 @sihce @RIS-V2-03.2
  Escenario: un marco que pierde su FS recibe AR
    Cuando el motor envía al SIHCE el ADT^A04 de "Luis" en un marco sin FS
    Entonces el SIHCE responde AR con un ERR
    Y el SIHCE sigue atendiendo: el ADT^A04 de "Luis" recibe AA

  @RIS-V2-03 @sihce @RIS-V2-03.3
  Escenario: un FS que no va seguido de CR recibe AR
    Cuando el motor envía al SIHCE el ADT^A04 de "Miguel" con FS sin CR
    Entonces el SIHCE responde AR con un ERR
    Y el SIHCE sigue atendiendo: el ADT^A04 de "Miguel" recibe AA

  @RIS-V2-03 @sihce @RIS-V2-03.4
  Escenario: un marco que nunca se cierra recibe AR
    Cuando el motor envía al SIHCE el ADT^A04 de "Nilton" en un marco que nunca se cierra
    Entonces el SIHCE responde AR con un ERR
    Y el SIHCE sigue atendiendo: el ADT^A04 de "Nilton" recibe AA

  @RIS-V2-01 @engine @RIS-V2-01.6
  Escenario: el motor no confirma a Qhali un triaje que el SIHCE rechazó
    Dado que el SIHCE rechaza el próximo mensaje HL7 v2 con AE
    Cuando Qhali envía al motor el triaje de la ciudadana "Nelly"
    Entonces el motor lo rechaza con un OperationOutcome de error
