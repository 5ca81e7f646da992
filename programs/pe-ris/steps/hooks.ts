import { After, AfterAll, Before } from '@cucumber/cucumber';
import { EXCHANGE_MEDIA_TYPE, type SelloWorld } from '../../../src/cucumber/world.ts';
import { stableScenarioKey } from '../../../src/run/scenario-key.ts';
import { journal, newWireFindings, RisScenario, report, ris, setRis, stopRisDeployment } from './ris-context.ts';
import { AFTER, BEFORE } from './timeouts.ts';

const REQUIREMENT_TAG = /^@((?:RP|RIS-[A-Z0-9]+)-\d+)$/;

Before({ tags: '@pe-ris', ...BEFORE }, async function (this: SelloWorld, { pickle }) {
  this.requirements = pickle.tags.map((t) => REQUIREMENT_TAG.exec(t.name)?.[1]).filter((id): id is string => id !== undefined);
  setRis(this, await RisScenario.create(this, stableScenarioKey(pickle), journal.mark()));
});

After({ tags: '@pe-ris', ...AFTER }, async function (this: SelloWorld) {
  const context = ris(this);
  // A role brought down by the scenario comes back, so the next scenario finds the deployment whole.
  await Promise.allSettled([context.deployment.local.qhali?.up(), context.deployment.local.engine?.up()]);
  context.deployment.local.engine?.toQhali.setChaos(false);
  for (const exchange of context.exchanges()) this.attach(JSON.stringify(exchange), EXCHANGE_MEDIA_TYPE);
  // Whatever the scenario asserted, every message it exchanged is judged against its leg (src/programs/pe-ris/wire.ts).
  report(this, newWireFindings(this));
});

// A test-run hook has no step budget (that wraps steps and scenario hooks): cucumber's own timeout bounds it.
AfterAll({ timeout: 30_000 }, async function () {
  await stopRisDeployment();
});
