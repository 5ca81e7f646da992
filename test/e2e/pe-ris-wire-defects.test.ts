import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type FrameRewrite, mapSegments, startMllpProxy } from './mllp-proxy.ts';
import { type ProxiedRequest, type ProxiedResponse, startRewritingProxy } from './rewriting-proxy.ts';
import { freePorts, latestReport, removeTempDir, runSello, startSelloMocks, tempDir } from './sello-process.ts';

// Vendor bugs on the pe-ris wire, injected between Sello and a reference role (the engine's v2 messages to SIHCE, and
// SIHCE's ACKs and FHIR answers): the certification must name the rule the bug breaks, judged on the message that
// carries it — not "triage refused" (RIS-FLOW-01), not a cascade, not an infrastructure error.

let activeV2: FrameRewrite | undefined;
let activeHttp: ((request: ProxiedRequest, response: ProxiedResponse) => ProxiedResponse | undefined) | undefined;
const passThrough: FrameRewrite = (message) => message;
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function failedRules(target: string, out: string, tags?: string): Promise<{ failed: string[]; code: number; verdict: string }> {
  const result = await runSello(['run', '--quiet', '--target', target, '--out', out, ...(tags ? ['--tags', tags] : [])], {}, 600_000);
  const report = await latestReport(out).catch((error: unknown) => {
    throw new Error(`sello run wrote no report (exit ${result.code}): ${String(error)}\n${result.stdout}\n${result.stderr}`);
  });
  return { failed: report.rules.filter((r) => r.verdict === 'failed').map((r) => r.id), code: result.code, verdict: report.verdict };
}

/** The engine (reference, as a stand-in SUT) sends its v2 messages to Sello's SIHCE through the proxy. */
const engineBench = (async () => {
  const dir = await tempDir('sello-pe-wire-engine-');
  const [engine, sihce, sihceMllp, qhali] = await freePorts(4);
  const proxy = await startMllpProxy(sihceMllp!, { toUpstream: (m) => (activeV2 ?? passThrough)(m) });
  const targetFor = async (name: string, mllpPort: number) => {
    const file = join(dir, name);
    await writeFile(
      file,
      `program: pe-ris
sut:
  role: engine
  fhirBaseUrl: http://127.0.0.1:${engine}/fhir
  notificationUrl: http://127.0.0.1:${engine}/notificaciones/sihce
mocks:
  ports: { sihce: ${sihce}, sihceMllp: ${mllpPort}, qhali: ${qhali} }
timeouts: { requestMs: 5000, propagationMs: 4000 }
`,
    );
    return file;
  };
  const runTarget = await targetFor('engine.yaml', sihceMllp!);
  const engineSide = await targetFor('engine-side.yaml', proxy.port);
  const sut = await startSelloMocks(['--program', 'pe-ris', '--target', engineSide, '--role', 'engine', '--port', String(engine)]);
  cleanups.push(async () => {
    await sut.stop();
    await proxy.stop();
    await removeTempDir(dir);
  });
  return { dir, runTarget };
})();

/** Sello's engine stand-in talks to the reference SIHCE (as a stand-in SUT) through an MLLP and an HTTP proxy. */
const sihceBench = (async () => {
  const dir = await tempDir('sello-pe-wire-sihce-');
  const [fhir, mllp, engine, qhali] = await freePorts(4);
  const mllpProxy = await startMllpProxy(mllp!, { toClient: (m) => (activeV2 ?? passThrough)(m) });
  const httpProxy = await startRewritingProxy(`http://127.0.0.1:${fhir}`, { response: (q, r) => activeHttp?.(q, r) ?? r });
  const write = async (name: string, fhirBase: string, mllpPort: number) => {
    const file = join(dir, name);
    await writeFile(
      file,
      `program: pe-ris
sut:
  role: sihce
  fhirBaseUrl: ${fhirBase}/fhir
  mllp: { host: 127.0.0.1, port: ${mllpPort} }
mocks:
  ports: { engine: ${engine}, qhali: ${qhali} }
timeouts: { requestMs: 5000, propagationMs: 4000 }
`,
    );
    return file;
  };
  const runTarget = await write('sihce.yaml', httpProxy.url, mllpProxy.port);
  const sutSide = await write('sihce-side.yaml', `http://127.0.0.1:${fhir}`, mllp!);
  const sut = await startSelloMocks(['--program', 'pe-ris', '--target', sutSide, '--role', 'sihce', '--port', String(fhir), '--mllp-port', String(mllp)]);
  cleanups.push(async () => {
    await sut.stop();
    await mllpProxy.stop();
    await httpProxy.stop();
    await removeTempDir(dir);
  });
  return { dir, runTarget };
})();

const field = (fields: string[], n: number): string => fields[n] ?? '';
const withField = (fields: string[], n: number, value: string): string[] => {
  const out = [...fields];
  while (out.length <= n) out.push('');
  out[n] = value;
  return out;
};
// MSH-n is fields[n - 1]: MSH-1 is the field separator itself.
const mshIndex = (n: number) => n - 1;

