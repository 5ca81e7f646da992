import { When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import type { Institucion } from '../lib/types.ts';
import { pgs } from './pgs-context.ts';

When('{institucion} envía un alta con el cuerpo:', async function (this: SelloWorld, at: Institucion, body: string) {
  await pgs(this).send({ operation: 'alta', at, as: at, body });
});

When('{institucion} envía la baja de {string} con el cuerpo:', async function (this: SelloWorld, at: Institucion, alias: string, body: string) {
  const context = pgs(this);
  await context.send({ operation: 'baja', at, as: at, curp: context.curpOf(alias), body });
});

When('{institucion} envía el alta de {string} con el campo desconocido {string}', async function (this: SelloWorld, at: Institucion, alias: string, field: string) {
  const record = { ...pgs(this).recordFor(alias, at), [field]: 'valor inesperado' };
  await pgs(this).send({ operation: 'alta', at, as: at, body: record });
});

When('{institucion} envía el alta de {string} sin token', async function (this: SelloWorld, at: Institucion, alias: string) {
  await pgs(this).send({ operation: 'alta', at, as: at, body: pgs(this).recordFor(alias, at), auth: 'none' });
});

When('{institucion} envía el alta de {string} con un token que el nodo no emitió', async function (this: SelloWorld, at: Institucion, alias: string) {
  await pgs(this).send({ operation: 'alta', at, as: at, body: pgs(this).recordFor(alias, at), auth: 'invalid' });
});

When('{institucion} intenta dar de alta a {string} en el padrón {institucion}', async function (this: SelloWorld, as: Institucion, alias: string, at: Institucion) {
  await pgs(this).send({ operation: 'alta', at, as, body: pgs(this).recordFor(alias, at) });
});

When('{institucion} envía el alta de {string} con su token pero con X-Institucion {string}', async function (this: SelloWorld, at: Institucion, alias: string, header: string) {
  await pgs(this).send({ operation: 'alta', at, as: at, body: pgs(this).recordFor(alias, at), institucionHeader: header });
});

When('{institucion} envía sin token un alta con el cuerpo:', async function (this: SelloWorld, at: Institucion, body: string) {
  await pgs(this).send({ operation: 'alta', at, as: at, body, auth: 'none' });
});

When('{institucion} intenta enviar al padrón {institucion} un alta con el cuerpo:', async function (this: SelloWorld, as: Institucion, at: Institucion, body: string) {
  await pgs(this).send({ operation: 'alta', at, as, body });
});

When('{institucion} reenvía el mismo mensaje', async function (this: SelloWorld, at: Institucion) {
  const context = pgs(this);
  const first = context.lastResult();
  await context.send({ ...first.call, at, messageId: first.messageId });
});

When('{institucion} reenvía el mismo X-Message-Id con otro contenido', async function (this: SelloWorld, at: Institucion) {
  const context = pgs(this);
  const first = context.lastResult();
  const body = structuredClone(first.call.body) as { domicilio: { cp: string } };
  body.domicilio.cp = body.domicilio.cp === '01000' ? '01001' : '01000';
  await context.send({ ...first.call, at, body, messageId: first.messageId });
});
