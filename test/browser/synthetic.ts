import type { ExchangeEntry, ReportModel, RequirementReport, ScenarioReport } from '../../src/report/model.ts';

/**
 * A report of `n` scenarios shaped like a real mx-pgs run (four exchanges of ~1.3 kB each per scenario, one in
 * fifty failing with a located finding), to check report.html stays usable at the scale of a full program.
 */
export function syntheticReport(n: number): { model: ReportModel; exchanges: Map<string, ExchangeEntry[]> } {
  const roles = ['imss', 'issste', 'ssa'];
  const rules = ['RN-01', 'RN-02', 'RN-04', 'RN-05', 'RN-07', 'RN-10', 'PGS-API-01', 'PGS-API-02'];
  const exchanges = new Map<string, ExchangeEntry[]>();
  const features: ReportModel['features'] = [];
  const all: ScenarioReport[] = [];
  for (let f = 0; f < 20; f++) features.push({ uri: `programs/mx-pgs/features/synthetic-${f}.feature`, name: `Característica sintética ${f}`, scenarios: [] });
  for (let i = 0; i < n; i++) {
    const role = roles[i % 3] ?? 'imss';
    const rule = rules[i % rules.length] ?? 'RN-01';
    const id = `programs/mx-pgs/features/synthetic-${i % 20}.feature:${10 + i}`;
    const failed = i % 50 === 7;
    const curp = `GOMC${String(800101 + (i % 28)).padStart(6, '0')}HDFRRR0${i % 10}`;
    const body = {
      curp,
      nombre: 'CARLOS',
      primerApellido: 'GOMEZ',
      segundoApellido: 'MARTINEZ',
      fechaNacimiento: '1980-01-01',
      sexo: 'H',
      entidadNacimiento: 'DF',
      nacionalidad: 'MEX',
      domicilio: { entidad: '09', municipio: '015', localidad: '0001', cp: '06700' },
      afiliacion: { institucion: role.toUpperCase(), numeroAfiliacion: '48864490825', tipo: 'TITULAR', vigenciaInicio: '2024-01-01', estatus: 'VIGENTE' },
      unidadAdscripcion: 'TSIMS956311',
    };
    const xs: ExchangeEntry[] = [0, 1, 2, 3].map((k) => ({
      id: `x-${i}-${k}`,
      protocol: 'http',
      from: k === 3 ? role.toUpperCase() : `sello:${role.toUpperCase()}`,
      to: k === 3 ? 'SSA' : role.toUpperCase(),
      method: k === 0 ? 'POST' : k === 2 ? 'GET' : 'POST',
      url: ['/oauth/token', '/pgs/v1/beneficiarios', `/pgs/v1/beneficiarios/${curp}`, '/pgs/v1/indice/eventos'][k],
      status: k === 1 ? (failed ? 201 : 422) : 200,
      messageId: `m-${i}-${k}`,
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:00.050Z',
      request: { headers: { 'content-type': 'application/json', authorization: 'Bearer [redacted]' }, body: k === 0 ? 'grant_type=client_credentials' : body },
      response: {
        headers: { 'content-type': 'application/json' },
        body: { acuse: { estatus: k === 1 && !failed ? 'RECHAZADO' : 'ACEPTADO', codigo: 'PGS-000', messageId: `m-${i}-${k}`, errores: [] }, beneficiario: body },
      },
    }));
    exchanges.set(id, xs);
    const s: ScenarioReport = {
      id,
      name: `${failed ? 'Fallo' : 'Caso'} sintético ${i} de ${role}`,
      tags: ['@mx-pgs', `@${rule}`, `@${role}`],
      roles: [role],
      rules: [rule],
      status: failed ? 'failed' : 'passed',
      durationMs: 120,
      steps: [
        { keyword: 'Cuando', text: `el ${role.toUpperCase()} da de alta a "Persona ${i}"`, status: 'passed', durationMs: 100 },
        {
          keyword: 'Entonces',
          text: 'el acuse es RECHAZADO',
          status: failed ? 'failed' : 'passed',
          durationMs: 2,
          ...(failed ? { error: `ConformanceError: [${rule}] /curp: expected RECHAZADO` } : {}),
        },
      ],
      findings: failed
        ? [
            {
              ruleId: rule,
              severity: 'error',
              code: 'business-rule',
              location: '/curp',
              locationKind: 'json-pointer',
              message: { es: `Se esperaba RECHAZADO por ${rule}`, en: `Expected RECHAZADO under ${rule}` },
              exchangeId: `x-${i}-1`,
              side: 'request',
            },
          ]
        : [],
      requirements: [rule],
      exchanges: 4,
      exchangeIds: xs.map((x) => x.id),
      attempts: 1,
    };
    all.push(s);
    features[i % 20]?.scenarios.push(s);
  }
  const requirements: RequirementReport[] = rules.map((r) => {
    const mine = all.filter((s) => s.rules.includes(r));
    const bad = mine.filter((s) => s.status !== 'passed');
    return {
      id: r,
      kind: 'rule',
      title: { es: `Regla ${r}`, en: `Rule ${r}` },
      text: { es: 'texto', en: 'text' },
      source: 'synthetic',
      severity: 'SHALL',
      coveredBy: [r],
      verdict: bad.length ? 'failed' : 'passed',
      scenarios: mine.map((s) => s.id),
      declaredOnly: [],
      byRole: roles.map((role) => ({
        role,
        verdict: mine.some((s) => s.roles.includes(role) && s.status !== 'passed') ? 'failed' : 'passed',
        scenarios: mine.filter((s) => s.roles.includes(role)).map((s) => s.id),
      })),
      findings: bad.map((s) => ({ scenarioId: s.id, index: 0, exchangeId: s.findings[0]?.exchangeId ?? '' })),
      reason: { es: 'sintético', en: 'synthetic' },
    };
  });
  const failedCount = all.filter((s) => s.status === 'failed').length;
  const model: ReportModel = {
    schemaVersion: '1.2.0',
    runId: 'synthetic-1000',
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T01:00:00.000Z',
    program: 'mx-pgs',
    programVersion: '1.0.0',
    sello: { version: '0.1.0' },
    sut: { role: 'all', baseUrl: 'reference implementations on loopback', kind: 'reference' },
    seed: '1',
    verdict: 'NOT CERTIFIABLE',
    verdictReason: { es: 'sintético', en: 'synthetic' },
    violated: [],
    totals: { scenarios: n, passed: n - failedCount, failed: failedCount, skipped: 0, undefined: 0, pending: 0, ambiguous: 0, inconclusive: 0, findings: failedCount },
    rules: [],
    requirements,
    catalogue: { version: '1.0.0', files: [] },
    summary: roles.map((role) => ({
      program: 'mx-pgs',
      role,
      verdict: 'NOT CERTIFIABLE',
      scenarios: all.filter((s) => s.roles.includes(role)).length,
      passed: 0,
      notPassed: 0,
      findings: 0,
      failedRequirements: [],
      uncoveredShall: [],
    })),
    features,
    evidence: [],
    outputs: [],
    redaction: { applied: false },
    integrity: {
      algorithm: 'SHA-256',
      files: [],
      notCovered: [],
      signature: {
        file: 'report.json.jws',
        format: 'JWS compact serialization, detached payload (RFC 7515 Appendix F)',
        alg: 'EdDSA',
        payload: 'RFC 8785 canonical JSON of report.json',
        key: 'ephemeral',
        keyThumbprint: 'synthetic',
      },
    },
  };
  return { model, exchanges };
}
