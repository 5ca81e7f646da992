/**
 * Planted defects for a reference node, so Sello can prove that its suites catch a broken system
 * (a suite that cannot fail certifies nothing). Written `name` or `name=value`.
 */
export class FaultSet {
  readonly #faults = new Map<string, string>();

  constructor(specs: readonly string[] = []) {
    for (const spec of specs) {
      const equals = spec.indexOf('=');
      const name = equals < 0 ? spec : spec.slice(0, equals);
      const value = equals < 0 ? 'true' : spec.slice(equals + 1);
      this.#faults.set(name.trim(), value.trim());
    }
  }

  has(name: string): boolean {
    return this.#faults.has(name);
  }

  numberParam(name: string, fallback: number): number {
    const value = Number(this.#faults.get(name));
    return Number.isFinite(value) ? value : fallback;
  }

  list(): string[] {
    return [...this.#faults].map(([name, value]) => (value === 'true' ? name : `${name}=${value}`));
  }
}
