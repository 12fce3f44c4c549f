/**
 * The staff case list and search (GET /cases): SQL only, like cases.repo.ts.
 * Kept apart from the write path of cases.repo.ts because its plans are tuned
 * against a million cases (bench/search.ts, bench/README.md "Search").
 */
import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { DB } from '../../db/schema.js';
import { CLOSED_STATES } from '../../../shared/lifecycle.js';
import type { CasesTable } from './cases.tables.js';
import { scopeRoots, type Actor } from '../../platform/policies.js';
import { escapeLike, inActorScope } from '../../platform/scope.js';
import { scopeQuery, walkNewestFirstWhenCapped } from './search.rules.js';

export interface CaseListFilter {
  status?: string[];
  riskLevel?: string[];
  orgId?: string;
  orgPath?: string;
  q?: string;
  tsQuery?: string | null;
  overdue?: boolean;
  warning?: boolean;
  phone?: string;
  open?: boolean;
  limit: number;
  offset: number;
  /** Tests only: force how a search page is fetched (both must return the same rows). */
  pagePlan?: 'newest-first' | 'matches';
}

/**
 * Totals are counted up to this many matches; beyond it the list reports
 * `totalCapped` ("10000+"). Counting every match of a broad search (a common
 * word over a million cases, or a whole district's list) reads every matching
 * row and cost several times the page itself.
 */
export const COUNT_CAP = 10_000;

/**
 * A words search counts at most this many matches ("1000+"): someone who
 * typed 工资 district-wide refines the words or the filters rather than reading
 * fifty pages, and each counted match is a row read from the table, so this
 * cap is what keeps a common word fast over millions of cases.
 */
export const SEARCH_COUNT_CAP = 1_000;

const TRACKING_NO = /^[A-Z]{1,4}\d{8}-\d{3,}$/i;

// The builder type of `selectFrom('cases')` before any column is selected.
type CasesQuery = SelectQueryBuilder<DB, 'cases', {}>;
type CaseRow = Selectable<CasesTable>;

function withFilters(query: CasesQuery, f: CaseListFilter): CasesQuery {
  if (f.status?.length) query = query.where('status', 'in', f.status);
  if (f.riskLevel?.length) query = query.where('risk_level', 'in', f.riskLevel);
  if (f.orgPath) query = query.where('owner_path', 'like', `${escapeLike(f.orgPath)}%`);
  if (f.overdue !== undefined) query = query.where('overdue', '=', f.overdue);
  if (f.warning !== undefined) query = query.where('warning', '=', f.warning);
  if (f.phone) query = query.where('reporter_phone', '=', f.phone);
  if (f.open) query = query.where('status', 'not in', CLOSED_STATES);
  return query;
}

/** A case is visible where its owner or its first-receiving unit lies in the actor's scope (the path rule). */
function inScope(db: Kysely<DB>, actor: Actor): CasesQuery {
  return db
    .selectFrom('cases')
    .where((eb) => eb.or([inActorScope(eb, eb.ref('owner_path'), actor, 'case:read'), inActorScope(eb, eb.ref('first_path'), actor, 'case:read')]));
}

function page(query: CasesQuery, f: CaseListFilter) {
  return query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute();
}

/** `SELECT count(*)` of at most COUNT_CAP + 1 rows of `query`. */
function cappedCount(db: Kysely<DB>, query: CasesQuery) {
  return db
    .selectFrom(query.select(sql<number>`1`.as('one')).limit(COUNT_CAP + 1).as('matches'))
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
}

export async function listCases(db: Kysely<DB>, actor: Actor, f: CaseListFilter) {
  const q = f.q?.trim();
  if (q && !TRACKING_NO.test(q)) {
    return f.tsQuery ? searchCases(db, actor, f, f.tsQuery) : { rows: [], total: 0, totalCapped: false };
  }
  let query = withFilters(inScope(db, actor), f);
  if (q) query = query.where('tracking_no', '=', q.toUpperCase());
  const [rows, counted] = await Promise.all([page(query, f), cappedCount(db, query)]);
  const n = Number(counted.n);
  return { rows, total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP };
}

