/** mx-ece's business rules as pure checks (RE-02, RE-03, RE-04, RE-06, RE-07); the wire judges call them. */
export { re02Entry, re02Retention } from './re-02-retention.ts';
export { comparable, type PadronInput, re03Padron } from './re-03-padron.ts';
export { type PatientFacts, patientFacts, re04Catalogues, re04Entry } from './re-04-catalogues.ts';
export { DocumentStructure, re06Structure } from './re-06-structure.ts';
export { re07Cda, re07Summary } from './re-07-cda.ts';
export { bundleEntries, type Located, reFinding } from './shared.ts';
