import { entriesOfType } from '../../lib/triage-bundle.ts';
import { isObject, type RpRule, rpError } from './shared.ts';

/**
 * RP-07: no triage without Consent. The Bundle carries an active Consent of the patient (its `patient` is the
 * Bundle's Patient) whose provision permits (is not `deny`).
 */
export const rp07Consentimiento: RpRule = {
  id: 'RP-07',
  check(ctx) {
    const consents = entriesOfType(ctx.bundle, 'Consent');
    if (consents.length === 0) {
      return [
        rpError('RP-07', 'required', 'Bundle.entry', {
          es: 'No hay triaje sin consentimiento: el Bundle no trae un Consent de la persona.',
          en: 'No triage without consent: the Bundle carries no Consent of the person.',
        }),
      ];
    }
    const patientUrl = entriesOfType(ctx.bundle, 'Patient')[0]?.fullUrl;
    const problems = consents.map((c) => {
      const r = c.resource;
      if (r.status !== 'active') {
        return rpError('RP-07', 'business-rule', `${c.path}.status`, {
          es: `El Consent está «${String(r.status)}»; el triaje necesita un consentimiento activo.`,
          en: `The Consent is "${String(r.status)}"; the triage needs an active consent.`,
        });
      }
      if (isObject(r.provision) && r.provision.type === 'deny') {
        return rpError('RP-07', 'business-rule', `${c.path}.provision.type`, {
          es: 'El Consent deniega (provision.type = deny): la persona no consintió el triaje.',
          en: 'The Consent denies (provision.type = deny): the person did not consent to the triage.',
        });
      }
      const patientRef = isObject(r.patient) ? r.patient.reference : undefined;
      if (patientUrl !== undefined && patientRef !== patientUrl) {
        return rpError('RP-07', 'business-rule', `${c.path}.patient`, {
          es: `El Consent no es de la persona triada (patient = ${String(patientRef)}, el Patient es ${patientUrl}).`,
          en: `The Consent is not the triaged person's (patient = ${String(patientRef)}, the Patient is ${patientUrl}).`,
        });
      }
      return undefined;
    });
    // One valid consent is enough.
    return problems.some((p) => p === undefined) ? [] : problems.filter((p) => p !== undefined);
  },
};
