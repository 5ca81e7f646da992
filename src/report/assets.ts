import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/*
 * The stylesheet and page script of the report pages live as plain files next to this module, so they can be read,
 * linted and diffed as CSS and JavaScript. They are inlined into each page (a report is one offline file) and the
 * page's Content-Security-Policy allows exactly these bytes by hash: nothing else inline may style or run.
 */

const cache = new Map<string, string>();

export function readAsset(name: 'report.css' | 'report.js'): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/** A CSP source expression allowing exactly this inline text. */
export const cspHash = (text: string): string => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/** The policy of a page that runs `script` (if any) and is styled by `style`, and can load or send nothing. */
export function contentSecurityPolicy(style: string, script?: string): string {
  return `default-src 'none'; style-src ${cspHash(style)}; script-src ${script === undefined ? "'none'" : cspHash(script)}; img-src data:; base-uri 'none'; form-action 'none'`;
}
