/**
 * The ordered list of migrations. Static imports (rather than reading a folder)
 * keep migrations working from any working directory and under bundlers.
 * Append new migrations at the end; never edit one that has shipped.
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';

export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
};
