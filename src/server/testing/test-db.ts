import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../db/database.js';
import { databaseUrlFor, pgTemplateName, type TemplateKind } from './templates.js';

/**
 * A private database for one test file, copied from a template: migrated, and
 * with the demo district and users when `kind` is 'demo'. Runs on PostgreSQL
 * when DATABASE_URL is set, else on PGlite.
 */
export async function openTestDatabase(kind: TemplateKind = 'demo', poolSize = 10): Promise<Database> {
  const location = inject('templateLocation');
  const baseUrl = process.env.DATABASE_URL;
  if (baseUrl) {
    const name = `fengqiao_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${pgTemplateName(kind)}`);
    } finally {
      await admin.end();
    }
    // Dropping the database WITH (FORCE) ends any connection still open; that is expected here.
    const database = await openDatabase({ databaseUrl: databaseUrlFor(baseUrl, name), poolSize, onIdleError: () => {} });
    return {
      ...database,
      close: async () => {
        await database.close();
        const dropper = new pg.Client({ connectionString: baseUrl });
        await dropper.connect();
        try {
          await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        } finally {
          await dropper.end();
        }
      },
    };
  }
  const dump = fs.readFileSync(path.join(location, `${kind}.tar`));
  return openDatabase({ loadDataDir: new Blob([dump]) });
}
