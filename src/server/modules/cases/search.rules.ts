/**
 * Chinese full-text search without a Postgres Chinese parser (zhparser exists
 * nowhere here): jieba segments the text in the application, the tokens are
 * stored as `to_tsvector('simple', tokens)` with a GIN index, and queries are
 * segmented the same way into an AND of tokens.
 */
import { Jieba } from '@node-rs/jieba';
// The package has no `exports` map, so the dictionary module is addressed by file.
import { dict } from '@node-rs/jieba/dict.js';

let jieba: Jieba | null = null;

function segmenter(): Jieba {
  // Loading the dictionary takes ~0.5 s: do it on first use, once per process.
  jieba ??= Jieba.withDict(dict);
  return jieba;
}

// Punctuation and whitespace carry no meaning; tsvector would treat some of it as operators.
const NOISE = /^[\s\p{P}\p{S}]+$/u;

/** Search-mode tokens (long words plus their sub-words), lower-cased and de-duplicated. */
export function tokenize(text: string): string[] {
  const seen = new Set<string>();
  for (const raw of segmenter().cutForSearch(text, true)) {
    const token = raw.trim().toLowerCase().replace(/['\\:&|!()<>*]/g, '');
    if (token && !NOISE.test(token)) seen.add(token);
  }
  return [...seen];
}

/** The text stored through `to_tsvector('simple', …)` for a case. */
export function caseSearchText(parts: (string | null | undefined)[]): string {
  return tokenize(parts.filter(Boolean).join(' ')).join(' ');
}

/**
 * A tsquery string for `to_tsquery('simple', …)`: every query word must match.
 * Uses the precise cut (not search mode) so "欠薪" does not also require "欠".
 * Returns null when the query has no searchable token.
 */
export function searchQuery(q: string): string | null {
  const tokens = new Set<string>();
  for (const raw of segmenter().cut(q, true)) {
    const token = raw.trim().toLowerCase().replace(/['\\:&|!()<>*]/g, '');
    if (token && !NOISE.test(token)) tokens.add(token);
  }
  if (tokens.size === 0) return null;
  return [...tokens].map((t) => `'${t}'`).join(' & ');
}

/**
 * The scope half of an indexed search (migration 0008): a tsquery matching a
 * case whose owner or first-receiving unit lies under one of `roots` (org
 * paths, "/id/…/id/"), i.e. whose indexed scope holds `s:<root id>`. Null when
 * there is no root, so the caller returns nothing.
 */
export function scopeQuery(roots: string[]): string | null {
  const ids = roots.map((root) => root.split('/').filter(Boolean).at(-1)).filter((id): id is string => Boolean(id));
  if (ids.length === 0) return null;
  // Unit ids are uuids, but quote defensively: a quote inside a tsquery lexeme is doubled.
  return ids.map((id) => `'s:${id.replace(/'/g, "''")}'`).join(' | ');
}

/**
 * How to fetch a page when the words matched more cases than the search
 * counts (SEARCH_COUNT_CAP), so the true number is unknown. For a reader of a
 * whole district, a word that common is dense among the newest cases: walking
 * `created_at` backwards finds the page within a few thousand rows, while
 * sorting every match could mean a hundred thousand. For a narrower reader (a
 * community, a department) every match lies within its own cases, a bounded
 * set, while a walk over the district's newest cases would mostly read other
 * units' rows. (The planner cannot choose well itself: it estimates several
 * words as independent — 电梯 & 故障: 497 estimated, 23,041 found.)
 */
export function walkNewestFirstWhenCapped(p: { scopeRoots: readonly string[]; offset: number; limit: number; cap: number }): boolean {
  const wholeDistrict = p.scopeRoots.some((path) => path.split('/').filter(Boolean).length === 1);
  return wholeDistrict && p.offset + p.limit <= p.cap;
}
