/**
 * Rule ids of the checks of a QuestionnaireResponse against its Questionnaire (R4/questionnaireresponse.html), each
 * with the HL7 validator's Messages.properties keys (QuestionnaireValidator) it corresponds to.
 */
export const QR_RULE = {
  /** The questionnaire named is not available here, so the answers are not checked (Questionnaire_QR_Q_NotFound). */
  questionnaireNotFound: 'FHIR-QR-QUESTIONNAIRE',
  /** An item's linkId is not in the Questionnaire, or not at that place (Questionnaire_QR_Item_NotFound, misplaced item). */
  linkId: 'FHIR-QR-LINKID',
  /** Items in another order than the Questionnaire's (Questionnaire_QR_Item_Order). */
  order: 'FHIR-QR-ORDER',
  /** A required item without answer, a required group without items (Questionnaire_QR_Item_Missing, QUESTIONNAIRE_QR_ITEM_GROUP_REQUIRED). */
  required: 'FHIR-QR-REQUIRED',
  /** Several items or answers where the item does not repeat, answers outside min/maxOccurs (Questionnaire_QR_Item_OnlyOneI, _OnlyOneA, QUESTIONNAIRE_QR_ITEM_MAX_OCCURS, _MIN_OCCURS). */
  repeats: 'FHIR-QR-REPEATS',
  /** Answers or items where the item type has none: groups, display items, answers' nesting (Questionnaire_QR_Item_Group, QUESTIONNAIRE_QR_ITEM_DISPLAY_NO_VALUE, Questionnaire_QR_Item_Display, Questionnaire_QR_Item_GroupAnswer). */
  structure: 'FHIR-QR-STRUCTURE',
  /** The answer's value type is not the item type's (Questionnaire_QR_Item_WrongType). */
  answerType: 'FHIR-QR-ANSWER-TYPE',
  /** An answer outside the item's constraints: min/max value, length, regex, decimal places, mime type, size, units, reference types, exclusive option (QUESTIONNAIRE_QR_ITEM_*). */
  answerValue: 'FHIR-QR-ANSWER-VALUE',
  /** An answer not among answerOption, or not in answerValueSet (Questionnaire_QR_Item_No*, Questionnaire_QR_Item_BadOption, QUESTIONNAIRE_QR_ITEM_VS_FAIL). */
  answerOption: 'FHIR-QR-ANSWER-OPTION',
  /** An item answered although its enableWhen conditions leave it disabled (Questionnaire_QR_Item_NotEnabled2). */
  notEnabled: 'FHIR-QR-NOT-ENABLED',
} as const;
