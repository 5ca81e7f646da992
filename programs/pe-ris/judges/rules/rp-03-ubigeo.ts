import { validateUbigeo } from '../../../../src/identifiers/pe/ubigeo.ts';
import { SYSTEM } from '../../lib/constants.ts';
import { bundleEntries } from '../../lib/triage-bundle.ts';
import { isObject, type RpRule, underRule } from './shared.ts';

/**
 * RP-03: every UBIGEO of the Bundle (the `pe-ubigeo` extension of a Patient's or an Organization's address) names a
 * district that exists in INEI's list (within the departments Sello's catalogue covers; elsewhere the department).
 */
export const rp03Ubigeo: RpRule = {
  id: 'RP-03',
  check(ctx) {
    return bundleEntries(ctx.bundle)
      .filter((e) => e.resource.resourceType === 'Patient' || e.resource.resourceType === 'Organization')
      .flatMap((entry) => {
        const addresses = Array.isArray(entry.resource.address) ? entry.resource.address : [];
        return addresses.flatMap((address: unknown, a: number) => {
          const extensions = isObject(address) && Array.isArray(address.extension) ? address.extension : [];
          return extensions.flatMap((ext: unknown, x: number) => {
            if (!isObject(ext) || ext.url !== SYSTEM.peUbigeo) return [];
            const location = `${entry.path}.address[${a}].extension[${x}].value`;
            return validateUbigeo(ext.valueString, { location, list: 'INEI' }).map((f) => underRule('RP-03', f));
          });
        });
      });
  },
};
