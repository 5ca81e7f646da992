import { After, AfterAll, Before } from '@cucumber/cucumber';
import { EXCHANGE_MEDIA_TYPE, type SelloWorld } from '../support/world.ts';
import { stableScenarioKey } from '../../src/run/scenario-key.ts';
import { journal, PgsScenario, setPgs, stopPgsDeployment } from './pgs-context.ts';
import { budgetMs } from './timeouts.ts';

const REQUIREMENT_TAG = /^@((?:RN|PGS-API)-\d+)$/;
const marks = new WeakMap<SelloWorld, number>();

// Starting the deployment (first scenario of a worker) fetches no token but starts three servers: 30 s floor.
Before({ tags: '@mx-pgs', timeout: Math.max(30_000, budgetMs(3)) }, async function (this: SelloWorld, { pickle }) {
  this.requirements = pickle.tags.map((t) => REQUIREMENT_TAG.exec(t.name)?.[1]).filter((id): id is string => id !== undefined);
  marks.set(this, journal.mark());
  setPgs(this, await PgsScenario.create(this, stableScenarioKey(pickle)));
});

After({ tags: '@mx-pgs' }, function (this: SelloWorld) {
  for (const exchange of journal.since(marks.get(this) ?? 0)) this.attach(JSON.stringify(exchange), EXCHANGE_MEDIA_TYPE);
});

AfterAll({ timeout: Math.max(15_000, budgetMs(1)) }, async function () {
  await stopPgsDeployment();
});
