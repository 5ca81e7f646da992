import { installSelloSupport } from '../../../src/cucumber/support.ts';

// Sello's world, step budgets and typed infrastructure signal, for this program's scenarios.
installSelloSupport();
