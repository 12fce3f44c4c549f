/**
 * Table types for Kysely. Each module declares its own tables next to its code;
 * this file only joins them into the database interface.
 */
import type { CaseTables } from '../modules/cases/cases.tables.js';
import type { FoundationTables } from './foundation.tables.js';

export interface DB extends FoundationTables, CaseTables {}
