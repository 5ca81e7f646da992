#!/usr/bin/env node
// Sello runs its TypeScript sources directly through tsx; scenario workers forked by cucumber
// inherit NODE_OPTIONS, so they load TypeScript the same way.
import { register } from 'tsx/esm/api';

if (!(process.env.NODE_OPTIONS ?? '').includes('--import tsx')) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import tsx`.trim();
}
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
