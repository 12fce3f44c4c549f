/**
 * The working calendar (issue 15): a year as twelve month grids, each date coloured by whether it works,
 * with where its arrangement came from. Any staff member reads it, since the deadlines they work to run on
 * it; administrators who may change settings edit dates as local days, save the year, or import the State
 * Council General Office's notice. The server decides what a date is; this page only lays the unsaved edits
 * over what it sent and shows the server's answer (how many dates changed, or why it refused).
 */
import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Radio, Segmented, Space, Spin, Tag, Tooltip, Typography, Upload } from 'antd';
import { useMemo, useState, type CSSProperties } from 'react';
import type { CalendarChangeView, CalendarOverview, CalendarYearView } from '../../../server/modules/calendar/calendar.schemas.js';
import { api, ApiError } from '../../shared/api.js';
import { useServerNow } from '../../shared/time.js';
import { useAuth } from '../auth.js';
import { useApi } from '../components/data.js';
import { ErrorAlert, NotAvailable, PageTitle } from '../components/ui.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { navigate, useLocation } from '../router.js';
import {
  dateKey, effectiveDay, monthRuns, monthWeeks, normaliseEdit, putDays, weekdayOf,
  type CalendarDay, type DayEdit, type DayKind, type DaySource,
} from './calendar-model.js';

const MIN_YEAR = 2004;
const MAX_YEAR = 2099;
const PATH = '/admin/calendar';

type Look = 'working' | 'weekend' | 'holiday' | 'workday';
const LOOK: Record<Look, CSSProperties> = {
  working: { background: '#fff', color: '#262626', borderColor: '#f0f0f0' },
  weekend: { background: '#f5f5f5', color: '#8c8c8c', borderColor: '#f0f0f0' },
  holiday: { background: '#fff1f0', color: '#cf1322', borderColor: '#ffa39e' },
  workday: { background: '#e6f4ff', color: '#0958d9', borderColor: '#91caff' },
};
const SOURCE_COLOR: Record<DaySource, string> = { package: '#8c8c8c', statutory: '#fa8c16', official: '#389e0d', local: '#722ed1' };
const SOURCES: DaySource[] = ['package', 'statutory', 'official', 'local'];

/** Today in Shanghai on the server's clock (the calendar's dates are Shanghai dates). */
function shanghaiToday(now: number): string {
  return new Date(now + 8 * 3_600_000).toISOString().slice(0, 10);
}

type Notice = { kind: 'saved' | 'imported'; changed: number; file?: string };

