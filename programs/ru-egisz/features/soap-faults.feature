# language: ru
@ru-egisz
Функция: Ошибки уровня SOAP и MessageID
  Синхронно отклоняется только то, что нельзя принять: иная версия SOAP (VersionMismatch), иной тип содержимого, XML,
  который не является well-formed, неверный или повторный MessageID (WRONG_MESSAGE_ID), неизвестный clientEntityId
  (VALIDATION_ERROR), превышение лимита (RATE_LIMIT). Ошибка — SOAP 1.2 Fault: env:Sender (или env:Receiver для
  RATE_LIMIT), env:Reason с текстом xml:lang="ru", код классификатора 1.2.643.5.1.13.13.99.2.305 в env:Detail,
  wsa:RelatesTo = MessageID запроса. Ничего из отклоненного не регистрируется и не пересылается.

  @remd @RR-05 @RR-05.3
  Сценарий: MessageID, который не UUID, — WRONG_MESSAGE_ID, ничего не зарегистрировано
    Когда Sello (МИС) отправляет РЭМД registerDocument документа "А" с MessageID, который не UUID
    Тогда РЭМД отвечает ошибкой SOAP Sender с кодом "WRONG_MESSAGE_ID"
    И РЭМД не регистрирует документ "А" и не присылает обратного вызова

  @remd @RR-05 @RR-05.4
  Сценарий: MessageID предыдущего запроса — WRONG_MESSAGE_ID
    Когда Sello (МИС) регистрирует документ "А"
    И Sello (МИС) отправляет РЭМД registerDocument документа "Б" с MessageID предыдущего запроса
    Тогда РЭМД отвечает ошибкой SOAP Sender с кодом "WRONG_MESSAGE_ID"
    И РЭМД не регистрирует документ "Б" и не присылает обратного вызова

  @remd @RR-09 @RR-09.2
  Сценарий: синхронный отказ — SOAP 1.2 Fault с кодом в env:Detail, RelatesTo и HTTP 400
    Когда Sello (МИС) отправляет РЭМД registerDocument документа "А" с MessageID, который не UUID
    Тогда РЭМД отвечает ошибкой SOAP Sender с кодом "WRONG_MESSAGE_ID"
    И ошибка SOAP — HTTP 400, env:Reason на русском, код классификатора в env:Detail, wsa:RelatesTo равен MessageID запроса

  @remd @RR-09 @RR-09.1
  Сценарий: XML, который не является well-formed, — HTTP 400 и SOAP 1.2 Fault по форме
    Когда Sello (МИС) отправляет РЭМД registerDocument документа "А" с XML, который не является well-formed
    Тогда РЭМД отвечает ошибкой SOAP Sender
    И ошибка SOAP — HTTP 400, env:Reason на русском, код классификатора в env:Detail и wsa:Action …/addressing/fault

  @remd @RR-08 @RR-08.5
  Сценарий: конверт SOAP 1.1 — VersionMismatch, ничего не зарегистрировано
    Когда Sello (МИС) отправляет РЭМД registerDocument документа "А" в конверте SOAP 1.1
    Тогда РЭМД отвечает ошибкой SOAP 1.2 VersionMismatch
    И РЭМД не регистрирует документ "А" и не присылает обратного вызова

  @remd @RR-08 @RR-08.6
  Сценарий: Content-Type text/xml — HTTP 415 и SOAP 1.2 Sender Fault
    Когда Sello (МИС) отправляет РЭМД registerDocument документа "А" с Content-Type text/xml
    Тогда РЭМД отвечает HTTP 415 ошибкой SOAP 1.2 Sender
    И РЭМД не регистрирует документ "А" и не присылает обратного вызова

  @remd @RR-08 @RR-08.7
  Структура сценария: registerDocument <искажение> — VALIDATION_ERROR, называющая clientEntityId
    Когда Sello (МИС) отправляет РЭМД registerDocument документа "А" <искажение>
    Тогда РЭМД отвечает ошибкой SOAP Sender с кодом "VALIDATION_ERROR", текст которой называет "clientEntityId"
    И РЭМД не регистрирует документ "А" и не присылает обратного вызова

    Примеры:
      | искажение                     |
      | без clientEntityId            |
      | с неизвестным clientEntityId  |

  @remd @RR-16 @RR-16.1
  Сценарий: запросы сверх объявленного лимита получают env:Receiver RATE_LIMIT, не разрыв и не голый 5xx
    Когда Sello (МИС) отправляет РЭМД сразу больше registerDocument, чем limits.requestsPerSecond
    Тогда запросы сверх лимита получают ошибку SOAP 1.2 Receiver с кодом "RATE_LIMIT", и каждый получил ответ SOAP
    И на запросы, отклоненные RATE_LIMIT, РЭМД ничего не регистрирует и не присылает обратных вызовов

  @mis @RR-05 @RR-05.2
  Сценарий: обратный вызов, не относящийся ни к одному запросу МИС, — WRONG_MESSAGE_ID
    Когда МИС регистрирует документ "А"
    И Sello (РЭМД) присылает МИС обратный вызов с relatesToMessage, который не относится ни к одному ее запросу
    Тогда МИС отвечает ошибкой SOAP Sender с кодом "WRONG_MESSAGE_ID"

  @mis @RR-08 @RR-08.3
  Сценарий: обратный вызов в конверте SOAP 1.1 — VersionMismatch, и МИС его не принимает
    Дано Sello (РЭМД) не присылает обратных вызовов сам
    Когда МИС регистрирует документ "А"
    И Sello (РЭМД) присылает МИС обратный вызов для "А" в конверте SOAP 1.1
    Тогда МИС отвечает ошибкой SOAP 1.2 VersionMismatch

  @mis @RR-09 @RR-09.4
  Сценарий: ошибка МИС на неизвестный localUid — HTTP 400, Sender, русский текст, код в env:Detail, RelatesTo
    Когда Sello (РЭМД) запрашивает у МИС getDocumentFile с неизвестным localUid
    Тогда МИС отвечает ошибкой SOAP Sender с кодом "GET_DOCUMENT_FILE_ERROR"
    И ошибка SOAP — HTTP 400, env:Reason на русском, код классификатора в env:Detail, wsa:RelatesTo равен MessageID запроса

  @gateway @RR-08 @RR-08.9
  Сценарий: конверт SOAP 1.1 шлюзу — VersionMismatch, РЭМД ничего не получает
    Когда Sello (МИС) отправляет шлюзу registerDocument документа "А" в конверте SOAP 1.1
    Тогда шлюз отвечает ошибкой SOAP 1.2 VersionMismatch
    И шлюз ничего не переслал РЭМД

  @gateway @RR-09 @RR-09.3
  Сценарий: XML, который не является well-formed, шлюзу — HTTP 400, Sender Fault с кодом и русским текстом
    Когда Sello (МИС) отправляет шлюзу registerDocument документа "А" с XML, который не является well-formed
    Тогда шлюз отвечает ошибкой SOAP Sender
    И ошибка SOAP — HTTP 400, env:Reason на русском, код классификатора в env:Detail
    И шлюз ничего не переслал РЭМД
