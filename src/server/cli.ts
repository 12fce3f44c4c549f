/**
 * The `fengqiao` command line: serve, migrate, seed, users, org import, audit.
 * Operator commands act as a trusted local operator (no actor) and are audited.
 */
import fs from 'node:fs';
import { Command, Option } from 'commander';
import type { FastifyBaseLogger } from 'fastify';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DataDirLockedError, openDatabase, type Database } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { auditSettingsFor, configureAudit, verifyAudit } from './platform/audit.js';
import { systemClock } from './platform/clock.js';
import { AppError } from './platform/errors.js';
import { translate, translateField } from './platform/messages.js';
import { seedDemo } from './modules/demo/index.js';
import { progressReporter, seedBulkCases, stepReporter } from './modules/demo/index.js';
import { reconcile } from './modules/dashboard/index.js';
import { applyOrgImport, parseOrgFile } from './modules/orgs/index.js';
import { findOrgByCode } from './modules/orgs/index.js';
import { findUserByUsername } from './modules/users/index.js';
import { createUser, setPassword, setRoles, type RoleGrant } from './modules/users/index.js';
import { serve } from './serve.js';
import { qrPostersCommand } from './modules/qr/index.js';

interface GlobalOpts {
  dataDir?: string;
}

function configFrom(opts: GlobalOpts & Record<string, unknown>): Config {
  return loadConfig(process.env, {
    dataDir: opts.dataDir,
    port: opts.port as string | undefined,
    host: opts.host as string | undefined,
    demo: opts.demo as boolean | undefined,
    testClock: opts.testClock as boolean | undefined,
    workers: opts.workers as string | undefined,
  });
}

/**
 * Opens and migrates the configured database, runs `work`, always closes. The audit key is loaded first
 * (and its default file created when `createAuditKey`): a command that writes the audit log must sign it.
 */
async function withDatabase<T>(config: Config, work: (database: Database) => Promise<T>, createAuditKey = true): Promise<T> {
  configureAudit(auditSettingsFor(config, { create: createAuditKey }));
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 4 });
  try {
    await migrateToLatest(database.db);
    return await work(database);
  } finally {
    await database.close();
  }
}

async function parseRoles(database: Database, specs: string[]): Promise<RoleGrant[]> {
  const grants: RoleGrant[] = [];
  for (const spec of specs) {
    const [role, orgCode] = spec.split('@');
    if (!role || !orgCode) throw new ConfigError(`--role must look like role@ORG_CODE, got "${spec}"`);
    const org = await findOrgByCode(database.db, orgCode);
    if (!org) throw new ConfigError(`no org unit with code ${orgCode}`);
    grants.push({ role, orgId: org.id });
  }
  return grants;
}

