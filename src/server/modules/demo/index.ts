/**
 * The demo module's doorway: the demo district and the bulk case generator.
 */
export { seedDemo } from './demo.seed.js';
export { progressReporter, seedBulkCases, stepReporter, syntheticSla } from './bulk-cases.js';
export { DEMO_USERS } from './demo.data.js';