const ENGINE_DEFECTS: { name: string; rules: string[]; rewrite: FrameRewrite }[] = [
  {
    name: 'registers the patient with the wrong trigger event (ADT^A01)',
    rules: ['RIS-V2-04'],
    rewrite: (m) => mapSegments(m, (f) => (f[0] === 'MSH' && field(f, mshIndex(9)).startsWith('ADT^A04') ? withField(f, mshIndex(9), 'ADT^A01^ADT_A01') : f)),
  },
  {
    name: 'writes PID-3 without the assigning authority and identifier type',
    rules: ['RIS-V2-04'],
    rewrite: (m) =>
      mapSegments(m, (f) =>
        f[0] === 'PID'
          ? withField(
              f,
              3,
              field(f, 3)
                .split('~')
                .map((cx) => cx.split('^').slice(0, 2).join('^'))
                .join('~'),
            )
          : f,
      ),
  },
  {
    name: 'leaves the RENIPRESS out of PV1-3',
    rules: ['RIS-V2-04'],
    rewrite: (m) => mapSegments(m, (f) => (f[0] === 'PV1' ? withField(f, 3, field(f, 3).split('^').slice(0, 1).join('^')) : f)),
  },
  {
    name: 'drops the DNI check character from PID-3',
    rules: ['RP-02'],
    rewrite: (m) =>
      mapSegments(m, (f) =>
        f[0] === 'PID'
          ? withField(
              f,
              3,
              field(f, 3)
                .split('~')
                .map((cx) => {
                  const c = cx.split('^');
                  if (c.length > 1) c[1] = '';
                  return c.join('^');
                })
                .join('~'),
            )
          : f,
      ),
  },
];

test('control: the engine and SIHCE benches pass clean through their proxies', async () => {
  for (const bench of [await engineBench, await sihceBench]) {
    const { failed, code, verdict } = await failedRules(bench.runTarget, join(bench.dir, 'clean'));
    assert.deepEqual(failed, [], `${verdict}, exit ${code}`);
    assert.equal(code, 0);
  }
});

for (const defect of ENGINE_DEFECTS) {
  test(`an engine that ${defect.name} fails ${defect.rules.join(' or ')}, judged on its v2 message`, async () => {
    const { dir, runTarget } = await engineBench;
    activeV2 = defect.rewrite;
    try {
      const { failed, code, verdict } = await failedRules(runTarget, join(dir, `run-${ENGINE_DEFECTS.indexOf(defect)}`));
      assert.equal(failed.length, 1, `exactly one rule fails, got ${failed.join(', ')} (${verdict}, exit ${code})`);
      assert.ok(defect.rules.includes(failed[0]!), `failed ${failed[0]}, expected ${defect.rules.join(' or ')}`);
      assert.equal(code, 3);
    } finally {
      activeV2 = undefined;
    }
  });
}

// A broken ACK makes every v2 exchange wait out requestMs: SIHCE's defects run over the scenarios of the leg they
// break (and everything those scenarios judge), which keeps this file inside CI's budget.
const V2_SCENARIOS = '@RIS-V2-01 or @RIS-V2-02 or @RIS-V2-03';
const SIHCE_DEFECTS: { name: string; rules: string[]; tags: string; v2?: FrameRewrite; http?: (request: ProxiedRequest, response: ProxiedResponse) => ProxiedResponse | undefined }[] = [
  {
    name: 'acknowledges with an MSA-2 that is not the original MSH-10',
    rules: ['RIS-V2-01'],
    tags: V2_SCENARIOS,
    v2: (m) => mapSegments(m, (f) => (f[0] === 'MSA' ? withField(f, 2, `X${field(f, 2)}`) : f)),
  },
  {
    name: 'sends AE/AR without an ERR segment',
    rules: ['RIS-V2-01'],
    tags: V2_SCENARIOS,
    v2: (m) => mapSegments(m, (f) => (f[0] === 'ERR' ? undefined : f)),
  },
  {
    name: 'ends its ACK frames without the trailing CR',
    rules: ['RIS-V2-01', 'RIS-V2-03'],
    tags: V2_SCENARIOS,
    v2: (m) => ({ raw: Buffer.concat([Buffer.from([0x0b]), m, Buffer.from([0x1c])]) }),
  },
  {
    name: 'answers a create with 200 instead of 201',
    rules: ['RIS-FHIR-02'],
    tags: '@RIS-FHIR-01 or @RIS-FHIR-02',
    http: (request, response) => (request.method === 'POST' && response.status === 201 && !/\/fhir\/?$/.test(request.path) ? { ...response, status: 200 } : undefined),
  },
];

for (const defect of SIHCE_DEFECTS) {
  test(`a SIHCE that ${defect.name} fails ${defect.rules.join(' or ')}`, async () => {
    const { dir, runTarget } = await sihceBench;
    activeV2 = defect.v2;
    activeHttp = defect.http;
    try {
      const { failed, code, verdict } = await failedRules(runTarget, join(dir, `run-${SIHCE_DEFECTS.indexOf(defect)}`), defect.tags);
      assert.equal(failed.length, 1, `exactly one rule fails, got ${failed.join(', ')} (${verdict}, exit ${code})`);
      assert.ok(defect.rules.includes(failed[0]!), `failed ${failed[0]}, expected ${defect.rules.join(' or ')}`);
      assert.equal(code, 3);
    } finally {
      activeV2 = undefined;
      activeHttp = undefined;
    }
  });
}
