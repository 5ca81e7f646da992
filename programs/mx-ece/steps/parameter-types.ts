import { defineParameterType } from '@cucumber/cucumber';
import type { Institution } from '../lib/contract.ts';

/** A receiving institution as a step names it; the code it carries on the wire. */
defineParameterType({
  name: 'institucion',
  regexp: /ISSSTE|IMSS-Bienestar/,
  transformer: (s: string): Institution => (s === 'ISSSTE' ? 'ISSSTE' : 'IMSS-BIENESTAR'),
});
