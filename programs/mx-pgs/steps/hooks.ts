import { After, AfterAll, Before } from '@cucumber/cucumber';
import { EXCHANGE_MEDIA_TYPE, type SelloWorld } from '../../../src/cucumber/world.ts';
import { stableScenarioKey } from '../../../src/run/scenario-key.ts';
import { judgeIndexEvents } from '../judges/wire-judge.ts';
import { journal, PgsScenario, pgsIfStarted, setPgs, stopPgsDeployment } from './pgs-context.ts';

const REQUIREMENT_TAG = /^@((?:RN|PGS-API)-\d+)$/;
/** `@RN-05.4`: a behaviour of RN-05; what the scenario's assertions judge comes first. */
const BEHAVIOUR_TAG = /^@((?:RN|PGS-API|PGS-SCH-[A-Z-]+?)-\d+|PGS-SCH-[A-Z-]+)\.\d+$/;
const marks = new WeakMap<SelloWorld, number>();

// Hooks run under the default step budget, derived from the target's timeouts (src/cucumber/timeouts.ts).
Before({ tags: '@mx-pgs' }, async function (this: SelloWorld, { pickle }) {
  const ids = (pattern: RegExp) => pickle.tags.map((t) => pattern.exec(t.name)?.[1]).filter((id): id is string => id !== undefined);
  this.requirements = [...new Set([...ids(BEHAVIOUR_TAG), ...ids(REQUIREMENT_TAG)])];
  marks.set(this, journal.mark());
  setPgs(this, await PgsScenario.create(this, stableScenarioKey(pickle)));
});

After({ tags: '@mx-pgs' }, function (this: SelloWorld) {
  const exchanges = journal.since(marks.get(this) ?? 0);
  for (const exchange of exchanges) this.attach(JSON.stringify(exchange), EXCHANGE_MEDIA_TYPE);
  // The nodes' own messages to the central index are judged whatever the scenario asserted (judge the wire).
  const context = pgsIfStarted(this);
  if (!context) return;
  const judged = judgeIndexEvents(exchanges, { curps: context.curps(), ...(context.deployment.sutRole ? { sutRole: context.deployment.sutRole } : {}) });
  this.report(judged.flatMap(({ exchangeId, findings }) => findings.map((f) => ({ ...f, exchangeId }))));
});

AfterAll(async function () {
  await stopPgsDeployment();
});
