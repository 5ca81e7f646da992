import { isObject } from '../util/is-object.ts';
import type { ExchangeEntry } from './model.ts';
import type { MessageSelector } from './requirement-model.ts';

/*
 * Whether an exchanged message is one a requirement's selector names: protocol, method, URL path, message type,
 * and the JSON pointer a finding located in it.
 */

function urlPath(url: string | undefined): string {
  if (!url) return '';
  try {
    return new URL(url, 'http://x').pathname;
  } catch {
    return url.split('?')[0] ?? '';
  }
}

const regexCache = new Map<string, RegExp>();

function re(source: string): RegExp {
  let r = regexCache.get(source);
  if (!r) regexCache.set(source, (r = new RegExp(source)));
  return r;
}

function bodyOf(x: ExchangeEntry, side: 'request' | 'response'): unknown {
  const m = side === 'request' ? x.request : x.response;
  return m && typeof m === 'object' ? m.body : undefined;
}

/**
 * Does message `side` of exchange `x` fall under the selector? With no side given by the caller, either side
 * that fits the selector will do. `pointer` is only tested when a finding location is given.
 */
export function selectorMatches(sel: MessageSelector, x: ExchangeEntry, side?: 'request' | 'response', pointer?: string): boolean {
  if (sel.side && side && sel.side !== side) return false;
  if (sel.method && !re(sel.method).test(String(x.method ?? ''))) return false;
  if (sel.path && !re(sel.path).test(urlPath(x.url))) return false;
  if (sel.status && !(typeof x.status === 'number' && Math.floor(x.status / 100) === Number(sel.status[0]))) return false;
  if (pointer !== undefined && sel.pointer && !re(sel.pointer).test(pointer)) return false;
  if (sel.has || sel.keys) {
    const sides: ('request' | 'response')[] = sel.side ? [sel.side] : side ? [side] : ['request', 'response'];
    const fits = sides.some((s) => {
      const body = bodyOf(x, s);
      if (!isObject(body)) return false;
      if (sel.has && !sel.has.every((k) => Object.hasOwn(body, k))) return false;
      if (sel.keys) {
        const keys = Object.keys(body);
        if (keys.length !== sel.keys.length || !sel.keys.every((k) => keys.includes(k))) return false;
      }
      return true;
    });
    if (!fits) return false;
  }
  return true;
}
