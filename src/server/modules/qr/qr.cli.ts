/**
 * `fengqiao qr posters --community CODE --out FILE [--base-url URL]`: prints a
 * community's building posters to one PDF, with progress on stderr (a large
 * community has hundreds of buildings). Acts as a trusted local operator.
 */
import type { Command } from 'commander';
import { ConfigError, type Config } from '../../config.js';
import type { Database } from '../../db/database.js';
import { writePostersFile, FontMissingError } from './qr.posters.js';
import { communityBuildings } from './qr.service.js';

export function qrPostersCommand(
  program: Command,
  withDatabase: <T>(work: (database: Database) => Promise<T>) => Promise<T>,
  config: () => Config,
): void {
  program
    .command('qr')
    .description('building QR codes')
    .command('posters')
    .description('A4 posters (PDF, one page per building) for a whole community')
    .requiredOption('--community <code>', 'community org code, e.g. GM.GUANGMING.BIYAN')
    .requiredOption('--out <file>', 'PDF file to write')
    .option('--base-url <url>', 'public address encoded in the QR codes (default FENGQIAO_PUBLIC_URL)')
    .action(async (opts: { community: string; out: string; baseUrl?: string }) => {
      let publicUrl = config().publicUrl;
      if (opts.baseUrl) {
        try {
          const u = new URL(opts.baseUrl);
          if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
          publicUrl = u.toString().replace(/\/+$/, '');
        } catch {
          throw new ConfigError(`--base-url must be an http(s) URL, got "${opts.baseUrl}"`);
        }
      }
      const { community, buildings } = await withDatabase((d) => communityBuildings(d.db, { code: opts.community }, '--community'));
      const total = buildings.length;
      const step = Math.max(1, Math.ceil(total / 20));
      try {
        await writePostersFile(buildings, opts.out, {
          publicUrl,
          onProgress: (done) => {
            if (done % step === 0 || done === total) process.stderr.write(`posters: ${done}/${total}\n`);
          },
        });
      } catch (err) {
        if (err instanceof FontMissingError) throw new ConfigError(err.message);
        throw err;
      }
      console.log(`wrote ${total} posters for ${community.name} (${community.code}) to ${opts.out}; QR codes link to ${publicUrl}/q/<building>`);
    });
}