/**
 * Words search (bench/README.md "Search" has the plans). The matches are found
 * through the two-column GIN index of migration 0008 — words AND scope
 * (`s:<unit id>` of every unit on the owner and first paths) — in one index
 * intersection, so a community reader never fetches another community's
 * matches.
 *
 * 1. One statement fetches at most SEARCH_COUNT_CAP + 1 matches (ctid, created_at, id
 *    only), counts them, sorts them and reads the page's rows by ctid: when the
 *    count is not capped, the page costs no second pass over the matches.
 * 2. When it is capped, `walkNewestFirstWhenCapped` picks how the page is
 *    read: a district-wide reader walks `created_at` backwards testing words
 *    and scope on each case (a few hundred rows for a common word; the words
 *    are tested with the function form `ts_match_vq`, which no index matches,
 *    so the planner cannot turn it back into sorting tens of thousands of
 *    matches on an underestimate); a narrower reader gets every match of its
 *    own scope through the index, sorted in memory.
 */
async function searchCases(db: Kysely<DB>, actor: Actor, f: CaseListFilter, words: string) {
  const roots = scopeRoots(actor, 'case:read');
  const scope = scopeQuery(roots);
  if (!scope) return { rows: [], total: 0, totalCapped: false };
  const matches = withFilters(
    db
      .selectFrom('cases')
      .where(sql<boolean>`search_tokens @@ to_tsquery('simple', ${words})`)
      .where(sql<boolean>`case_scope_lexemes(owner_path, first_path) @@ ${scope}::tsquery`),
    f,
  );
  type Found = CaseRow & { search_matches: string };
  const found = await sql<Found>`
    WITH m AS MATERIALIZED (${matches.select([sql`ctid`.as('t'), 'created_at', 'id']).limit(SEARCH_COUNT_CAP + 1)}),
         n AS (SELECT count(*) AS search_matches FROM m),
         p AS (SELECT t FROM m WHERE (SELECT search_matches FROM n) <= ${SEARCH_COUNT_CAP} ORDER BY created_at DESC, id LIMIT ${f.limit} OFFSET ${f.offset})
    SELECT n.search_matches, c.*
      FROM n LEFT JOIN cases c ON c.ctid = ANY (ARRAY(SELECT t FROM p))
     ORDER BY c.created_at DESC, c.id`.execute(db);
  const n = Number(found.rows[0].search_matches);
  const result = { total: Math.min(n, SEARCH_COUNT_CAP), totalCapped: n > SEARCH_COUNT_CAP };
  const forced = f.pagePlan === 'newest-first' && n > 0;
  if (n <= SEARCH_COUNT_CAP && !forced) {
    const rows: CaseRow[] = found.rows.filter((r) => r.id !== null).map(({ search_matches: _n, ...row }) => row);
    return { rows, ...result };
  }
  const walk = f.pagePlan
    ? f.pagePlan === 'newest-first'
    : walkNewestFirstWhenCapped({ scopeRoots: roots, offset: f.offset, limit: f.limit, cap: SEARCH_COUNT_CAP });
  if (walk) {
    const rows = await page(withFilters(inScope(db, actor), f).where(sql<boolean>`ts_match_vq(search_tokens, to_tsquery('simple', ${words}))`), f);
    return { rows, ...result };
  }
  // Every match, through the words-and-scope index (materialised so the planner cannot
  // trade it for a created_at scan on an underestimate), sorted in memory.
  const sorted = await sql<CaseRow>`
    WITH m AS MATERIALIZED (${matches.select([sql`ctid`.as('t'), 'created_at', 'id'])}),
         p AS (SELECT t FROM m ORDER BY created_at DESC, id LIMIT ${f.limit} OFFSET ${f.offset})
    SELECT c.* FROM cases c WHERE c.ctid = ANY (ARRAY(SELECT t FROM p))
     ORDER BY c.created_at DESC, c.id`.execute(db);
  return { rows: sorted.rows, ...result };
}