export function CalendarPage() {
  const { t } = useI18n();
  const { can } = useAuth();
  const { modal } = App.useApp();
  const { search } = useLocation();
  // The same permission gates every settings editor; the server still refuses a writer below the district.
  const editable = can('config:write');
  const overview = useApi<CalendarOverview>('/calendar');
  const thisYear = overview.data?.years[1]?.year;
  const asked = Number(search.get('year'));
  const year = Number.isInteger(asked) && asked >= MIN_YEAR && asked <= MAX_YEAR ? asked : thisYear;
  const view = useApi<CalendarYearView>(year ? `/calendar/${year}` : null);
  const data = view.data && view.data.year === year ? view.data : undefined;

  const [edits, setEdits] = useState<Map<string, DayEdit>>(new Map());
  const [picked, setPicked] = useState<string | null>(null);
  const [typed, setTyped] = useState<number | null>(null);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [saveError, setSaveError] = useState<{ error: unknown; sent: { date: string }[] } | null>(null);
  const [importError, setImportError] = useState<unknown>(null);
  const today = shanghaiToday(useServerNow(60_000));

  const loaded = useMemo(() => new Map((data?.days ?? []).map((d) => [d.date, d])), [data]);
  const dirty = edits.size > 0;

  const goTo = (y: number) => {
    if (y === year) return;
    const go = () => {
      setEdits(new Map());
      setNotice(null);
      setSaveError(null);
      setImportError(null);
      navigate(`${PATH}?year=${y}`, { replace: true });
    };
    if (!dirty) go();
    else modal.confirm({ title: t('admin.calendar.confirmSwitch', { year: y }), onOk: go });
  };

  const afterChange = (n: Notice) => {
    setEdits(new Map());
    setNotice(n);
    view.reload();
    overview.reload();
  };

  const save = async () => {
    if (!data) return;
    const days = putDays(data.days, edits);
    setSaving(true);
    setSaveError(null);
    setImportError(null);
    try {
      const res = await api.put<CalendarChangeView>(`/calendar/${data.year}`, { days });
      afterChange({ kind: 'saved', changed: res.changedDates.length });
    } catch (e) {
      setSaveError({ error: e, sent: days });
    } finally {
      setSaving(false);
    }
  };

  const importFile = async (file: File) => {
    if (!data) return false;
    setSaveError(null);
    setImportError(null);
    setNotice(null);
    try {
      const content = await file.text();
      const res = await api.post<CalendarChangeView>(`/calendar/${data.year}/import`, { fileName: file.name, content });
      afterChange({ kind: 'imported', changed: res.changedDates.length, file: file.name });
    } catch (e) {
      setImportError(e);
    }
    return false;
  };

  if (overview.missing) return <NotAvailable path="/api/v1/calendar" />;

  const yearOptions = (overview.data?.years ?? []).map((y) => ({
    value: y.year,
    label: (
      <span data-testid={`calendar-year-${y.year}`}>
        {y.year} <small style={{ color: y.status === 'provisional' ? '#d46b08' : '#8c8c8c' }}>{t(`admin.calendar.status.${y.status}`)}</small>
      </span>
    ),
  }));
  const warning = overview.data?.warning ?? null;

  return (
    <div>
      <PageTitle
        extra={
          <Space wrap>
            {yearOptions.length > 0 && <Segmented options={yearOptions} value={yearOptions.some((o) => o.value === year) ? year : ''} onChange={(v) => typeof v === 'number' && goTo(v)} />}
            <Space.Compact>
              <InputNumber
                min={MIN_YEAR}
                max={MAX_YEAR}
                precision={0}
                value={typed}
                onChange={(v) => setTyped(typeof v === 'number' ? v : null)}
                onPressEnter={() => typed && goTo(typed)}
                placeholder={t('admin.calendar.otherYear')}
                aria-label={t('admin.calendar.otherYear')}
                style={{ width: 120 }}
                data-testid="calendar-year-input"
              />
              <Button onClick={() => typed && goTo(typed)} disabled={!typed}>
                {t('admin.calendar.go')}
              </Button>
            </Space.Compact>
          </Space>
        }
      >
        {t('admin.calendar.title')}
      </PageTitle>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('admin.calendar.intro')}
      </Typography.Paragraph>
      {warning && (
        <Alert
          type="warning"
          showIcon
          data-testid="calendar-warning"
          style={{ marginBottom: 12 }}
          title={t(editable ? 'admin.calendar.warning' : 'admin.calendar.warningReader', { year: warning.year })}
          action={warning.year !== year ? <Button size="small" onClick={() => goTo(warning.year)}>{t('admin.calendar.warningOpen', { year: warning.year })}</Button> : undefined}
        />
      )}
      <ErrorAlert error={overview.error ?? view.error} style={{ marginBottom: 12 }} />
      {!data || !year ? (
        view.error ? null : <Spin />
      ) : (
        <>
          <Card size="small" style={{ marginBottom: 12 }}>
            <Space wrap align="center" size={[12, 8]}>
              <strong style={{ fontSize: 16 }}>{t('admin.calendar.yearLabel', { year: data.year })}</strong>
              <Tooltip title={data.status === 'provisional' ? t('admin.calendar.provisionalHint') : undefined}>
                <Tag color={data.status === 'provisional' ? 'orange' : 'green'} data-testid="calendar-status" data-status={data.status}>
                  {t(`admin.calendar.status.${data.status}`)}
                </Tag>
              </Tooltip>
              <Typography.Text type="secondary">{t(`admin.calendar.base.${data.base}`)}</Typography.Text>
              {data.status === 'provisional' && data.base !== 'none' && (
                <Typography.Text type="warning" data-testid="calendar-provisional-hint">
                  {t('admin.calendar.provisionalShort')}
                </Typography.Text>
              )}
            </Space>
            <Legend editable={editable} />
          </Card>
          {editable ? (
            <Card size="small" style={{ marginBottom: 12 }}>
              <Space wrap style={{ width: '100%', justifyContent: 'space-between' }}>
                <Space wrap>
                  <Button type="primary" onClick={() => void save()} loading={saving} disabled={!dirty} data-testid="calendar-save">
                    {t('admin.calendar.save')}
                  </Button>
                  <Button onClick={() => setEdits(new Map())} disabled={!dirty || saving} data-testid="calendar-discard">
                    {t('admin.calendar.discard')}
                  </Button>
                  <Typography.Text type={dirty ? 'warning' : 'secondary'} data-testid="calendar-pending">
                    {dirty ? t('admin.calendar.pending', { n: edits.size }) : t('admin.calendar.editHint')}
                  </Typography.Text>
                </Space>
                <Tooltip title={dirty ? t('admin.calendar.importDirty') : undefined}>
                  <span>
                    <Upload accept=".ics,.csv,text/calendar,text/csv" beforeUpload={(f) => importFile(f)} showUploadList={false} disabled={dirty}>
                      <Button icon={<UploadOutlined />} disabled={dirty} data-testid="calendar-import">
                        {t('admin.calendar.import')}
                      </Button>
                    </Upload>
                  </span>
                </Tooltip>
              </Space>
              <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>
                {t('admin.calendar.importHint')}
              </Typography.Paragraph>
            </Card>
          ) : (
            <Alert type="info" showIcon style={{ marginBottom: 12 }} title={t('admin.calendar.readOnly')} data-testid="calendar-readonly" />
          )}
          {notice && (
            <Alert
              type="success"
              showIcon
              closable={{ onClose: () => setNotice(null) }}
              style={{ marginBottom: 12 }}
              data-testid="calendar-notice"
              title={
                notice.kind === 'saved'
                  ? t(notice.changed ? 'admin.calendar.saved' : 'admin.calendar.savedNone', { n: notice.changed })
                  : t(notice.changed ? 'admin.calendar.imported' : 'admin.calendar.importedNone', { n: notice.changed, file: notice.file ?? '' })
              }
            />
          )}
          {saveError && <SaveErrorAlert error={saveError.error} sent={saveError.sent} />}
          <ErrorAlert error={importError} style={{ marginBottom: 12 }} />
          <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(264px, 1fr))', gap: 12 }} data-testid="calendar-months">
            {Array.from({ length: 12 }, (_, i) => (
              <MonthGrid
                key={i}
                year={data.year}
                month={i + 1}
                dayOf={(date) => effectiveDay(loaded, edits, date)}
                pending={(date) => edits.has(date)}
                today={today}
                onPick={editable ? setPicked : undefined}
              />
            ))}
          </div>
          {picked && (
            <DayDialog
              date={picked}
              loaded={loaded.get(picked)}
              current={effectiveDay(loaded, edits, picked)}
              hasEdit={edits.has(picked)}
              onClose={() => setPicked(null)}
              onApply={(edit) => {
                const next = new Map(edits);
                const kept = normaliseEdit(loaded.get(picked), edit);
                if (kept) next.set(picked, kept);
                else next.delete(picked);
                setEdits(next);
                setPicked(null);
              }}
            />
          )}
        </>
      )}
    </div>
  );
}

