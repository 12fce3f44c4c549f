/**
 * Test database templates. Migrating (and seeding the demo) once per run and
 * copying the result per test file keeps each file isolated without paying
 * for initdb + migrations + Argon2 every time:
 * - PGlite: a dump of the data directory, restored with `loadDataDir`;
 * - PostgreSQL: template databases, copied with `CREATE DATABASE … TEMPLATE`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { seedDemo } from '../modules/demo/index.js';

export type TemplateKind = 'empty' | 'demo';
export const TEST_PASSWORD = 'Demo@2026';

export function pgTemplateName(kind: TemplateKind): string {
  return `fengqiao_test_tpl_${kind}`;
}

export function databaseUrlFor(baseUrl: string, database: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function adminQuery(baseUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Builds both templates; returns where they are and a teardown. */
export async function buildTemplates(): Promise<{ location: string; teardown: () => Promise<void> }> {
  const baseUrl = process.env.DATABASE_URL;
  if (baseUrl) {
    for (const kind of ['empty', 'demo'] as const) {
      const name = pgTemplateName(kind);
      await adminQuery(baseUrl, `DROP DATABASE IF EXISTS ${name}`);
      await adminQuery(baseUrl, `CREATE DATABASE ${name}`);
      const database = await openDatabase({ databaseUrl: databaseUrlFor(baseUrl, name), poolSize: 2 });
      try {
        await migrateToLatest(database.db);
        if (kind === 'demo') await seedDemo(database.db, { password: TEST_PASSWORD });
      } finally {
        await database.close();
      }
    }
    return {
      location: 'postgres',
      teardown: async () => {
        for (const kind of ['empty', 'demo'] as const) await adminQuery(baseUrl, `DROP DATABASE IF EXISTS ${pgTemplateName(kind)}`);
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fengqiao-test-'));
  for (const kind of ['empty', 'demo'] as const) {
    const database = await openDatabase({});
    try {
      await migrateToLatest(database.db);
      if (kind === 'demo') await seedDemo(database.db, { password: TEST_PASSWORD });
      const pglite = database.pglite!;
      const dump = await pglite.dumpDataDir('none');
      fs.writeFileSync(path.join(dir, `${kind}.tar`), Buffer.from(await dump.arrayBuffer()));
    } finally {
      await database.close();
    }
  }
  return { location: dir, teardown: async () => fs.rmSync(dir, { recursive: true, force: true }) };
}
