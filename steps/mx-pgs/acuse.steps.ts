import { Then } from '@cucumber/cucumber';
import { checkAcuse, checkHttpStatus, checkSameAcuse } from '../../src/programs/mx-pgs/expectations.ts';
import type { SelloWorld } from '../support/world.ts';
import { pgs } from './pgs-context.ts';

Then('el acuse es ACEPTADO', function (this: SelloWorld) {
  this.report(checkAcuse(pgs(this).lastResult(), { estatus: 'ACEPTADO', codigo: 'PGS-000' }, this.primaryRequirement));
});

Then(
  'el acuse es RECHAZADO con código {string} por la regla {string} en el campo {string}',
  function (this: SelloWorld, codigo: string, regla: string, campo: string) {
    this.report(checkAcuse(pgs(this).lastResult(), { estatus: 'RECHAZADO', codigo, regla, campo }, this.primaryRequirement));
  },
);

Then('el acuse es RECHAZADO con código {string}', function (this: SelloWorld, codigo: string) {
  this.report(checkAcuse(pgs(this).lastResult(), { estatus: 'RECHAZADO', codigo }, this.primaryRequirement));
});

Then('la respuesta HTTP es {int}', function (this: SelloWorld, status: number) {
  this.report(checkHttpStatus(pgs(this).lastResult(), status, this.primaryRequirement));
});

Then('recibe el mismo acuse que la primera vez', function (this: SelloWorld) {
  const context = pgs(this);
  if (!context.previous) throw new Error('no earlier call to compare with');
  this.report(checkSameAcuse(context.previous, context.lastResult(), this.primaryRequirement));
});
