import type { TestProject } from 'vitest/node';
import { buildTemplates } from './templates.js';

declare module 'vitest' {
  export interface ProvidedContext {
    templateLocation: string;
  }
}

/** Runs once per test run: builds the migrated (and demo-seeded) templates every test file copies. */
export default async function setup(project: TestProject) {
  const { location, teardown } = await buildTemplates();
  project.provide('templateLocation', location);
  return teardown;
}
