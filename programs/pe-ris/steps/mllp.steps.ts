import { Given, Then, When } from '@cucumber/cucumber';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { FS, frameMllp, parseEr7, VT, valueAt } from '../../../src/hl7v2/index.ts';
import { ackCode } from '../../../src/transport/mllp-client.ts';
import { fail, type JudgedFinding } from '../judges/expectations.ts';
import { judgeSihceAck } from '../judges/wire.ts';
import { buildTriageBundle } from '../lib/triage-bundle.ts';
import { buildAdtA04, triageFacts, type V2BuildOptions } from '../lib/v2-messages.ts';
import { report, ris } from './ris-context.ts';
import { FRAMING } from './timeouts.ts';

/** The ADT^A04 the engine would send for the scenario's citizen (Sello plays the engine). */
function adtOf(world: SelloWorld, alias: string, opts: V2BuildOptions & { withoutDni?: boolean; type?: string } = {}): string {
  const context = ris(world);
  const c = context.citizen(alias);
  const { bundle } = buildTriageBundle(context.rng.fork(`adt:${alias}`), { person: c.person, prioridad: 'III', renipress: context.renipress, at: new Date() });
  c.facts = triageFacts(bundle)!;
  let message = buildAdtA04(c.facts, { ...opts, controlId: opts.controlId ?? context.messageId() });
  if (opts.withoutDni) message = message.replace(/^(PID\|1\|\|)[^|]*/m, '$1');
  if (opts.type) message = message.replace('|ADT^A04^ADT_A01|', `|${opts.type}|`);
  return message;
}

async function send(world: SelloWorld, message: string | undefined, raw?: Buffer, bytes?: Buffer): Promise<void> {
  const context = ris(world);
  context.previous = context.last;
  context.last = await context.client.mllp({ ...(message !== undefined ? { message } : {}), ...(raw ? { raw } : {}), ...(bytes ? { bytes } : {}) });
}

When('el motor envía al SIHCE el ADT^A04 de {string}', async function (this: SelloWorld, alias: string) {
  await send(this, adtOf(this, alias));
});

When('el motor envía al SIHCE el ADT^A04 de {string} en modo de confirmación mejorado', async function (this: SelloWorld, alias: string) {
  await send(this, adtOf(this, alias, { enhanced: true }));
});

When('el motor envía al SIHCE el ADT^A04 de {string} en Latin-1 aunque MSH-18 declara UTF-8', async function (this: SelloWorld, alias: string) {
  // A compound surname with an Ñ: in Latin-1 it is one byte (0xD1), never valid UTF-8.
  const message = adtOf(this, alias).replace(/^(PID\|1\|\|[^|]*\|\|)([^^|]*)/m, '$1$2-MUÑOZ');
  await send(this, message, undefined, Buffer.from(message, 'latin1'));
});

When('el motor envía al SIHCE el ADT^A04 de {string} sin DNI en PID-3', async function (this: SelloWorld, alias: string) {
  await send(this, adtOf(this, alias, { withoutDni: true }));
});

When('el motor envía al SIHCE un {word} de {string}', async function (this: SelloWorld, type: string, alias: string) {
  await send(this, adtOf(this, alias, { type: `${type}^${type.replace('^', '_')}` }));
});

When('el motor reenvía el mismo mensaje', async function (this: SelloWorld) {
  const first = ris(this).lastExchange();
  await send(this, String(first.request.body));
});

When('el motor reutiliza el MSH-10 de ese mensaje para el ADT^A04 de {string}', async function (this: SelloWorld, alias: string) {
  const first = ris(this).lastExchange();
  const controlId = valueAt(parseEr7(String(first.request.body)), { segment: 'MSH', field: 10 });
  await send(this, adtOf(this, alias, { controlId }));
});

When('el motor envía al SIHCE bytes que no son un mensaje HL7', FRAMING, async function (this: SelloWorld) {
  await send(this, undefined, Buffer.from('GET / HTTP/1.1\r\nHost: sihce\r\n\r\n', 'latin1'));
});

When('el motor envía al SIHCE el ADT^A04 de {string} en un marco sin FS', FRAMING, async function (this: SelloWorld, alias: string) {
  // The frame loses its end: a new VT (a second, good frame) arrives first.
  const first = Buffer.from(adtOf(this, alias), 'utf8');
  const second = frameMllp(adtOf(this, `${alias} (bis)`));
  await send(this, undefined, Buffer.concat([Buffer.from([VT]), first, second]));
});