function useDateText() {
  const { t } = useI18n();
  const weekdays = t('admin.calendar.weekdays').split(',');
  const monthShort = t('admin.calendar.monthShort').split(',');
  return {
    weekdays,
    monthNames: t('admin.calendar.monthNames').split(','),
    long: (date: string) => {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      return t('admin.calendar.dateLong', { y, m, d, name: monthShort[m - 1] ?? String(m), w: weekdays[weekdayOf(y, m, d)] ?? '' });
    },
  };
}

/** What a date is, in words: its kind and name, or an ordinary working day or weekend. */
function useDayState() {
  const { t } = useI18n();
  return (date: string, day: CalendarDay | undefined) => {
    if (day) return `${t(`admin.calendar.kindLong.${day.kind}`)} · ${day.name}`;
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return t(weekdayOf(y, m, d) >= 5 ? 'admin.calendar.day.weekend' : 'admin.calendar.day.working');
  };
}

function Legend({ editable }: { editable: boolean }) {
  const { t } = useI18n();
  const swatch = (look: Look, label: string, mark?: string) => (
    <Space size={4} key={look}>
      <span style={{ background: LOOK[look].background, color: LOOK[look].color, display: 'inline-block', minWidth: 22, height: 18, padding: '0 3px', boxSizing: 'border-box', border: `1px solid ${look === 'working' || look === 'weekend' ? '#d9d9d9' : String(LOOK[look].borderColor)}`, borderRadius: 3, fontSize: 10, lineHeight: '16px', textAlign: 'center' }}>{mark}</span>
      {label}
    </Space>
  );
  return (
    <div style={{ marginTop: 8, display: 'flex', flexWrap: 'wrap', gap: '6px 16px', fontSize: 12, color: '#595959' }} data-testid="calendar-legend">
      <span>{t('admin.calendar.legend')}</span>
      {swatch('working', t('admin.calendar.day.working'))}
      {swatch('weekend', t('admin.calendar.day.weekend'))}
      {swatch('holiday', t('admin.calendar.kindLong.holiday'), t('admin.calendar.kind.holiday'))}
      {swatch('workday', t('admin.calendar.kindLong.workday'), t('admin.calendar.kind.workday'))}
      <span style={{ marginLeft: 8 }}>{t('admin.calendar.legendSource')}</span>
      {SOURCES.map((s) => (
        <Space size={4} key={s}>
          <SourceDot source={s} />
          {t(`admin.calendar.source.${s}`)}
        </Space>
      ))}
      {editable && (
        <Space size={4}>
          <span style={{ display: 'inline-block', width: 18, height: 16, border: '2px dashed #722ed1', borderRadius: 3 }} />
          {t('admin.calendar.pendingMark')}
        </Space>
      )}
    </div>
  );
}