function passwordFrom(opts: { password?: string }): string {
  const password = opts.password ?? process.env.FENGQIAO_PASSWORD;
  if (!password) throw new ConfigError('give the password with --password or FENGQIAO_PASSWORD');
  return password;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value.replace(/_/g, ''));
    if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${flag} needs a positive whole number, got "${value}"`);
    return n;
  };
}

/** Warnings from operator commands go to stderr as plain lines. */
const cliLogger: Pick<FastifyBaseLogger, 'warn'> = {
  warn: (obj: unknown, msg?: string) => console.error(`warning: ${msg ?? ''} ${JSON.stringify(obj)}`),
};

export function buildCli(): Command {
  const program = new Command('fengqiao')
    .description('Fengqiao 枫桥 — citizen request and dispute-resolution platform')
    .option('--data-dir <dir>', 'embedded database directory (when DATABASE_URL is unset)');

  program
    .command('serve')
    .description('run the HTTP server (migrates first)')
    .option('--port <port>', 'port to listen on (default 3000)')
    .option('--host <host>', 'address to bind (default 0.0.0.0)')
    .option('--data-dir <dir>', 'embedded database directory')
    .option('--demo', 'load the demo district and users if missing')
    .option('--test-clock', 'enable POST /api/v1/admin/clock (refused in production)')
    .option('--workers <n>', 'server processes sharing the port (PostgreSQL only; default 1)')
    .action(async (opts) => serve(configFrom({ ...program.opts(), ...opts })));

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(async () => {
      const config = configFrom(program.opts());
      const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
      try {
        const applied = await migrateToLatest(database.db);
        console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      } finally {
        await database.close();
      }
    });

  program
    .command('seed')
    .description('load data: the demo district (--demo) and/or N generated cases (--cases N)')
    .addOption(new Option('--demo', 'the demo district, buildings and users'))
    .addOption(new Option('--cases <n>', 'generate N realistic cases over the past years (set-based; into an empty table: one transaction, indexes built after the load)').argParser(positiveInt('--cases')))
    .addOption(new Option('--years <y>', 'years of history for --cases').default(3).argParser(positiveInt('--years')))
    .addOption(new Option('--batch <n>', 'rows per statement for --cases').default(100_000).argParser(positiveInt('--batch')))
    .action(async (opts: { demo?: boolean; cases?: number; years: number; batch: number }) => {
      if (!opts.demo && opts.cases === undefined) throw new ConfigError('say what to seed: --demo and/or --cases N');
      const config = configFrom(program.opts());
      await withDatabase(config, async (d) => {
        if (opts.demo) {
          const result = await seedDemo(d.db, { password: config.demoPassword, log: console.log });
          console.log(result.orgs === 0 ? 'demo data already present' : `seeded ${result.orgs} org units, ${result.buildings} buildings, ${result.users} users`);
        }
        if (opts.cases !== undefined) {
          const result = await seedBulkCases(d.db, {
            count: opts.cases, years: opts.years, batchSize: opts.batch, onProgress: progressReporter('cases'), onStep: stepReporter('cases'),
          });
          console.log(`generated ${result.inserted} cases in ${(result.ms / 1000).toFixed(1)} s (${result.strategy})`);
        }
      });
    });

  program
    .command('dashboard')
    .description('command-centre counters')
    .command('reconcile')
    .description('recount the dashboard counters from the cases and report drift; --fix rebuilds them (writers wait meanwhile)')
    .option('--fix', 'rebuild drifted counters from the cases')
    .action(async (opts: { fix?: boolean }) => {
      const result = await withDatabase(configFrom(program.opts()), (d) =>
        reconcile({ db: d.db, clock: systemClock, log: cliLogger }, { source: 'cli', fix: opts.fix }),
      );
      console.log(`checked ${result.keysChecked} counters against ${result.cases} cases: ${result.driftCount} drifted${result.fixed ? ', rebuilt' : ''}`);
      for (const d of result.drift.slice(0, 20)) console.log(`  ${d.orgId} bucket ${d.bucket} ${d.metric}${d.dim ? `/${d.dim}` : ''}: counter ${d.actual}, cases ${d.expected}`);
      if (result.driftCount > 0 && !result.fixed) process.exitCode = 1;
    });

  const user = program.command('user').description('manage staff accounts');
  user
    .command('create <username>')
    .requiredOption('--name <displayName>', 'display name')
    .option('--password <password>', 'initial password (or FENGQIAO_PASSWORD)')
    .option('--phone <phone>', 'phone number')
    .option('--role <role@ORG_CODE>', 'role at an org unit; repeatable', collect, [])
    .action(async (username: string, opts) => {
      await withDatabase(configFrom(program.opts()), async (d) => {
        const created = await createUser(d.db, systemClock, null, {
          username, displayName: opts.name, phone: opts.phone ?? null, password: passwordFrom(opts), roles: await parseRoles(d, opts.role),
        });
        console.log(`created user ${created.username} (${created.id})`);
      });
    });
  user
    .command('passwd <username>')
    .option('--password <password>', 'new password (or FENGQIAO_PASSWORD)')
    .action(async (username: string, opts) => {
      await withDatabase(configFrom(program.opts()), async (d) => {
        const found = await findUserByUsername(d.db, username);
        if (!found) throw new ConfigError(`no user ${username}`);
        await setPassword(d.db, systemClock, null, found.id, passwordFrom(opts));
        console.log(`password changed for ${username}; their sessions were ended`);
      });
    });
  user
    .command('roles <username>')
    .description('replace the roles of a user')
    .option('--role <role@ORG_CODE>', 'role at an org unit; repeatable', collect, [])
    .action(async (username: string, opts) => {
      await withDatabase(configFrom(program.opts()), async (d) => {
        const found = await findUserByUsername(d.db, username);
        if (!found) throw new ConfigError(`no user ${username}`);
        await setRoles(d.db, systemClock, null, found.id, await parseRoles(d, opts.role));
        console.log(`roles of ${username}: ${opts.role.join(', ') || '(none)'}`);
      });
    });

  program
    .command('org')
    .description('org tree')
    .command('import <file>')
    .description('import org units from CSV (code,name,type,parent_code,name_en,lat,lng) or GeoJSON; all or nothing')
    .action(async (file: string) => {
      const text = fs.readFileSync(file, 'utf8');
      const rows = parseOrgFile(file, text);
      const result = await withDatabase(configFrom(program.opts()), (d) => applyOrgImport(d.db, systemClock, rows, null));
      console.log(`imported ${file}: ${result.created} created, ${result.updated} updated`);
    });

  program
    .command('audit')
    .description('audit log')
    .command('verify')
    .description('recompute the audit chain with the key and compare it with the checkpoints; exits 1 if any row was altered or removed')
    .option('--checkpoints <file>', 'checkpoint file to compare with (default FENGQIAO_AUDIT_CHECKPOINT_FILE or <data-dir>.audit-checkpoints.jsonl)')
    .action(async (opts: { checkpoints?: string }) => {
      const config = configFrom(program.opts());
      const checkpointFile = opts.checkpoints ?? config.audit.checkpointFile ?? null;
      // Verification never creates a key: without the one the log was signed with it can only fail.
      const result = await withDatabase(config, (d) => verifyAudit(d.db, { checkpointFile }), false);
      const against = result.checkpoints > 0 ? `, ${result.checkpointsMatched} of ${result.checkpoints} checkpoints matched (${checkpointFile})` : `, no checkpoints${checkpointFile ? ` in ${checkpointFile}` : ''}`;
      if (result.ok) {
        console.log(`audit log intact: ${result.checked} rows verified${against}`);
      } else {
        const where = result.firstBadSeq === undefined ? 'in the checkpoint file' : `at row ${result.firstBadSeq}`;
        console.error(`audit log TAMPERED ${where}: ${result.reason?.en ?? result.problem} [${result.problem}] (${result.checked} rows before it verified${against})`);
        process.exitCode = 1;
      }
    });

  qrPostersCommand(program, (database) => withDatabase(configFrom(program.opts()), database), () => configFrom(program.opts()));

  return program;
}

/** Turns expected failures into one clear line and exit code 1; unexpected ones keep their stack. */
export function reportCliError(err: unknown): void {
  if (err instanceof ConfigError || err instanceof DataDirLockedError) {
    console.error(`fengqiao: ${err.message}`);
  } else if (err instanceof AppError) {
    const fields = err.fields.map((f) => ` ${f.path}: ${translateField(f.keyword, 'en', f.params)}`).join(';');
    console.error(`fengqiao: ${translate(err.code, 'en', err.params)}${fields}`);
  } else {
    console.error(err);
  }
  process.exitCode = 1;
}

const isMain = process.argv[1] && /cli\.(ts|js)$/.test(process.argv[1]);
if (isMain) {
  buildCli().parseAsync(process.argv).catch(reportCliError);
}
