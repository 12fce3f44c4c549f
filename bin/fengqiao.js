#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so the package needs no build step.
import { register } from 'tsx/esm/api';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

register();
const here = path.dirname(fileURLToPath(import.meta.url));
const { buildCli, reportCliError } = await import(path.join(here, '../src/server/cli.ts'));
buildCli().parseAsync(process.argv).catch(reportCliError);
