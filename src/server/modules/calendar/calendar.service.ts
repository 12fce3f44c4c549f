/**
 * Reading and changing the working calendar (district admins and sysadmins write; any staff reads). A change
 * is one transaction: the year's stored days replaced, a revision recording which dates changed their
 * working status, and the audit entry. The followers (cases, orders) then recompute what it moved.
 */
import { sql } from 'kysely';
import { appendAudit } from '../../platform/audit.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { l, type Localised } from '../../platform/messages.js';
import type { Actor } from '../../platform/policies.js';
import { requireDistrictWide, requireSomewhere } from '../../platform/scope.js';
import { inTransaction } from '../../platform/tx.js';
import { insertRevision, latestRevision, replaceYear, storedDays } from './calendar.repo.js';
import { BUILT_IN_DAYS, currentDayTable, forgetDayTable } from './calendar.store.js';
import { changedDates, createDayTable, type CalendarDay, type CalendarYear, type DaySource, type StoredSource } from './days.rules.js';
import { isValidDate, parseCalendarFile } from './calendar.import.rules.js';

/** An advisory lock key of its own (any number no other lock of the app uses). */
const CALENDAR_WRITE_LOCK = 7_150_015;

export const MIN_YEAR = 2004;
export const MAX_YEAR = 2099;

export interface DayInput {
  date: string;
  kind: CalendarDay['kind'];
  name: string;
  source?: DaySource;
}

export interface CalendarChange {
  year: CalendarYear;
  revision: number;
  /** Dates whose working status the change moved; deadlines on them are being recomputed. */
  changedDates: string[];
}

function checkYear(year: number): void {
  if (!Number.isSafeInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
    throw AppError.invalidField('params.year', l(`年份应在${MIN_YEAR}到${MAX_YEAR}之间`, `year must be from ${MIN_YEAR} to ${MAX_YEAR}`));
  }
}

export async function readYear(ctx: AppContext, actor: Actor, year: number): Promise<CalendarYear> {
  requireSomewhere(actor, 'case:read');
  checkYear(year);
  return (await currentDayTable(ctx.db)).year(year);
}

/**
 * The days a PUT stores. A day sent back as it came from GET with a built-in source (`package`, `statutory`)
 * is accepted when it is still the built-in day and not stored (the year's base provides it), so a client may
 * send the whole year it read; any other built-in day is refused, since nobody can write the package's data.
 */
function storedFromPut(year: CalendarYear, days: readonly DayInput[]): (CalendarDay & { source: StoredSource })[] {
  const issues: { path: string; reason: Localised }[] = [];
  const seen = new Map<string, number>();
  const builtIn = new Map(year.days.filter((d) => d.source === 'package' || d.source === 'statutory').map((d) => [d.date, d]));
  const out: (CalendarDay & { source: StoredSource })[] = [];
  days.forEach((d, i) => {
    const at = `days.${i}`;
    if (!isValidDate(d.date)) issues.push({ path: `${at}.date`, reason: l('不是有效日期（应为 YYYY-MM-DD）', 'is not a valid date (YYYY-MM-DD)') });
    else if (!d.date.startsWith(`${year.year}-`)) issues.push({ path: `${at}.date`, reason: l(`不在 ${year.year} 年内`, `is not in ${year.year}`) });
    else if (seen.has(d.date)) issues.push({ path: `${at}.date`, reason: l(`与第${seen.get(d.date)! + 1}项重复`, `repeats item ${seen.get(d.date)! + 1}`) });
    else {
      seen.set(d.date, i);
      const source = d.source ?? 'local';
      if (source === 'package' || source === 'statutory') {
        const same = builtIn.get(d.date);
        if (!same || same.kind !== d.kind || same.source !== source) {
          issues.push({ path: `${at}.source`, reason: l('内置日期不能修改；请以 local（本地调整）或 official（官方通知）提交', 'built-in days cannot be edited; send it as local or official') });
        }
      } else out.push({ date: d.date, kind: d.kind, name: d.name.trim(), source });
    }
  });
  if (issues.length > 0) throw AppError.brokenRules(issues);
  return out;
}

async function applyYear(ctx: AppContext, actor: Actor, year: number, stored: (CalendarDay & { source: StoredSource })[], action: 'put' | 'import'): Promise<CalendarChange> {
  const result = await inTransaction(ctx, async (trx, afterCommit) => {
    const now = ctx.clock.now();
    // Serialises writers: the revision's changed dates must compare against the rows just before this change.
    await sql`SELECT pg_advisory_xact_lock(${CALENDAR_WRITE_LOCK})`.execute(trx);
    const beforeRows = await storedDays(trx);
    const before = createDayTable(await latestRevision(trx), beforeRows, BUILT_IN_DAYS);
    await replaceYear(trx, year, stored, now, actor.id);
    const afterRows = await storedDays(trx);
    const after = createDayTable(before.revision + 1, afterRows, BUILT_IN_DAYS);
    const moved = changedDates(before, after, [year]);
    const revision = await insertRevision(trx, { year, change: { action, changedDates: moved, days: stored.length }, created_at: now, created_by: actor.id });
    await appendAudit(trx, ctx.clock, {
      action: `calendar.${action}`, actor, targetType: 'calendar', targetId: String(year),
      data: { revision, changedDates: moved, days: stored.map(({ date, kind, name, source }) => ({ date, kind, name, source })) },
    });
    afterCommit(() => forgetDayTable(ctx.db));
    return { revision, moved, year: after.year(year) };
  });
  return { year: result.year, revision: result.revision, changedDates: result.moved };
}

/**
 * A PUT replaces the year's local days with the ones sent. The official notice's days are replaced only when the
 * body sends official days: GET shows a local day in place of the official one it overrides, so a client that
 * saves the year it read must not lose the notice day hidden underneath.
 */
export async function writeYear(ctx: AppContext, actor: Actor, year: number, days: readonly DayInput[]): Promise<CalendarChange> {
  requireDistrictWide(actor, 'config:write');
  checkYear(year);
  const current = (await currentDayTable(ctx.db)).year(year);
  const sent = storedFromPut(current, days);
  const official = sent.some((d) => d.source === 'official')
    ? []
    : ((await storedDays(ctx.db)).filter((d) => d.source === 'official' && d.date.startsWith(`${year}-`)) as (CalendarDay & { source: StoredSource })[]);
  return applyYear(ctx, actor, year, [...official, ...sent], 'put');
}

/** An official notice as a file: replaces the year's official days; the district's local days stay. */
export async function importYear(ctx: AppContext, actor: Actor, year: number, fileName: string, content: string): Promise<CalendarChange> {
  requireDistrictWide(actor, 'config:write');
  checkYear(year);
  const parsed = parseCalendarFile(year, fileName, content);
  if (!parsed.ok) throw new AppError('IMPORT_FAILED', { line: parsed.line, field: parsed.field, reason: parsed.reason }, { line: parsed.line, field: parsed.field, reason: parsed.reason.en });
  const local = (await storedDays(ctx.db)).filter((d) => d.source === 'local' && d.date.startsWith(`${year}-`)) as (CalendarDay & { source: StoredSource })[];
  const official = parsed.days.map((d) => ({ date: d.date, kind: d.kind, name: d.name, source: 'official' as const }));
  return applyYear(ctx, actor, year, [...official, ...local], 'import');
}
