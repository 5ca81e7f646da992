import { After, AfterAll, Before } from '@cucumber/cucumber';
import { EXCHANGE_MEDIA_TYPE, type SelloWorld } from '../../../src/cucumber/world.ts';
import { journal, newWireFindings, RuScenario, roleOfTags, ru, setRu, stopRuDeployment } from './ru-context.ts';
import { resetStandIns } from './stand-ins.ts';
import { AFTER, BEFORE } from './timeouts.ts';

const REQUIREMENT_TAG = /^@(RR-\d+)$/;

Before({ tags: '@ru-egisz', ...BEFORE }, async function (this: SelloWorld, { pickle }) {
  const tags = pickle.tags.map((t) => t.name);
  this.requirements = tags.map((t) => REQUIREMENT_TAG.exec(t)?.[1]).filter((id): id is string => id !== undefined);
  const role = roleOfTags(tags);
  if (!role) throw new Error(`scenario "${pickle.name}" names no role under test (@mis, @gateway or @remd)`);
  setRu(this, await RuScenario.create(this, role, journal.mark()));
});

After({ tags: '@ru-egisz', ...AFTER }, async function (this: SelloWorld) {
  const context = ru(this);
  resetStandIns(context);
  for (const exchange of context.exchanges()) this.attach(JSON.stringify(exchange), EXCHANGE_MEDIA_TYPE);
  // Whatever the scenario asserted, every message the role under test sent is judged against its contract.
  this.report(await newWireFindings(this));
});

AfterAll(async function () {
  await stopRuDeployment();
});
