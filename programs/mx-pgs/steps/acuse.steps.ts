import { Then } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { checkAcuse, checkHttpStatus, checkSameAcuse, refusingRule, statusRule } from '../judges/expectations.ts';
import { pgs } from './pgs-context.ts';

Then('el acuse es ACEPTADO', function (this: SelloWorld) {
  const result = pgs(this).lastResult();
  // A valid message refused is the refusing rule's defect (the node misapplies it), not the scenario's.
  this.report(checkAcuse(result, { estatus: 'ACEPTADO', codigo: 'PGS-000' }, refusingRule(result, this.primaryRequirement)));
});

Then('el acuse es RECHAZADO con código {string} por la regla {string} en el campo {string}', function (this: SelloWorld, codigo: string, regla: string, campo: string) {
  this.report(checkAcuse(pgs(this).lastResult(), { estatus: 'RECHAZADO', codigo, regla, campo }, this.primaryRequirement));
});

Then('el acuse es RECHAZADO con código {string} por la regla {string}', function (this: SelloWorld, codigo: string, regla: string) {
  this.report(checkAcuse(pgs(this).lastResult(), { estatus: 'RECHAZADO', codigo, regla }, this.primaryRequirement));
});

Then('el acuse es RECHAZADO con código {string}', function (this: SelloWorld, codigo: string) {
  this.report(checkAcuse(pgs(this).lastResult(), { estatus: 'RECHAZADO', codigo }, this.primaryRequirement));
});

Then('la respuesta HTTP es {int}', function (this: SelloWorld, status: number) {
  this.report(checkHttpStatus(pgs(this).lastResult(), status, statusRule(status, this.primaryRequirement)));
});

Then('recibe el mismo acuse que la primera vez', function (this: SelloWorld) {
  const context = pgs(this);
  if (!context.previous) throw new Error('no earlier call to compare with');
  this.report(checkSameAcuse(context.previous, context.lastResult(), this.primaryRequirement));
});
