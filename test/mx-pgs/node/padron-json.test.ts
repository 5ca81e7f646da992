import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syntheticBeneficiario } from '../../../programs/mx-pgs/lib/synthetic.ts';
import { Padron } from '../../../programs/mx-pgs/reference/padron.ts';
import { SeededRandom } from '../../../src/identifiers/seeded-random.ts';

test('jsonOf is JSON.stringify of the stored record, and follows the record when it is replaced', () => {
  const padron = new Padron();
  const record = syntheticBeneficiario(new SeededRandom('padron-json'), { institucion: 'SSA', today: '2025-06-15' });
  assert.equal(padron.jsonOf(record.curp), undefined);
  padron.put(record);
  assert.equal(padron.jsonOf(record.curp), JSON.stringify(padron.byCurp(record.curp)));
  padron.put({ ...record, afiliacion: { ...record.afiliacion, estatus: 'BAJA', vigenciaFin: '2025-06-15' } });
  const after = JSON.parse(padron.jsonOf(record.curp)!) as { afiliacion: { estatus: string } };
  assert.equal(after.afiliacion.estatus, 'BAJA');
  assert.equal(padron.jsonOf(record.curp), JSON.stringify(padron.byCurp(record.curp)));
});
