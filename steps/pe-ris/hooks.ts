import { After, AfterAll, Before } from '@cucumber/cucumber';
import { EXCHANGE_MEDIA_TYPE, type SelloWorld } from '../support/world.ts';
import { journal, ris, RisScenario, setRis, stopRisDeployment } from './ris-context.ts';

const REQUIREMENT_TAG = /^@((?:RP|RIS-[A-Z0-9]+)-\d+)$/;

Before({ tags: '@pe-ris', timeout: 30_000 }, async function (this: SelloWorld, { pickle }) {
  this.requirements = pickle.tags.map((t) => REQUIREMENT_TAG.exec(t.name)?.[1]).filter((id): id is string => id !== undefined);
  setRis(this, await RisScenario.create(this, `${pickle.uri}:${pickle.name}:${pickle.astNodeIds.join(',')}`, journal.mark()));
});

After({ tags: '@pe-ris', timeout: 15_000 }, async function (this: SelloWorld) {
  const context = ris(this);
  // A role brought down by the scenario comes back, so the next scenario finds the deployment whole.
  await Promise.allSettled([context.deployment.local.qhali?.up(), context.deployment.local.engine?.up()]);
  context.deployment.local.engine?.toQhali.setChaos(false);
  for (const exchange of context.exchanges()) this.attach(JSON.stringify(exchange), EXCHANGE_MEDIA_TYPE);
});

AfterAll({ timeout: 15_000 }, async function () {
  await stopRisDeployment();
});
