import { describe, expect, it } from 'vitest';
import { publicTimeline, residentActions, type TimelineEvent } from './public.rules.js';
import { clockTime, describeWait, nextAllowedAt, OTP_PHONE_WINDOWS } from './throttle.rules.js';

const at = (min: number) => new Date(Date.UTC(2026, 10, 23, 2, min));

describe('nextAllowedAt', () => {
  it('is null below every limit', () => {
    expect(nextAllowedAt([], at(0), OTP_PHONE_WINDOWS)).toBeNull();
    expect(nextAllowedAt([at(0)], at(2), OTP_PHONE_WINDOWS)).toBeNull();
  });
  it('waits for the minute window', () => {
    expect(nextAllowedAt([at(0)], at(0), OTP_PHONE_WINDOWS)).toEqual(at(1));
  });
  it('waits for the oldest of the last five to leave the hour', () => {
    const times = [at(0), at(10), at(20), at(30), at(40)];
    expect(nextAllowedAt(times, at(50), OTP_PHONE_WINDOWS)).toEqual(at(60));
    expect(nextAllowedAt(times, at(60), OTP_PHONE_WINDOWS)).toBeNull();
  });
  it('ignores events in the future of the clock and older than the window', () => {
    expect(nextAllowedAt([at(-120), at(30)], at(10), OTP_PHONE_WINDOWS)).toBeNull();
  });
});

describe('describeWait and clockTime', () => {
  it.each([
    [1, '1秒', '1 second'],
    [45_000, '45秒', '45 seconds'],
    [59_001, '1分钟', '1 minute'],
    [600_000, '10分钟', '10 minutes'],
  ])('%d ms', (ms, zh, en) => {
    expect(describeWait(ms)).toMatchObject({ waitZh: zh, waitEn: en });
  });
  it('shows Shanghai wall-clock time', () => {
    expect(clockTime(new Date('2026-11-23T02:05:09Z'), 'Asia/Shanghai')).toBe('10:05:09');
  });
});

describe('publicTimeline', () => {
  const units = new Map([
    ['c1', { name: '碧眼社区', nameEn: 'Biyan Community' }],
    ['d1', { name: '区人力资源局', nameEn: null }],
  ]);
  const e = (action: string, extra: Partial<TimelineEvent> = {}): TimelineEvent => ({
    at: at(0), action, actorKind: 'staff', orgId: null, note: null, data: {}, ...extra,
  });

  it('names the unit that held the case at each step, and leaves internal events out', () => {
    const events = [
      e('submit', { actorKind: 'resident', orgId: 'c1' }),
      e('comment', { note: '内部备注：当事人情绪激动' }),
      e('regrade', { data: { from: 'blue', to: 'yellow' } }),
      e('accept'),
      e('dispatch', { orgId: 'd1', data: { toOrgId: 'd1' } }),
      e('breach', { actorKind: 'system' }),
      e('start'),
      e('resolve', { note: '已追回工资' }),
      e('confirm', { actorKind: 'system', data: { by: 'auto' } }),
    ];
    const zh = publicTimeline(events, units, 'zh-CN');
    expect(zh.map((x) => x.text)).toEqual([
      '您提交了诉求，由碧眼社区负责',
      '碧眼社区已受理您的诉求',
      '诉求已分派至区人力资源局办理',
      '区人力资源局已开始办理',
      '区人力资源局已办结：已追回工资',
      '办结后您未提出异议，系统已自动确认',
    ]);
    expect(zh.map((x) => x.unit)).toEqual(['碧眼社区', '碧眼社区', '区人力资源局', '区人力资源局', '区人力资源局', '区人力资源局']);
    expect(JSON.stringify(zh)).not.toContain('内部备注');
    const en = publicTimeline(events, units, 'en');
    expect(en[1].text).toBe('Biyan Community accepted your request');
    // No English name: the Chinese one stands in.
    expect(en[2].text).toBe('Assigned to 区人力资源局');
  });

  it('tells the resident why a case was not accepted and where to go', () => {
    const [, rejected] = publicTimeline([e('submit', { orgId: 'c1' }), e('reject', { note: '属于法院受理范围', data: { redirectTo: '光明区人民法院' } })], units, 'zh-CN');
    expect(rejected.text).toBe('碧眼社区不予受理，原因：属于法院受理范围。建议您：光明区人民法院');
  });
});

describe('residentActions', () => {
  it.each([
    ['submitted', ['add_info']],
    ['in_progress', ['add_info']],
    ['resolved', ['add_info', 'confirm', 'rate']],
    ['confirmed', ['rate']],
    ['closed', []],
    ['rejected', []],
    ['merged', []],
  ] as const)('%s → %j', (status, actions) => {
    expect(residentActions(status)).toEqual(actions);
  });
});