When('el motor envía al SIHCE el ADT^A04 de {string} con FS sin CR', FRAMING, async function (this: SelloWorld, alias: string) {
  const body = Buffer.from(adtOf(this, alias), 'utf8');
  await send(this, undefined, Buffer.concat([Buffer.from([VT]), body, Buffer.from([FS]), Buffer.from('X', 'latin1')]));
});

When('el motor envía al SIHCE el ADT^A04 de {string} en un marco que nunca se cierra', FRAMING, async function (this: SelloWorld, alias: string) {
  const body = Buffer.from(adtOf(this, alias), 'utf8');
  await send(this, undefined, Buffer.concat([Buffer.from([VT]), body]));
});

/** MSA-1 as expected, ERR present on a refusal, and (for a readable original) the ACK's own checks. */
function expectAck(world: SelloWorld, codes: string[], opts: { errCode?: string } = {}): void {
  const x = ris(world).lastExchange();
  const ack = typeof x.response?.body === 'string' ? x.response.body : undefined;
  const rule = world.primaryRequirement;
  if (ack === undefined) {
    report(world, [
      { ...fail(rule, 'timeout', 'MSA', `El SIHCE no respondió: ${x.error ?? 'sin respuesta'}.`, `SIHCE did not answer: ${x.error ?? 'no reply'}.`, 'hl7v2'), exchangeId: x.id, side: 'response' },
    ]);
    return;
  }
  const { code } = ackCode(ack);
  const out: JudgedFinding[] = [];
  if (!codes.includes(code)) {
    out.push({
      ...fail(rule, 'business-rule', 'MSA-1', `Se esperaba MSA-1 ${codes.join(' o ')}; llegó «${code}».`, `Expected MSA-1 ${codes.join(' or ')}; got "${code}".`, 'hl7v2'),
      exchangeId: x.id,
      side: 'response',
    });
  }
  const m = parseEr7(ack);
  const errs = m.ok ? m.segments.filter((s) => s.id === 'ERR') : [];
  if (!['AA', 'CA'].includes(code) && errs.length === 0) {
    out.push({
      ...fail('RIS-V2-01', 'required', 'ERR', `El ${code} no trae ERR que diga qué estuvo mal.`, `The ${code} carries no ERR saying what was wrong.`, 'hl7v2'),
      exchangeId: x.id,
      side: 'response',
    });
  }
  if (opts.errCode && errs.length > 0 && !errs.some((_, i) => valueAt(m, { segment: 'ERR', occurrence: i + 1, field: 3, component: 1 }) === opts.errCode)) {
    out.push({ ...fail(rule, 'value', 'ERR-3', `Se esperaba ERR-3 ${opts.errCode}.`, `Expected ERR-3 ${opts.errCode}.`, 'hl7v2'), exchangeId: x.id, side: 'response' });
  }
  // The ACK's own conformance (profile, MSA-2 correlation, routing; its framing), whatever the scenario tests.
  out.push(...judgeSihceAck(x));
  report(
    world,
    out.map((f) => ({ ...f, role: 'sihce' })),
  );
}

Then('el SIHCE responde {ack} con un ERR', function (this: SelloWorld, code: string) {
  expectAck(this, code === 'AR' ? ['AR', 'CR'] : code === 'AE' ? ['AE', 'CE'] : [code]);
});

Then('el SIHCE responde {ack} con el código de error {string}', function (this: SelloWorld, code: string, errCode: string) {
  expectAck(this, code === 'AR' ? ['AR', 'CR'] : [code], { errCode });
});

Then('el SIHCE responde {ack}', function (this: SelloWorld, code: string) {
  expectAck(this, [code]);
});

Then('el SIHCE sigue atendiendo: el ADT^A04 de {string} recibe AA', async function (this: SelloWorld, alias: string) {
  await send(this, adtOf(this, `${alias} (después)`));
  expectAck(this, ['AA']);
});

Then('recibe el mismo ACK que la primera vez', function (this: SelloWorld) {
  const context = ris(this);
  const first = String(context.previous?.response?.body ?? '');
  const second = String(context.lastExchange().response?.body ?? '');
  if (first !== second) {
    report(this, [
      {
        ...fail(this.primaryRequirement, 'duplicate', 'MSA', 'La retransmisión no recibió el mismo ACK que el original.', "The retransmission did not get the original's ACK.", 'hl7v2'),
        exchangeId: context.lastExchange().id,
        side: 'response',
      },
    ]);
  }
});

Given('que el SIHCE rechaza el próximo mensaje HL7 v2 con AE', function (this: SelloWorld) {
  const sihce = ris(this).deployment.local.sihce;
  if (!sihce) throw new Error('SIHCE is the system under test: Sello cannot make it refuse');
  sihce.refuseNextMessages(1, 'AE');
});
