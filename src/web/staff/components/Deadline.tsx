/**
 * Countdowns to the deadlines the server stored on a case, ticking on server
 * time. Which clock is running is read from the case's own timestamps
 * (responded/accepted/resolved); the colour follows the server's `overdue`
 * and `warning` flags, and a countdown past zero shows as late even before
 * the server's timer has flagged it.
 */
import { Tag, Tooltip } from 'antd';
import { FINISHED_STATES, WAITING_STATES, isIn } from '../../../shared/lifecycle.js';
import { formatCountdown, formatDateTime, useServerNow } from '../../shared/time.js';
import { useI18n } from '../i18n.js';

export interface CaseClocks {
  status: string;
  overdue: boolean;
  warning: boolean;
  deadlines: { respondBy: string | null; acceptBy: string | null; resolveBy: string | null };
  respondedAt: string | null;
  acceptedAt: string | null;
  resolvedAt: string | null;
  suspendedAt?: string | null;
}

export type ClockName = 'respond' | 'accept' | 'resolve';

export function clockDone(c: CaseClocks, clock: ClockName): string | null {
  return clock === 'respond' ? c.respondedAt : clock === 'accept' ? c.acceptedAt : c.resolvedAt;
}

export function dueOf(c: CaseClocks, clock: ClockName): string | null {
  return clock === 'respond' ? c.deadlines.respondBy : clock === 'accept' ? c.deadlines.acceptBy : c.deadlines.resolveBy;
}

/** The earliest clock still running (not done, with a deadline), or null. */
export function runningClock(c: CaseClocks): ClockName | null {
  if (isIn(FINISHED_STATES, c.status)) return null;
  const running = (['respond', 'accept', 'resolve'] as const).filter((k) => !clockDone(c, k) && dueOf(c, k));
  running.sort((a, b) => new Date(dueOf(c, a)!).getTime() - new Date(dueOf(c, b)!).getTime());
  return running[0] ?? null;
}

type State = 'ok' | 'amber' | 'overdue' | 'done' | 'paused' | 'none';
const COLOR: Record<State, string> = { ok: 'green', amber: 'orange', overdue: 'red', done: 'default', paused: 'purple', none: 'default' };

function stateOf(c: CaseClocks, clock: ClockName | null, remaining: number | null, isCurrent: boolean): State {
  if (!clock) return isIn(FINISHED_STATES, c.status) ? 'done' : 'none';
  if (clockDone(c, clock)) return 'done';
  if (isIn(WAITING_STATES, c.status)) return 'paused';
  if ((remaining !== null && remaining < 0) || (isCurrent && c.overdue)) return 'overdue';
  if (isCurrent && c.warning) return 'amber';
  return 'ok';
}

/** The running clock of a case, for queue rows: "受理 12:34" coloured by state. */
export function CurrentDeadline({ c }: { c: CaseClocks }) {
  const { t, tx, locale } = useI18n();
  const now = useServerNow();
  const clock = runningClock(c);
  const due = clock ? dueOf(c, clock) : null;
  const remaining = due ? new Date(due).getTime() - now : null;
  const state = c.overdue && !clock ? 'overdue' : stateOf(c, clock, remaining, true);
  return (
    <Tooltip title={due ? `${t('case.due')} ${formatDateTime(due, locale)}` : undefined}>
      <Tag color={COLOR[state]} data-deadline-state={state} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {clock ? `${tx(`clock.${clock}`)} ` : ''}
        {remaining !== null && state !== 'paused' ? formatCountdown(remaining, locale) : t(`deadline.${state}`)}
        {state === 'overdue' || state === 'amber' ? ` · ${t(`deadline.${state}`)}` : ''}
      </Tag>
    </Tooltip>
  );
}

/** One clock on the case page: label, countdown or completion time, due time. */
export function ClockRow({ c, clock }: { c: CaseClocks; clock: ClockName }) {
  const { t, tx, locale } = useI18n();
  const now = useServerNow();
  const due = dueOf(c, clock);
  const done = clockDone(c, clock);
  const current = runningClock(c) === clock;
  const remaining = due && !done ? new Date(due).getTime() - now : null;
  const state = done ? 'done' : !due ? 'none' : stateOf(c, clock, remaining, current);
  return (
    <div data-clock={clock} data-deadline-state={state} style={{ display: 'flex', alignItems: 'center', gap: 8, padding: '4px 0', flexWrap: 'wrap' }}>
      <strong style={{ width: 56 }}>{tx(`clock.${clock}`)}</strong>
      <Tag color={COLOR[state]} style={{ fontVariantNumeric: 'tabular-nums', fontSize: 14 }}>
        {state === 'done' ? t('deadline.done') : remaining !== null && state !== 'paused' ? formatCountdown(remaining, locale) : t(`deadline.${state}`)}
      </Tag>
      {state === 'overdue' && <Tag color="red">{t('deadline.overdue')}</Tag>}
      {state === 'amber' && <Tag color="orange">{t('deadline.amber')}</Tag>}
      <span style={{ color: '#888', fontSize: 12 }}>
        {done ? `${t('case.doneAt')} ${formatDateTime(done, locale)}` : due ? `${t('case.due')} ${formatDateTime(due, locale)}` : ''}
      </span>
    </div>
  );
}
