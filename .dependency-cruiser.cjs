/**
 * The import rules of ENGINEERING.md convention 12, checked by `npm run lint:imports` (a step of .ci/run).
 * Type-only imports count (`tsPreCompilationDeps`), so a type cannot smuggle a dependency past a rule.
 *
 * A module is a folder `src/server/modules/<area>/`; its `index.ts` is its doorway. `src/shared/` holds the vocabulary
 * the server and the browser bundles both load at runtime (case states, actions, risk levels, their labels); it
 * imports nothing, so either side may depend on it without reaching the other. `src/server/import-rules.test.ts`
 * shows that a deep import fails these rules.
 */
const MODULE_FILE = '^src/server/modules/[^/]+/';
const DOORWAY = '^src/server/modules/[^/]+/index\\.ts$';
/**
 * The one known exception, kept narrow and visible: this test mocks the cases repo's attachment read to put an
 * orphan sweep exactly between intake's check of its uploads and its write (a race no doorway can stage). It may
 * reach `cases.repo.ts` and nothing else inside another module. To retire it, give intake a seam of its own.
 */
const SEAM_TEST = '^src/server/modules/attachments/attachments\\.cleanup\\.test\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycles, type-only ones included: a cycle means two files cannot be understood (or loaded) apart.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'platform-not-to-modules',
      severity: 'error',
      comment: 'The platform is generic: it never imports a business module. Modules hand it definitions instead (app.ts composes them).',
      from: { path: '^src/server/platform/' },
      to: { path: '^src/server/modules/' },
    },
    {
      name: 'platform-internals',
      severity: 'error',
      comment:
        'A platform file named *.internal.ts is for the platform and its tests only: the raw timer and outbox writers take a kind ' +
        'or topic as a bare string and check no payload. Everything else schedules and enqueues through the definitions in ' +
        'platform/background.ts, which check each payload against its schema where it is produced.',
      from: { pathNot: '^src/server/platform/' },
      to: { path: '^src/server/platform/[^/]+\\.internal\\.ts$' },
    },
    {
      name: 'module-through-index',
      severity: 'error',
      comment:
        "A module imports another module only through that module's index.ts. Tests are held to the same rule: " +
        'they may reach the internals of their own module only.',
      from: { path: '^src/server/modules/([^/]+)/', pathNot: SEAM_TEST },
      to: { path: MODULE_FILE, pathNot: ['^src/server/modules/$1/', DOORWAY] },
    },
    {
      name: 'module-through-index-seam',
      severity: 'error',
      comment: 'The exception above: its own module, doorways, and the one mocked cases file.',
      from: { path: SEAM_TEST },
      to: { path: MODULE_FILE, pathNot: ['^src/server/modules/attachments/', DOORWAY, '^src/server/modules/cases/cases\\.repo\\.ts$'] },
    },
    {
      name: 'outside-through-index',
      severity: 'error',
      comment: 'Code outside the modules (app, CLI, migrations, test harness, benches) reaches a module only through its index.ts.',
      from: { pathNot: [MODULE_FILE, '^src/server/db/schema\\.ts$', '^src/web/'] },
      to: { path: MODULE_FILE, pathNot: DOORWAY },
    },
    {
      name: 'schema-only-table-types',
      severity: 'error',
      comment: "db/schema.ts joins each owner's table declarations (*.tables.ts), as types, and nothing else of a module.",
      from: { path: '^src/server/db/schema\\.ts$' },
      to: { path: MODULE_FILE, pathNot: '\\.tables\\.ts$' },
    },
    {
      name: 'schema-types-only',
      severity: 'error',
      comment: 'Table declarations are types: db/schema.ts imports them with `import type`.',
      from: { path: '^src/server/db/schema\\.ts$' },
      to: { dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'modules-not-to-the-list',
      severity: 'error',
      comment: 'modules/index.ts lists every module for app.ts; a module depending on it would depend on all the others.',
      from: { path: MODULE_FILE },
      to: { path: '^src/server/modules/index\\.ts$' },
    },
    {
      name: 'web-only-server-types',
      severity: 'error',
      comment:
        "The browser bundles take request/response types from the server's schema files (`import type`), never server runtime code.",
      from: { path: '^src/web/' },
      to: { path: '^src/server/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shared-imports-nothing',
      severity: 'error',
      comment:
        'src/shared/ is pure data loaded by the server and the browser alike: it imports nothing (no server, web, package ' +
        'or Node code, not even another shared file), so neither side drags the other, or a runtime, in through it.',
      from: { path: '^src/shared/', pathNot: '\\.test\\.ts$' },
      to: {},
    },
    {
      name: 'not-to-tests',
      severity: 'error',
      comment: 'Nothing imports a test file.',
      from: {},
      to: { path: '\\.test\\.tsx?$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Our tree, plus packages and Node built-ins (never followed: doNotFollow), so that a rule such as
    // shared-imports-nothing sees an import of `kysely` or `node:fs` too; the other rules only name paths in src.
    includeOnly: ['^(src|bench|e2e)/', 'node_modules/', '^(node:)?[a-z_/]+$'],
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'] },
    skipAnalysisNotInRules: true,
  },
};
