/**
 * A receiver's Bulk export (CONTRACT.md "Cohorts"): kick-off with Accept application/fhir+json and Prefer
 * respond-async (RE-08) passing `_type` and `_since` unchanged (RE-11), polls no sooner than Retry-After (RE-09),
 * downloads every output and error file counting lines (RE-10, RE-13), or cancels with DELETE (RE-12).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sendHttp } from '../../../src/transport/http-client.ts';
import type { ExportCommand, ExportOutcome } from '../lib/contract.ts';
import { PATH, roleOfInstitution } from '../lib/contract.ts';
import { retryAfterMs } from '../lib/retry-after.ts';
import type { ReceiverContext } from './receiver-context.ts';
import { streamGet } from './stream-get.ts';

type Manifest = { output?: Array<{ type?: string; url?: string }>; error?: Array<{ url?: string }> };

const FAILED: ExportOutcome = { estado: 'fallido', recursos: {}, errores: 0 };

export async function runExport(ctx: ReceiverContext, command: ExportCommand): Promise<ExportOutcome> {
  const { faults } = ctx;
  const deadline = Date.now() + ctx.exportMs;
  const query = new URLSearchParams();
  if (!faults.has('rx-drops-type-since')) {
    if (command._type !== undefined) query.set('_type', command._type);
    if (command._since !== undefined) query.set('_since', command._since);
  }
  const call = (method: string, url: string, headers: Record<string, string> = {}) =>
    sendHttp(ctx.journal, {
      method,
      url,
      headers: { 'x-institucion': ctx.institution, ...headers },
      from: roleOfInstitution(ctx.institution) ?? ctx.institution,
      to: 'imss-ece',
      timeoutMs: ctx.timeoutMs,
    });
  const base = command.fuente.replace(/\/$/, '');
  const kickOff = await call('GET', `${base}${PATH.export.replace(/^\/fhir/, '')}${query.size > 0 ? `?${query}` : ''}`, {
    accept: 'application/fhir+json',
    ...(faults.has('rx-no-prefer-async') ? {} : { prefer: 'respond-async' }),
  });
  const statusUrl = kickOff.headers['content-location'];
  if (kickOff.status !== 202 || !statusUrl) return FAILED;
  let manifest: Manifest | undefined;
  let polls = 0;
  while (!manifest) {
    const status = await call('GET', statusUrl, { accept: 'application/json' });
    polls++;
    if (command.cancelar && !faults.has('rx-no-cancel')) {
      await call('DELETE', statusUrl);
      return { estado: 'cancelado', recursos: {}, errores: 0 };
    }
    if (status.status === 200) manifest = status.json as Manifest;
    else if (status.status !== 202 || Date.now() > deadline) return FAILED;
    // At least a second, absent or unreadable Retry-After included: the least the contract lets a source ask for.
    else await sleep(faults.has('rx-ignores-retry-after') ? 50 : Math.max(1000, retryAfterMs(status.headers['retry-after'], Date.now()) ?? 1000));
    if (polls > 10_000) return FAILED;
  }
  const recursos: Record<string, number> = {};
  const outputs = (manifest.output ?? []).filter((o) => typeof o.url === 'string');
  for (const output of faults.has('rx-first-file-only') ? outputs.slice(0, 1) : outputs) {
    await eachLine(ctx, output.url!, (line) => {
      const type = typeOfLine(line) ?? output.type ?? 'desconocido';
      recursos[type] = (recursos[type] ?? 0) + 1;
    });
  }
  let errores = 0;
  for (const error of (manifest.error ?? []).filter((e) => typeof e.url === 'string')) {
    await eachLine(ctx, error.url!, () => {
      errores++;
    });
  }
  return { estado: 'completado', recursos, errores: faults.has('rx-ignores-errors') ? 0 : errores };
}

/** Reads an NDJSON file line by line as it streams; a non-200 answer counts no lines. */
async function eachLine(ctx: ReceiverContext, url: string, onLine: (line: string) => void): Promise<void> {
  await streamGet(
    ctx.journal,
    {
      url,
      headers: { accept: 'application/fhir+ndjson', 'x-institucion': ctx.institution },
      from: roleOfInstitution(ctx.institution) ?? ctx.institution,
      to: 'imss-ece',
      timeoutMs: ctx.largeTimeoutMs,
    },
    async (answer) => {
      if (answer.status !== 200) return;
      let rest = '';
      for await (const chunk of answer.body) {
        const lines = (rest + (chunk as Buffer).toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') onLine(line);
      }
      if (rest.trim() !== '') onLine(rest);
    },
  );
}

function typeOfLine(line: string): string | undefined {
  return /"resourceType"\s*:\s*"([A-Za-z]+)"/.exec(line)?.[1];
}