function SourceDot({ source, style }: { source: DaySource; style?: CSSProperties }) {
  return <span aria-hidden style={{ display: 'inline-block', width: 6, height: 6, borderRadius: 3, background: SOURCE_COLOR[source], ...style }} />;
}

interface MonthProps {
  year: number;
  month: number;
  dayOf: (date: string) => CalendarDay | undefined;
  pending: (date: string) => boolean;
  today: string;
  onPick?: (date: string) => void;
}

function MonthGrid({ year, month, dayOf, pending, today, onPick }: MonthProps) {
  const { t } = useI18n();
  const text = useDateText();
  const stateOf = useDayState();
  const days: CalendarDay[] = [];
  const weeks = monthWeeks(year, month);
  const cell = (d: number | null, col: number) => {
    if (d === null) return <td key={`e${col}`} />;
    const date = dateKey(year, month, d);
    const day = dayOf(date);
    if (day) days.push(day);
    const look: Look = day ? day.kind : col >= 5 ? 'weekend' : 'working';
    const isPending = pending(date);
    const tip = (
      <div style={{ fontSize: 12 }}>
        <div>{text.long(date)}</div>
        <div>{stateOf(date, day)}</div>
        {day && <div>{t(`admin.calendar.source.${day.source}`)}</div>}
        {isPending && <div>{day ? t('admin.calendar.pendingMark') : t('admin.calendar.edit.pendingDefault')}</div>}
      </div>
    );
    const style: CSSProperties = {
      background: LOOK[look].background,
      color: LOOK[look].color,
      position: 'relative',
      width: 34,
      height: 34,
      padding: 0,
      border: isPending ? '2px dashed #722ed1' : `1px solid ${String(LOOK[look].borderColor)}`,
      borderRadius: 4,
      cursor: onPick ? 'pointer' : 'default',
      font: 'inherit',
      lineHeight: 1.1,
      outline: date === today ? '2px solid #b42318' : undefined,
      outlineOffset: date === today ? -1 : undefined,
    };
    const content = (
      <>
        <span style={{ display: 'block', fontSize: 13, fontWeight: day ? 600 : 400 }}>{d}</span>
        <span style={{ display: 'block', fontSize: 9, minHeight: 10 }}>{day ? t(`admin.calendar.kind.${day.kind}`) : ''}</span>
        {day && <SourceDot source={day.source} style={{ position: 'absolute', top: 2, right: 2 }} />}
      </>
    );
    const attrs = { 'data-date': date, 'data-kind': day?.kind ?? look, 'data-source': day?.source ?? '', 'aria-label': `${text.long(date)} ${stateOf(date, day)}` };
    return (
      <td key={date} style={{ padding: 1, textAlign: 'center' }}>
        <Tooltip title={tip} mouseEnterDelay={0.2}>
          {onPick ? (
            <button type="button" style={style} onClick={() => onPick(date)} {...attrs}>
              {content}
            </button>
          ) : (
            <div style={{ ...style, display: 'inline-block', paddingTop: 3, boxSizing: 'border-box' }} {...attrs}>
              {content}
            </div>
          )}
        </Tooltip>
      </td>
    );
  };
  const rows = weeks.map((w, i) => <tr key={i}>{w.map((d, col) => cell(d, col))}</tr>);
  return (
    <Card size="small" title={text.monthNames[month - 1]} styles={{ body: { padding: 8 } }} data-month={month}>
      <table style={{ borderCollapse: 'separate', borderSpacing: 0, margin: '0 auto' }}>
        <thead>
          <tr>
            {text.weekdays.map((w, i) => (
              <th key={w} style={{ fontSize: 11, fontWeight: 400, color: i >= 5 ? '#8c8c8c' : '#595959', paddingBottom: 2 }}>
                {w}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{rows}</tbody>
      </table>
      <MonthRuns days={days} />
    </Card>
  );
}

/** The month's holidays and 调休 days by name, so a name is readable without hovering. */
function MonthRuns({ days }: { days: CalendarDay[] }) {
  const { t } = useI18n();
  const runs = monthRuns(days);
  if (runs.length === 0) return null;
  return (
    <ul style={{ listStyle: 'none', margin: '6px 0 0', padding: 0, fontSize: 12, lineHeight: 1.6 }}>
      {runs.map((r) => (
        <li key={`${r.from}-${r.kind}`} style={{ color: LOOK[r.kind].color }}>
          {t('admin.calendar.run', { range: r.from === r.to ? String(r.from) : `${r.from}–${r.to}`, name: r.name, kind: t(`admin.calendar.kind.${r.kind}`) })}
        </li>
      ))}
    </ul>
  );
}

type Choice = DayKind | 'default';

function DayDialog({ date, loaded, current, hasEdit, onClose, onApply }: {
  date: string;
  loaded: CalendarDay | undefined;
  current: CalendarDay | undefined;
  hasEdit: boolean;
  onClose: () => void;
  onApply: (edit: DayEdit) => void;
}) {
  const { t } = useI18n();
  const text = useDateText();
  const stateOf = useDayState();
  const [form] = Form.useForm<{ choice: Choice; name: string }>();
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const weekend = weekdayOf(y, m, d) >= 5;
  const canReset = loaded?.source === 'local' || hasEdit;
  const choice = Form.useWatch('choice', form);
  const initial = { choice: current?.kind ?? (weekend ? 'workday' : 'holiday'), name: current?.name ?? '' };
  const submit = (v: { choice: Choice; name?: string }) => onApply(v.choice === 'default' ? 'default' : { kind: v.choice, name: (v.name ?? '').trim() });
  return (
    <Modal open title={t('admin.calendar.edit.title', { date: text.long(date) })} onCancel={onClose} onOk={() => form.submit()} okText={t('admin.calendar.edit.apply')} destroyOnHidden data-testid="calendar-day-dialog">
      <Typography.Paragraph type="secondary">
        {t('admin.calendar.edit.now', { state: stateOf(date, current) })}
        {current && ` · ${t(`admin.calendar.source.${current.source}`)}`}
      </Typography.Paragraph>
      <Form form={form} layout="vertical" name="calendarDay" initialValues={initial} onFinish={submit}>
        <Form.Item name="choice" label={t('admin.calendar.edit.kind')}>
          <Radio.Group
            optionType="button"
            options={[
              { value: 'holiday', label: t('admin.calendar.kindLong.holiday') },
              { value: 'workday', label: t('admin.calendar.kindLong.workday') },
              ...(canReset ? [{ value: 'default', label: t('admin.calendar.edit.default') }] : []),
            ]}
          />
        </Form.Item>
        {choice === 'default' ? (
          <Typography.Paragraph type="secondary">{t('admin.calendar.edit.defaultHint')}</Typography.Paragraph>
        ) : (
          <Form.Item name="name" label={t('admin.calendar.edit.name')} rules={[{ required: true, whitespace: true, max: 50, message: t('admin.calendar.edit.nameRequired') }]}>
            <Input placeholder={t('admin.calendar.edit.namePlaceholder')} maxLength={50} autoFocus />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

const FIELD_LABEL: Record<string, MessageKey> = {
  date: 'admin.calendar.field.date',
  kind: 'admin.calendar.field.kind',
  name: 'admin.calendar.field.name',
  source: 'admin.calendar.field.source',
};

/** The server's refusal of a PUT, each problem named by the date it concerns rather than by its index. */
function SaveErrorAlert({ error, sent }: { error: unknown; sent: { date: string }[] }) {
  const { t } = useI18n();
  if (!(error instanceof ApiError) || error.fields.length === 0) return <ErrorAlert error={error} style={{ marginBottom: 12 }} />;
  const where = (path: string) => {
    const m = /^body\.days\.(\d+)(?:\.(\w+))?$/.exec(path);
    if (!m) return null;
    const i = Number(m[1]);
    const item = sent[i]?.date ?? t('admin.calendar.item', { n: i + 1 });
    const field = m[2] ? FIELD_LABEL[m[2]] : undefined;
    return field ? t('admin.calendar.errorField', { item, field: t(field) }) : item;
  };
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      style={{ marginBottom: 12 }}
      title={error.message}
      description={
        <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
          {error.fields.map((f) => (
            <li key={`${f.path}|${f.message}`}>
              {t('admin.calendar.errorAt', { where: where(f.path) ?? f.path, message: f.message })}
            </li>
          ))}
        </ul>
      }
    />
  );
}
