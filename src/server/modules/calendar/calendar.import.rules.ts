/**
 * Reading a year's exceptional days from a file, all or nothing: an ICS calendar (chinese-days publishes its
 * data as ICS, and so do the calendar feeds districts already subscribe to) or CSV `date,kind,name`. Every
 * problem names its line, and nothing is written unless the whole file reads.
 *
 * ICS: each all-day VEVENT covers DTSTART up to (not including) DTEND; its SUMMARY names the day and says
 * what it is the way chinese-days and the State Council's notices do — `春节(休)` off, `春节(班)` a 调休 working
 * day; without a marker an event is a day off. CSV: an optional header row, then `date,kind,name` with kind
 * `holiday`/`workday` (or 休/班).
 */
import ICAL from 'ical.js';
import { parse } from 'csv-parse/sync';
import { l, type Localised } from '../../platform/messages.js';
import type { DayKind } from './days.rules.js';
import { DATE_RE, nextDate } from './work-time.rules.js';

export interface ImportedDay {
  date: string;
  kind: DayKind;
  name: string;
  /** The line of the file the day came from (the event's BEGIN:VEVENT for ICS). */
  line: number;
}

export type ImportResult = { ok: true; days: ImportedDay[] } | { ok: false; line: number; field: string; reason: Localised };

const MAX_NAME = 50;
const MAX_DAYS_PER_EVENT = 31;

export function isValidDate(date: string): boolean {
  return DATE_RE.test(date) && new Date(`${date}T00:00:00.000Z`).toISOString().slice(0, 10) === date;
}

function kindOf(raw: string): DayKind | null {
  const k = raw.trim().toLowerCase();
  if (k === 'holiday' || k === '休') return 'holiday';
  if (k === 'workday' || k === '班') return 'workday';
  return null;
}

/** Checks one day against the year and the days already read; null when it is fine. */
function dayProblem(year: number, day: ImportedDay, seen: Map<string, number>): { field: string; reason: Localised } | null {
  if (!isValidDate(day.date)) return { field: 'date', reason: l(`“${day.date}”不是有效日期（应为 YYYY-MM-DD）`, `"${day.date}" is not a valid date (YYYY-MM-DD)`) };
  if (!day.date.startsWith(`${year}-`)) return { field: 'date', reason: l(`${day.date} 不在 ${year} 年内`, `${day.date} is not in ${year}`) };
  if (!day.name || day.name.length > MAX_NAME) return { field: 'name', reason: l(`名称必填，最多${MAX_NAME}个字`, `name is required, at most ${MAX_NAME} characters`) };
  const earlier = seen.get(day.date);
  if (earlier !== undefined) return { field: 'date', reason: l(`${day.date} 与第${earlier}行重复`, `${day.date} repeats line ${earlier}`) };
  return null;
}

function collect(year: number, days: ImportedDay[]): ImportResult {
  const seen = new Map<string, number>();
  for (const day of days) {
    const problem = dayProblem(year, day, seen);
    if (problem) return { ok: false, line: day.line, ...problem };
    seen.set(day.date, day.line);
  }
  return { ok: true, days: days.sort((a, b) => a.date.localeCompare(b.date)) };
}

export function parseCalendarCsv(year: number, text: string): ImportResult {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: false, trim: true });
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    return { ok: false, line, field: 'csv', reason: l('CSV 格式有误', 'the CSV is malformed') };
  }
  const days: ImportedDay[] = [];
  for (const [i, record] of records.entries()) {
    const line = i + 1;
    if (record.every((c) => c === '')) continue;
    const [date = '', kindRaw = '', name = ''] = record;
    if (i === 0 && date.toLowerCase() === 'date') continue;
    if (record.length < 3) return { ok: false, line, field: 'csv', reason: l('每行应为 date,kind,name 三列', 'each line must be date,kind,name') };
    const kind = kindOf(kindRaw);
    if (!kind) return { ok: false, line, field: 'kind', reason: l(`“${kindRaw}”应为 holiday（休）或 workday（班）`, `"${kindRaw}" must be holiday or workday`) };
    days.push({ date, kind, name, line });
  }
  return collect(year, days);
}

