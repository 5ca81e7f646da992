# language: ru
@ru-egisz
Функция: РЭМД забирает файл у МИС, и его дайджест равен зарегистрированному
  После «принято» РЭМД вызывает getDocumentFile(localUid) МИС и получает CDA и открепленные подписи; SHA-256 файла
  равен дайджесту registerDocument. МИС отдает ровно зарегистрированные байты и отвечает на неизвестный localUid
  ошибкой SOAP GET_DOCUMENT_FILE_ERROR; РЭМД отвечает обратным вызовом DIGEST_MISMATCH, MIS_NOT_AVAILABLE или
  GET_DOCUMENT_FILE_ERROR.

  @mis @RR-06 @RR-06.1
  Сценарий: МИС отдает по getDocumentFile ровно зарегистрированные байты и подписи
    Когда МИС регистрирует документ "А"
    И Sello (РЭМД) забирает файл документа "А" через getDocumentFile
    Тогда SHA-256 файла документа "А" равен зарегистрированному дайджесту, и подписи приложены

  @mis @RR-06 @RR-06.2
  Сценарий: на неизвестный localUid МИС отвечает ошибкой SOAP GET_DOCUMENT_FILE_ERROR
    Когда Sello (РЭМД) запрашивает у МИС getDocumentFile с неизвестным localUid
    Тогда МИС отвечает ошибкой SOAP Sender с кодом "GET_DOCUMENT_FILE_ERROR"

  @remd @RR-06 @RR-06.3
  Сценарий: файл с другим дайджестом, чем зарегистрированный, — DIGEST_MISMATCH
    Когда Sello (МИС) регистрирует документ "А" с дайджестом, который не равен дайджесту отдаваемого файла
    Тогда РЭМД присылает обратный вызов со статусом error и кодом "DIGEST_MISMATCH" для "А"

  @remd @RR-06 @RR-06.4
  Сценарий: getDocumentFile МИС не принимает соединений — MIS_NOT_AVAILABLE
    Когда Sello (МИС) регистрирует документ "А", но ее getDocumentFile не принимает соединений
    Тогда РЭМД присылает обратный вызов со статусом error и кодом "MIS_NOT_AVAILABLE" для "А"

  @remd @RR-06 @RR-06.5
  Сценарий: МИС отвечает на getDocumentFile ошибкой SOAP — GET_DOCUMENT_FILE_ERROR
    Когда Sello (МИС) регистрирует документ "А", но отвечает на getDocumentFile ошибкой SOAP
    Тогда РЭМД присылает обратный вызов со статусом error и кодом "GET_DOCUMENT_FILE_ERROR" для "А"
