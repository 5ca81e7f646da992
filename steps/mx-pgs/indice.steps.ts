import { Then } from '@cucumber/cucumber';

// The waits below end at the propagation limit (≤ 60 s by the target schema) and report RN-09/RN-08 findings;
// the step timeout must outlast them so the verdict is a finding, not a cucumber timeout.
const INDEX_STEP = { timeout: 75_000 };
import type { Finding } from '../../src/findings/finding.ts';
import type { AlertaIndice, EstatusAfiliacion, Institucion } from '../../src/programs/mx-pgs/types.ts';
import { waitFor, WaitTimeoutError } from '../../src/util/wait.ts';
import type { SelloWorld } from '../support/world.ts';
import { pgs, type PgsScenario } from './pgs-context.ts';

interface IndexView {
  afiliaciones: { institucion: Institucion; estatus: EstatusAfiliacion }[];
  alertas: AlertaIndice[];
}

/** Reads the central index over HTTP as SSA would, without failing the step on a 404 (not there yet). */
async function readIndex(context: PgsScenario, curp: string): Promise<IndexView | undefined> {
  const result = await context.client.send({ operation: 'consulta-indice', at: 'SSA', as: 'SSA', curp });
  context.world.report(result.findings);
  return result.status === 200 ? (result.body as IndexView) : undefined;
}

function timeoutFinding(ruleId: string, location: string, error: WaitTimeoutError, es: string, en: string): Finding {
  return {
    ruleId,
    severity: 'error',
    code: 'timeout',
    location,
    locationKind: 'json-pointer',
    message: { es: `${es} (esperado ${error.timeoutMs} ms; visto: ${error.lastObservation ?? 'nada'})`, en: `${en} (waited ${error.timeoutMs} ms; seen: ${error.lastObservation ?? 'nothing'})` },
  };
}

Then(
  'el índice central registra a {string} en {institucion} con estatus {string} a tiempo',
  INDEX_STEP,
  async function (this: SelloWorld, alias: string, institucion: Institucion, estatus: string) {
    const context = pgs(this);
    const curp = context.curpOf(alias);
    try {
      await waitFor(
        async () => {
          const view = await readIndex(context, curp);
          const entry = view?.afiliaciones.find((a) => a.institucion === institucion);
          if (entry?.estatus === estatus) return entry;
          return { pending: view ? JSON.stringify(view.afiliaciones) : 'CURP ausente del índice' };
        },
        { what: `the central index to show ${curp} at ${institucion} as ${estatus}`, timeoutMs: context.propagationMs, intervalMs: 100 },
      );
    } catch (error) {
      if (!(error instanceof WaitTimeoutError)) throw error;
      this.report([
        timeoutFinding('RN-09', '/afiliaciones', error,
          `El cambio de ${curp} en ${institucion} (${estatus}) no llegó al índice central a tiempo`,
          `The change of ${curp} at ${institucion} (${estatus}) did not reach the central index in time`),
      ]);
    }
  },
);

Then('el índice central marca a {string} con la alerta {string}', INDEX_STEP, async function (this: SelloWorld, alias: string, alerta: AlertaIndice) {
  const context = pgs(this);
  const curp = context.curpOf(alias);
  try {
    await waitFor(
      async () => {
        const view = await readIndex(context, curp);
        return view?.alertas.includes(alerta) ? view : { pending: view ? `alertas ${JSON.stringify(view.alertas)}` : 'CURP ausente del índice' };
      },
      { what: `alert ${alerta} on ${curp} in the central index`, timeoutMs: context.propagationMs },
    );
  } catch (error) {
    if (!(error instanceof WaitTimeoutError)) throw error;
    this.report([timeoutFinding('RN-08', '/alertas', error, `El índice central no marcó ${curp} con ${alerta}`, `The central index did not flag ${curp} with ${alerta}`)]);
  }
});

Then(
  'el índice central registra {int} afiliaciones de {string} sin alertas',
  INDEX_STEP,
  async function (this: SelloWorld, count: number, alias: string) {
    const context = pgs(this);
    const curp = context.curpOf(alias);
    let view: IndexView;
    try {
      view = await waitFor(
        async () => {
          const current = await readIndex(context, curp);
          return current && current.afiliaciones.length >= count ? current : { pending: current ? JSON.stringify(current.afiliaciones) : 'CURP ausente del índice' };
        },
        { what: `${count} affiliations of ${curp} in the central index`, timeoutMs: context.propagationMs },
      );
    } catch (error) {
      if (!(error instanceof WaitTimeoutError)) throw error;
      this.report([timeoutFinding('RN-09', '/afiliaciones', error, `El índice central no recibió las ${count} afiliaciones de ${curp}`, `The central index did not receive the ${count} affiliations of ${curp}`)]);
      return;
    }
    if (view.alertas.length > 0) {
      this.report([{
        ruleId: 'RN-08', severity: 'error', code: 'business-rule', location: '/alertas', locationKind: 'json-pointer',
        message: { es: `Alertas indebidas para ${curp}: ${view.alertas.join(', ')}`, en: `Unwarranted alerts for ${curp}: ${view.alertas.join(', ')}` },
      }]);
    }
  },
);
