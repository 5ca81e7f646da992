import { After, AfterAll, Before } from '@cucumber/cucumber';
import { EXCHANGE_MEDIA_TYPE, type SelloWorld } from '../../../src/cucumber/world.ts';
import { exchangeEvidence } from '../../../src/journal/evidence.ts';
import { stableScenarioKey } from '../../../src/run/scenario-key.ts';
import { EceScenario, ece, journal, roleOfTags, setEce, stopEceDeployment } from './ece-context.ts';
import { revokeConsents } from './escena.steps.ts';
import { AFTER, BEFORE } from './timeouts.ts';
import { newWireFindings } from './wire-findings.ts';

const REQUIREMENT_TAG = /^@(RE-\d+)$/;

Before({ tags: '@mx-ece', ...BEFORE }, async function (this: SelloWorld, { pickle }) {
  const tags = pickle.tags.map((t) => t.name);
  this.requirements = tags.map((t) => REQUIREMENT_TAG.exec(t)?.[1]).filter((id): id is string => id !== undefined);
  const role = roleOfTags(tags);
  if (!role) throw new Error(`scenario "${pickle.name}" names no role under test (@imss-ece, @issste, @imss-bienestar or @ssa-pgs)`);
  setEce(this, await EceScenario.create(this, role, stableScenarioKey(pickle), journal.mark()));
  // Sello's imss-ece reports a job in progress (202, Retry-After: 1 — the contract's least) only where the scenario
  // judges the status answers (RE-09); elsewhere a job is done when first polled, and no export waits a second for it.
  ece(this).deployment.imss?.setExportPolls(tags.includes('@RE-09') ? 1 : 0);
});

After({ tags: '@mx-ece', ...AFTER }, async function (this: SelloWorld) {
  const context = ece(this);
  // What the scenario set up must not leak into the next one: its consents (export cohorts) and Sello's stimuli.
  await revokeConsents(context);
  context.deployment.imss?.clearStimuli();
  for (const exchange of context.exchanges()) this.attach(exchangeEvidence(exchange), EXCHANGE_MEDIA_TYPE);
  // Whatever the scenario asserted, every message it exchanged is judged against its leg (judges/wire.ts).
  this.report(await newWireFindings(this));
  journal.release(context.mark);
});

// A test-run hook has no step budget (that wraps steps and scenario hooks): cucumber's own timeout bounds it.
AfterAll({ timeout: 30_000 }, async function () {
  await stopEceDeployment();
});
