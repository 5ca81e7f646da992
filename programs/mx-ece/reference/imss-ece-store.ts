/** The records imss-ece holds: by CURP and by the Patient id it gave out, each stamped with its load instant. */
import type { PatientRecord } from '../lib/record.ts';

export interface HeldRecord {
  /** The Patient id the source gave (the record's own Patient id). */
  id: string;
  record: PatientRecord;
  /** meta.lastUpdated of every resource of the record: what `_since` compares. */
  loadedAt: string;
}

export class EceRecords {
  readonly #byCurp = new Map<string, HeldRecord>();
  readonly #byId = new Map<string, HeldRecord>();

  /** Holds `record` (replacing an earlier one of the same CURP), its resources stamped with the load instant. */
  load(record: PatientRecord, at = new Date()): HeldRecord {
    const loadedAt = at.toISOString();
    for (const r of [record.patient, record.organization, record.practitioner, ...record.clinical]) r.meta = { ...r.meta, lastUpdated: loadedAt };
    const earlier = this.#byCurp.get(record.curp);
    if (earlier) this.#byId.delete(earlier.id);
    const held: HeldRecord = { id: record.patient.id ?? record.curp, record, loadedAt };
    this.#byCurp.set(record.curp, held);
    this.#byId.set(held.id, held);
    return held;
  }

  byCurp(curp: string): HeldRecord | undefined {
    return this.#byCurp.get(curp);
  }

  byId(id: string): HeldRecord | undefined {
    return this.#byId.get(id);
  }

  all(): HeldRecord[] {
    return [...this.#byCurp.values()];
  }
}
