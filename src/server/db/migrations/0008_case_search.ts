import { sql, type Kysely } from 'kysely';

/**
 * Staff case search: the words AND the reader's scope in ONE GIN index.
 *
 * A case is visible to a scoped reader when its `owner_path` or its
 * `first_path` lies in the reader's subtree. With the words in a GIN index and
 * the scope on the heap (or in btree path indexes the planner would not
 * intersect), a community reader's search fetched every district-wide match
 * from the heap just to discard 97% of them. Here every unit on either path
 * becomes a lexeme `s:<unit id>` in the second column of a GIN index whose
 * first column is the words, so "words in scope" is one GIN intersection.
 *
 * The scope lexemes are computed from the path columns by an IMMUTABLE
 * function in the index expression, not stored: no backfill (every existing
 * case is indexed when the index is built), nothing for intake to write, and a
 * dispatch or escalation that rewrites `owner_path` re-indexes the case by
 * itself. Words and scope lexemes live in different index columns, so a word
 * can never match a scope lexeme.
 *
 * Paths are '/'-separated ancestor ids and self ("/district/…/unit/"), so "root path is a
 * prefix of the path" (the LIKE rule of platform/scope.ts) is exactly "the
 * root's id is a segment of the path".
 *
 * The plain words index `cases_search_idx` is dropped: the new index answers
 * every words query (its first column is the same vector).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE FUNCTION case_scope_lexemes(owner_path text, first_path text) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT array_to_tsvector(ARRAY(
        SELECT DISTINCT 's:' || unit
          FROM unnest(string_to_array(coalesce(owner_path, '') || coalesce(first_path, ''), '/')) AS unit
         WHERE unit <> ''))
    $$`.execute(db);
  // Two columns of one GIN index: a scan ANDs conditions on both in one pass,
  // and a lossy bitmap page is rechecked on the stored words first, so the
  // function runs only for rows whose words match.
  await sql`CREATE INDEX cases_search_scope_idx ON cases USING gin (search_tokens, case_scope_lexemes(owner_path, first_path))`.execute(db);
  await sql`DROP INDEX IF EXISTS cases_search_idx`.execute(db);
  // Planner statistics for the new index expression (lexeme frequencies).
  await sql`ANALYZE cases`.execute(db);
}
