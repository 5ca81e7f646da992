import { Then } from '@cucumber/cucumber';
import { DEFAULT_BUDGET } from '../../../src/cucumber/timeouts.ts';
import type { SelloWorld } from '../../../src/cucumber/world.ts';
import { WaitTimeoutError, waitFor } from '../../../src/util/wait.ts';
import type { AlertaIndice, EstatusAfiliacion, Institucion } from '../lib/types.ts';
import { onNodeExchange, pgs } from './pgs-context.ts';

// The waits below end at the propagation limit and report RN-09/RN-08 findings; the step budget must outlast the
// wait plus the poll in flight when it ends, so the verdict is a finding, not a step timeout.
const INDEX_STEP = { wrapperOptions: { budget: DEFAULT_BUDGET } };

interface IndexView {
  afiliaciones: { institucion: Institucion; estatus: EstatusAfiliacion }[];
  alertas: AlertaIndice[];
}

interface IndexExpectation {
  /** What the index must eventually show; anything else is "not yet". */
  accept: (view: IndexView) => boolean;
  what: string;
  /** The requirement broken when it never does, and where, in es and en. */
  ruleId: string;
  location: string;
  es: string;
  en: string;
}

/**
 * Polls the central index over HTTP, as SSA would, until it shows what is expected or the propagation limit passes;
 * then the requirement's finding says what was last seen. A 404 is "not there yet", not a failure.
 */
async function expectIndex(world: SelloWorld, curp: string, expectation: IndexExpectation): Promise<IndexView | undefined> {
  const context = pgs(world);
  try {
    return await waitFor(
      async () => {
        const result = await context.request({ operation: 'consulta-indice', at: 'SSA', as: 'SSA', curp });
        world.report(result.findings);
        const view = result.status === 200 ? (result.body as IndexView) : undefined;
        if (view && expectation.accept(view)) return view;
        return { pending: view ? JSON.stringify({ afiliaciones: view.afiliaciones, alertas: view.alertas }) : 'CURP ausente del índice' };
      },
      { what: expectation.what, timeoutMs: context.propagationMs, wakeOn: onNodeExchange },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    const seen = error.lastObservation;
    world.report([
      {
        ruleId: expectation.ruleId,
        severity: 'error',
        code: 'timeout',
        location: expectation.location,
        locationKind: 'json-pointer',
        message: {
          es: `${expectation.es} (esperado ${error.timeoutMs} ms; visto: ${seen ?? 'nada'})`,
          en: `${expectation.en} (waited ${error.timeoutMs} ms; seen: ${seen ?? 'nothing'})`,
        },
      },
    ]);
    return undefined;
  }
}

Then('el índice central registra a {string} en {institucion} con estatus {string} a tiempo', INDEX_STEP, async function (this: SelloWorld, alias: string, institucion: Institucion, estatus: string) {
  const curp = pgs(this).curpOf(alias);
  await expectIndex(this, curp, {
    accept: (view) => view.afiliaciones.some((a) => a.institucion === institucion && a.estatus === estatus),
    what: `the central index to show ${curp} at ${institucion} as ${estatus}`,
    ruleId: 'RN-09',
    location: '/afiliaciones',
    es: `El cambio de ${curp} en ${institucion} (${estatus}) no llegó al índice central a tiempo`,
    en: `The change of ${curp} at ${institucion} (${estatus}) did not reach the central index in time`,
  });
});

Then('el índice central marca a {string} con la alerta {string}', INDEX_STEP, async function (this: SelloWorld, alias: string, alerta: AlertaIndice) {
  const curp = pgs(this).curpOf(alias);
  await expectIndex(this, curp, {
    accept: (view) => view.alertas.includes(alerta),
    what: `alert ${alerta} on ${curp} in the central index`,
    ruleId: 'RN-08',
    location: '/alertas',
    es: `El índice central no marcó ${curp} con ${alerta}`,
    en: `The central index did not flag ${curp} with ${alerta}`,
  });
});

Then('el índice central registra {int} afiliaciones de {string} sin alertas', INDEX_STEP, async function (this: SelloWorld, count: number, alias: string) {
  const curp = pgs(this).curpOf(alias);
  const view = await expectIndex(this, curp, {
    accept: (current) => current.afiliaciones.length >= count,
    what: `${count} affiliations of ${curp} in the central index`,
    ruleId: 'RN-09',
    location: '/afiliaciones',
    es: `El índice central no recibió las ${count} afiliaciones de ${curp}`,
    en: `The central index did not receive the ${count} affiliations of ${curp}`,
  });
  if (view && view.alertas.length > 0) {
    this.report([
      {
        ruleId: 'RN-08',
        severity: 'error',
        code: 'business-rule',
        location: '/alertas',
        locationKind: 'json-pointer',
        message: { es: `Alertas indebidas para ${curp}: ${view.alertas.join(', ')}`, en: `Unwarranted alerts for ${curp}: ${view.alertas.join(', ')}` },
      },
    ]);
  }
});

Then('el índice central registra la nueva vigencia de {string} en {institucion} a tiempo', INDEX_STEP, async function (this: SelloWorld, alias: string, institucion: Institucion) {
  const context = pgs(this);
  const curp = context.curpOf(alias);
  const vigenciaFin = context.storedRecord(institucion, alias)?.afiliacion.vigenciaFin;
  await expectIndex(this, curp, {
    accept: (view) => view.afiliaciones.some((a) => a.institucion === institucion && (a as { vigenciaFin?: string }).vigenciaFin === vigenciaFin),
    what: `the central index to show ${curp} at ${institucion} until ${String(vigenciaFin)}`,
    ruleId: 'RN-09',
    location: '/afiliaciones',
    es: `La actualización de ${curp} en ${institucion} (vigenciaFin ${String(vigenciaFin)}) no llegó al índice central a tiempo`,
    en: `The actualización of ${curp} at ${institucion} (vigenciaFin ${String(vigenciaFin)}) did not reach the central index in time`,
  });
});
