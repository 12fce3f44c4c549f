/**
 * Column types shared by every module's table declarations. Each module (and
 * the platform) declares its own tables beside its code; `schema.ts` joins them.
 */
import type { ColumnType } from 'kysely';

/** A timestamp column: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp column the database fills by default on insert. */
export type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A JSON column. pg parses jsonb on read; writes take a JSON string or value. */
export type Json<T> = ColumnType<T, string | T, string | T>;
/** A column with a database default: optional on insert. */
export type Defaulted<T> = ColumnType<T, T | undefined, T>;
