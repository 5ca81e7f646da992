import { After, AfterAll, Before } from '@cucumber/cucumber';
import { EXCHANGE_MEDIA_TYPE, type SelloWorld } from '../support/world.ts';
import { journal, PgsScenario, setPgs, stopPgsDeployment } from './pgs-context.ts';

const REQUIREMENT_TAG = /^@((?:RN|PGS-API)-\d+)$/;
const marks = new WeakMap<SelloWorld, number>();

Before({ tags: '@mx-pgs', timeout: 30_000 }, async function (this: SelloWorld, { pickle }) {
  this.requirements = pickle.tags.map((t) => REQUIREMENT_TAG.exec(t.name)?.[1]).filter((id): id is string => id !== undefined);
  marks.set(this, journal.mark());
  setPgs(this, await PgsScenario.create(this, `${pickle.uri}:${pickle.name}:${pickle.astNodeIds.join(',')}`));
});

After({ tags: '@mx-pgs' }, function (this: SelloWorld) {
  for (const exchange of journal.since(marks.get(this) ?? 0)) this.attach(JSON.stringify(exchange), EXCHANGE_MEDIA_TYPE);
});

AfterAll({ timeout: 15_000 }, async function () {
  await stopPgsDeployment();
});
