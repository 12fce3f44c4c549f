/**
 * The import rules (.dependency-cruiser.cjs, run over the real tree by `npm run lint:imports` in CI) catch what
 * they are for: each case below is a small tree in a temporary directory, cruised with the project's own
 * configuration, and must give exactly the violations named — a doorway import none, a deep one one.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../..');
const bin = path.join(repo, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const config = path.join(repo, '.dependency-cruiser.cjs');

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fq-import-rules-'));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes `files` into a fresh tree and returns the names of the rules it violates, with their two ends. */
async function violations(files: Record<string, string>): Promise<string[]> {
  const root = fs.mkdtempSync(path.join(dir, 'tree-'));
  fs.copyFileSync(path.join(dir, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  // A cycle is reported once, at the edge where the cruiser closes it. Exit code 1 means "violations found"; the JSON report is on stdout either way.
  const out = await run(process.execPath, [bin, '--config', config, '--output-type', 'json', 'src'], { cwd: root }).catch(
    (err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }),
  );
  const report = JSON.parse(out.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  return report.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

const casesModule = {
  'src/server/modules/cases/cases.repo.ts': 'export function lockCase(id: string): string { return id; }\n',
  'src/server/modules/cases/index.ts': "export { lockCase } from './cases.repo.js';\n",
};

describe('the import rules', () => {
  it('let a module import another through its index.ts', async () => {
    expect(
      await violations({ ...casesModule, 'src/server/modules/orders/orders.service.ts': "import { lockCase } from '../cases/index.js';\nexport const f = lockCase;\n" }),
    ).toEqual([]);
  });

  it('fail on a deep import of another module, a type-only one too, and from a test', async () => {
    expect(
      await violations({
        ...casesModule,
        'src/server/modules/orders/orders.service.ts': "import { lockCase } from '../cases/cases.repo.js';\nexport const f = lockCase;\n",
        'src/server/modules/orders/orders.types.ts': "import type { lockCase } from '../cases/cases.repo.js';\nexport type F = typeof lockCase;\n",
        'src/server/modules/orders/orders.test.ts': "import { lockCase } from '../cases/cases.repo.js';\nexport const g = lockCase;\n",
        // A test may reach the internals of its own module.
        'src/server/modules/cases/cases.test.ts': "import { lockCase } from './cases.repo.js';\nexport const h = lockCase;\n",
      }),
    ).toEqual([
      'module-through-index: src/server/modules/orders/orders.service.ts -> src/server/modules/cases/cases.repo.ts',
      'module-through-index: src/server/modules/orders/orders.test.ts -> src/server/modules/cases/cases.repo.ts',
      'module-through-index: src/server/modules/orders/orders.types.ts -> src/server/modules/cases/cases.repo.ts',
    ]);
  });

  it('keep the platform internals to the platform: a module, its test and the app fail, platform code and tests do not', async () => {
    const internal = { 'src/server/platform/timers.internal.ts': 'export function scheduleRawTimer(kind: string): string { return kind; }\n' };
    const use = (from: string) => `import { scheduleRawTimer } from '${from}';\nexport const f = scheduleRawTimer;\n`;
    expect(
      await violations({
        ...internal,
        'src/server/platform/timers.test.ts': use('./timers.internal.js'),
        'src/server/platform/background.ts': use('./timers.internal.js'),
        'src/server/modules/orders/orders.service.ts': use('../../platform/timers.internal.js'),
        'src/server/modules/orders/orders.test.ts': use('../../platform/timers.internal.js'),
        'src/server/app.ts': use('./platform/timers.internal.js'),
      }),
    ).toEqual([
      'platform-internals: src/server/app.ts -> src/server/platform/timers.internal.ts',
      'platform-internals: src/server/modules/orders/orders.service.ts -> src/server/platform/timers.internal.ts',
      'platform-internals: src/server/modules/orders/orders.test.ts -> src/server/platform/timers.internal.ts',
    ]);
  });

  it('fail when the platform imports a module, on a cycle, and when the web imports server runtime code', async () => {
    expect(
      await violations({
        ...casesModule,
        'src/server/platform/timers.ts': "import { lockCase } from '../modules/cases/index.js';\nexport const f = lockCase;\n",
        'src/server/platform/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
        'src/server/platform/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
        'src/web/types.ts': "import type { lockCase } from '../server/modules/cases/index.js';\nexport type F = typeof lockCase;\n",
        'src/web/main.ts': "import { lockCase } from '../server/modules/cases/index.js';\nexport const f = lockCase;\n",
      }),
    ).toEqual([
      'no-circular: src/server/platform/a.ts -> src/server/platform/b.ts',
      'platform-not-to-modules: src/server/platform/timers.ts -> src/server/modules/cases/index.ts',
      'web-only-server-types: src/web/main.ts -> src/server/modules/cases/index.ts',
    ]);
  });

  it('let the server and the web load src/shared at runtime, and fail when src/shared imports anything', async () => {
    expect(
      await violations({
        ...casesModule,
        'src/shared/vocab.ts': "export const STATES = ['open', 'closed'] as const;\n",
        'src/shared/labels.ts': "import { STATES } from './vocab.js';\nexport const LABELS = STATES.map((s) => s.toUpperCase());\n",
        'src/shared/runtime.ts': "import { sql } from 'kysely';\nimport fs from 'node:fs';\nexport const r = [sql, fs];\n",
        'src/shared/server.ts': "import type { lockCase } from '../server/modules/cases/index.js';\nexport type F = typeof lockCase;\n",
        'src/server/modules/orders/orders.service.ts': "import { STATES } from '../../../shared/vocab.js';\nexport const s = STATES;\n",
        'src/web/main.ts': "import { STATES } from '../shared/vocab.js';\nexport const w = STATES;\n",
      }),
    ).toEqual([
      'shared-imports-nothing: src/shared/labels.ts -> src/shared/vocab.ts',
      // The cruiser names a built-in by its bare name; the package is unresolved here (no node_modules), seen all the same.
      'shared-imports-nothing: src/shared/runtime.ts -> fs',
      'shared-imports-nothing: src/shared/runtime.ts -> kysely',
      'shared-imports-nothing: src/shared/server.ts -> src/server/modules/cases/index.ts',
    ]);
  });
});