/** `春节(休)` / `国庆节（班）` → name and kind; no marker is a day off. */
function fromSummary(summary: string): { name: string; kind: DayKind } {
  const m = /^(.*?)\s*[(（]\s*(休|班)\s*[)）]\s*$/.exec(summary.trim());
  if (!m) return { name: summary.trim(), kind: 'holiday' };
  return { name: m[1]!.trim(), kind: m[2] === '班' ? 'workday' : 'holiday' };
}

/** The first DTSTART/DTEND of the event starting at `line` whose value is not an all-day YYYYMMDD date. */
function rawDateProblem(lines: readonly string[], line: number): { line: number; field: string } | null {
  for (let i = line; i < lines.length && !/^END:VEVENT/i.test(lines[i]!.trim()); i++) {
    const m = /^(DTSTART|DTEND)[;:]/i.exec(lines[i]!);
    if (!m) continue;
    const value = lines[i]!.slice(lines[i]!.lastIndexOf(':') + 1).trim();
    if (!/^\d{8}$/.test(value)) return { line: i + 1, field: m[1]!.toUpperCase() };
  }
  return null;
}

export function parseCalendarIcs(year: number, text: string): ImportResult {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const eventLines = lines.flatMap((s, i) => (s.trim().toUpperCase() === 'BEGIN:VEVENT' ? [i + 1] : []));
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text.replace(/^\uFEFF/, '')));
  } catch (err) {
    const found = /line (\d+)/i.exec(String((err as Error).message));
    return { ok: false, line: found ? Number(found[1]) : 1, field: 'ics', reason: l('不是有效的 ICS 日历文件', 'not a valid ICS calendar') };
  }
  const days: ImportedDay[] = [];
  for (const [i, vevent] of root.getAllSubcomponents('vevent').entries()) {
    const line = eventLines[i] ?? 1;
    // ical.js reads a short date such as 2027021 as 1 February without complaint; check the text itself.
    const problem = rawDateProblem(lines, line);
    if (problem) return { ok: false, line: problem.line, field: problem.field, reason: l('应为全天日期 YYYYMMDD', 'must be an all-day date, YYYYMMDD') };
    const event = new ICAL.Event(vevent);
    const start = event.startDate;
    if (!start) return { ok: false, line, field: 'DTSTART', reason: l('缺少开始日期', 'has no start date') };
    const first = start.toString().slice(0, 10);
    // DTEND is exclusive; a missing one means the single day (RFC 5545 for a DATE start).
    const end = event.endDate ? event.endDate.toString().slice(0, 10) : nextDate(first);
    if (!isValidDate(first) || !isValidDate(end) || end <= first) return { ok: false, line, field: 'DTEND', reason: l('结束日期应晚于开始日期', 'must be after the start') };
    const { name, kind } = fromSummary(event.summary ?? '');
    let date = first;
    for (let n = 0; date < end; n++, date = nextDate(date)) {
      if (n >= MAX_DAYS_PER_EVENT) return { ok: false, line, field: 'DTEND', reason: l(`一个事件最多${MAX_DAYS_PER_EVENT}天`, `an event spans at most ${MAX_DAYS_PER_EVENT} days`) };
      days.push({ date, kind, name, line });
    }
  }
  if (days.length === 0) return { ok: false, line: 1, field: 'ics', reason: l('文件中没有任何日期', 'the file has no days') };
  return collect(year, days);
}

/** By the file's name, else by its first line. */
export function parseCalendarFile(year: number, fileName: string, content: string): ImportResult {
  const ics = /\.ics$/i.test(fileName) || /^\uFEFF?BEGIN:VCALENDAR/i.test(content.trimStart());
  return ics ? parseCalendarIcs(year, content) : parseCalendarCsv(year, content);
}
