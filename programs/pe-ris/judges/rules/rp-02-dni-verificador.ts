import { validateDni } from '../../../../src/identifiers/pe/dni.ts';
import { dniIdentifier, entriesOfType } from '../../lib/triage-bundle.ts';
import { type RpRule, underRule } from './shared.ts';

/**
 * RP-02: when the patient's DNI carries its check character (`12345678-E`), the character matches the number
 * (digit or letter form, identifiers.md). A DNI without one is fine; a malformed DNI is RP-01's (PacientePe pe-dni-1).
 */
export const rp02DniVerificador: RpRule = {
  id: 'RP-02',
  check(ctx) {
    return entriesOfType(ctx.bundle, 'Patient').flatMap((entry) => {
      const dni = dniIdentifier(entry.resource);
      if (!dni) return [];
      const location = `${entry.path}.identifier[${dni.index}].value`;
      return validateDni(dni.value, { location })
        .filter((f) => f.ruleId === 'ID-DNI-CHECK')
        .map((f) => underRule('RP-02', f));
    });
  },
};
