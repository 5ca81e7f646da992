import type { Finding } from '../../../../src/findings/finding.ts';
import { bundleEntries } from '../../lib/triage-bundle.ts';
import { isObject, type RpRule, rpError } from './shared.ts';

/**
 * RP-08: every reference inside the Bundle's resources resolves inside the Bundle: to an entry's fullUrl, or
 * (relative `Type/id`) to an entry with that type and id. Contained references (`#…`) and logical references
 * (identifier only, like the Task owner's RENIPRESS) are not literal references and are not checked here.
 */
export const rp08Referencias: RpRule = {
  id: 'RP-08',
  check(ctx) {
    const entries = bundleEntries(ctx.bundle);
    const fullUrls = new Set(entries.map((e) => e.fullUrl).filter((u): u is string => u !== undefined));
    const typed = new Set(entries.filter((e) => typeof e.resource.id === 'string').map((e) => `${String(e.resource.resourceType)}/${String(e.resource.id)}`));
    const resolves = (ref: string): boolean => {
      if (ref.startsWith('#') || fullUrls.has(ref) || typed.has(ref)) return true;
      const m = /([A-Za-z]+\/[A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/.exec(ref);
      return m !== null && [...fullUrls].some((u) => u.endsWith(`/${m[1]}`));
    };
    const findings: Finding[] = [];
    const walk = (value: unknown, path: string, depth: number): void => {
      if (depth > 40) return;
      if (Array.isArray(value)) {
        value.forEach((v, i) => {
          walk(v, `${path}[${i}]`, depth + 1);
        });
        return;
      }
      if (!isObject(value)) return;
      for (const [key, v] of Object.entries(value)) {
        if (key === 'reference' && typeof v === 'string') {
          if (!resolves(v)) {
            findings.push(
              rpError('RP-08', 'not-found', `${path}.reference`, {
                es: `La referencia «${v}» no apunta a ninguna entrada del Bundle.`,
                en: `Reference "${v}" does not point to any entry of the Bundle.`,
              }),
            );
          }
          continue;
        }
        walk(v, `${path}.${key}`, depth + 1);
      }
    };
    for (const e of entries) walk(e.resource, e.path, 0);
    return findings;
  },
};
