import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueWork } from '../../platform/scheduler.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { findOrgByCode } from '../orgs/index.js';
import { smsGateway, type SmsSender } from '../notifications/index.js';

let t: TestApp;
let biyanId: string;
let biyanBuilding: string;
let phoneSeq = 0;
/** A fresh mobile number per test, so per-phone throttles never leak between tests. */
const newPhone = () => `139${String(10_000_000 + ++phoneSeq).slice(-8)}`;

beforeAll(async () => {
  t = await createTestApp();
  biyanId = (await findOrgByCode(t.database.db, 'GM.GUANGMING.BIYAN'))!.id;
  biyanBuilding = (await t.database.db.selectFrom('buildings').select('code').where('community_id', '=', biyanId).limit(1).executeTakeFirstOrThrow()).code;
});
afterAll(async () => t.close());

type Headers = Record<string, string>;
const inject = (method: 'GET' | 'POST', url: string, opts: { payload?: unknown; headers?: Headers; ip?: string } = {}) =>
  t.app.inject({ method, url, payload: opts.payload as Record<string, unknown> | undefined, headers: opts.headers, remoteAddress: opts.ip ?? '10.0.0.1' });

/** The newest code texted to `phone`, read from the `sms` outbox row (what the SMS adapter would send). */
async function lastCode(phone: string): Promise<string> {
  const row = await t.database.db
    .selectFrom('outbox')
    .select('payload')
    .where('topic', '=', 'sms')
    .where(sql<boolean>`payload->>'phone' = ${phone}`)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  const match = /(\d{6})/.exec(String((row.payload as { text: string }).text));
  if (!match) throw new Error('no code in the text message');
  return match[1];
}

async function verifiedToken(phone = newPhone(), ip = '10.0.0.1'): Promise<{ phone: string; token: string }> {
  const sent = await inject('POST', '/api/v1/public/otp', { payload: { phone }, ip });
  expect(sent.statusCode).toBe(202);
  const res = await inject('POST', '/api/v1/public/otp/verify', { payload: { phone, code: await lastCode(phone) }, ip });
  expect(res.statusCode).toBe(200);
  return { phone, token: res.json().verificationToken };
}

const noiseCase = {
  category: 'neighbor.noise',
  title: '楼上深夜噪音',
  description: '楼上住户每晚十二点后仍有很大的敲击声，已持续两周',
  reporter: { name: '李四' },
};

async function submit(payload: Record<string, unknown>, headers: Headers = {}, ip = '10.0.0.1') {
  return inject('POST', '/api/v1/public/cases', { payload, headers, ip });
}

async function staffCaseId(trackingNo: string): Promise<string> {
  const res = await inject('GET', `/api/v1/cases?q=${trackingNo}`, { headers: await t.as('district.admin') });
  return res.json().items[0].id;
}

async function act(user: string, id: string, payload: Record<string, unknown>) {
  const res = await inject('POST', `/api/v1/cases/${id}/actions`, { headers: await t.as(user), payload });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** Staff take a case from intake to resolved. */
async function resolveByStaff(trackingNo: string, note = '已上门协调，楼上住户承诺22点后不再装修') {
  const id = await staffCaseId(trackingNo);
  await act('biyan.secretary', id, { action: 'accept' });
  await act('biyan.secretary', id, { action: 'dispatch', targetOrgId: biyanId });
  await act('biyan.mediator', id, { action: 'start' });
  await act('biyan.mediator', id, { action: 'resolve', note });
  return id;
}

async function newResidentCase(extra: Record<string, unknown> = {}) {
  const { phone, token } = await verifiedToken();
  const res = await submit({ ...noiseCase, location: { buildingCode: biyanBuilding }, verificationToken: token, ...extra });
  expect(res.statusCode, res.body).toBe(201);
  return { phone, token, ...(res.json() as { trackingNo: string; accessCode: string }) };
}

const track = (trackingNo: string, accessCode: string, ip = '10.0.0.1', headers: Headers = {}) =>
  inject('GET', `/api/v1/public/cases/${trackingNo}?accessCode=${accessCode}`, { ip, headers });

describe('the resident flow', () => {
  it('code → verify → submit → track → staff resolve → confirm → rate', async () => {
    const phone = newPhone();
    // The development SMS adapter receives the text (in production a gateway would).
    const sent: [string, string][] = [];
    const original = smsGateway.senderFor;
    smsGateway.senderFor = () => ({ send: async (p, text) => void sent.push([p, text]) }) satisfies SmsSender;
    try {
      expect((await inject('POST', '/api/v1/public/otp', { payload: { phone } })).json()).toMatchObject({ sent: true, expiresInSeconds: 300 });
      await runDueWork(t.app.ctx);
    } finally {
      smsGateway.senderFor = original;
    }
    expect(sent).toHaveLength(1);
    expect(sent[0][0]).toBe(phone);
    const code = /(\d{6})/.exec(sent[0][1])![1];
    // Only a hash of the code is stored.
    const stored = await t.database.db.selectFrom('otp_codes').select('code_hash').where('phone', '=', phone).executeTakeFirstOrThrow();
    expect(stored.code_hash).not.toContain(code);

    const verified = await inject('POST', '/api/v1/public/otp/verify', { payload: { phone, code } });
    expect(verified.statusCode).toBe(200);
    const token = verified.json().verificationToken as string;

    const created = await submit({ ...noiseCase, channel: 'qr', location: { buildingCode: biyanBuilding }, verificationToken: token });
    expect(created.statusCode, created.body).toBe(201);
    const c = created.json();
    expect(Object.keys(c).sort()).toEqual(['accessCode', 'createdAt', 'deadlines', 'riskLevel', 'status', 'trackingNo']);
    expect(c).toMatchObject({ status: 'submitted', riskLevel: 'blue' });
    expect(c.trackingNo).toMatch(/^GM\d{8}-\d{6}$/);
    expect(c.accessCode).toMatch(/^\d{6}$/);
    expect(c.deadlines.respondBy).toBeTruthy();

    // The verified phone became the reporter's phone.
    const id = await staffCaseId(c.trackingNo);
    const row = await t.database.db.selectFrom('cases').select(['reporter_phone', 'channel', 'owner_org_id']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ reporter_phone: phone, channel: 'qr', owner_org_id: biyanId });

    const progress = await track(c.trackingNo, c.accessCode);
    expect(progress.statusCode).toBe(200);
    expect(progress.json()).toMatchObject({ trackingNo: c.trackingNo, status: 'submitted', statusText: '已提交，待受理', handlingUnit: { name: '碧眼社区' }, allowedActions: ['add_info'] });
    expect(progress.json().timeline[0].text).toBe('您提交了诉求，由碧眼社区负责');

    await resolveByStaff(c.trackingNo, '已协调，噪音问题解决');
    const resolved = await track(c.trackingNo, c.accessCode, '10.0.0.1', { 'accept-language': 'en' });
    const body = resolved.json();
    expect(body).toMatchObject({ status: 'resolved', resolution: { note: '已协调，噪音问题解决' }, allowedActions: ['add_info', 'confirm', 'rate'] });
    expect(body.timeline.map((e: { action: string }) => e.action)).toEqual(['submit', 'accept', 'dispatch', 'start', 'resolve']);
    expect(body.timeline.map((e: { text: string }) => e.text)).toContain('Assigned to Biyan Community');
    // Units, never staff names or the reporter's contact.
    const mediator = await t.database.db.selectFrom('users').select('display_name').where('username', '=', 'biyan.mediator').executeTakeFirstOrThrow();
    expect(resolved.body).not.toContain(mediator.display_name);
    expect(resolved.body).not.toContain(phone);
    expect(resolved.body).not.toContain('李四');

    const confirmed = await inject('POST', `/api/v1/public/cases/${c.trackingNo}/confirm`, { payload: { accessCode: c.accessCode } });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'confirmed', allowedActions: ['rate'] });

    const rated = await inject('POST', `/api/v1/public/cases/${c.trackingNo}/rate`, { payload: { accessCode: c.accessCode, rating: 5, comment: '很满意' } });
    expect(rated.statusCode, rated.body).toBe(200);
    expect(rated.json()).toMatchObject({ status: 'confirmed', rating: 5, ratingComment: '很满意' });
    expect(rated.json().timeline.at(-1).text).toBe('您评价了5星');

    const staffView = (await inject('GET', `/api/v1/cases/${id}/events`, { headers: await t.as('biyan.secretary') })).json();
    expect(staffView.items.slice(-2).map((e: { action: string; actor: { kind: string } }) => [e.action, e.actor.kind])).toEqual([
      ['confirm', 'resident'],
      ['rate', 'resident'],
    ]);
    // The auto-confirmation timer went with the resident's confirmation.
    const pending = await t.database.db.selectFrom('timers').select('id').where('subject_id', '=', id).where('kind', '=', 'case.auto_confirm')
      .where('fired_at', 'is', null).where('cancelled_at', 'is', null).execute();
    expect(pending).toHaveLength(0);

    const mine = await inject('GET', '/api/v1/public/my-cases', { headers: { 'x-verification-token': token } });
    expect(mine.json().items).toEqual([expect.objectContaining({ trackingNo: c.trackingNo, title: noiseCase.title, status: 'confirmed' })]);
  });

  it('a dissatisfied rating reopens the case with a fresh resolve window and tells the owner', async () => {
    const c = await newResidentCase();
    const id = await resolveByStaff(c.trackingNo);
    t.clock.advanceMinutes(60);
    const res = await inject('POST', `/api/v1/public/cases/${c.trackingNo}/rate`, { payload: { accessCode: c.accessCode, rating: 2, comment: '噪音依旧' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ status: 'in_progress', rating: 2, ratingComment: '噪音依旧', resolution: null, allowedActions: ['add_info'] });
    expect(res.json().timeline.slice(-2).map((e: { text: string }) => e.text)).toEqual(['您评价了2星', '您对办理结果不满意，诉求已重新办理']);
    const staff = (await inject('GET', `/api/v1/cases/${id}`, { headers: await t.as('biyan.secretary') })).json();
    expect(staff).toMatchObject({ status: 'in_progress', resolvedAt: null, rating: 2 });
    expect(new Date(staff.deadlines.resolveBy).getTime()).toBeGreaterThan(t.clock.now().getTime());
    const notice = await t.database.db.selectFrom('outbox').select('payload').where('topic', '=', 'notify')
      .where(sql<boolean>`payload->>'caseId' = ${id}`).where(sql<boolean>`payload->>'kind' = 'case.reopened'`).executeTakeFirst();
    expect(notice?.payload).toMatchObject({ recipients: { orgIds: [biyanId] } });
    const autoConfirm = await t.database.db.selectFrom('timers').select('id').where('subject_id', '=', id).where('kind', '=', 'case.auto_confirm')
      .where('cancelled_at', 'is', null).where('fired_at', 'is', null).execute();
    expect(autoConfirm).toHaveLength(0);
    // Rating is only for resolved/confirmed cases.
    const again = await inject('POST', `/api/v1/public/cases/${c.trackingNo}/rate`, { payload: { accessCode: c.accessCode, rating: 4 } });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.details.allowedActions).toEqual(['add_info']);
  });

  it('a satisfied rating of a resolved case also confirms it', async () => {
    const c = await newResidentCase();
    await resolveByStaff(c.trackingNo);
    const res = await inject('POST', `/api/v1/public/cases/${c.trackingNo}/rate`, { payload: { accessCode: c.accessCode, rating: 4 } });
    expect(res.json()).toMatchObject({ status: 'confirmed', rating: 4 });
  });

  it('adding information records a resident event and notifies the owning unit', async () => {
    const c = await newResidentCase();
    const res = await inject('POST', `/api/v1/public/cases/${c.trackingNo}/info`, { payload: { accessCode: c.accessCode, text: '昨晚又持续到凌晨两点' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().timeline.at(-1)).toMatchObject({ action: 'add_info', text: '您补充了信息：昨晚又持续到凌晨两点' });
    const id = await staffCaseId(c.trackingNo);
    const events = await t.database.db.selectFrom('case_events').select(['action', 'actor_kind', 'note']).where('case_id', '=', id).orderBy('id').execute();
    expect(events.at(-1)).toEqual({ action: 'add_info', actor_kind: 'resident', note: '昨晚又持续到凌晨两点' });
    const notice = await t.database.db.selectFrom('outbox').select('payload').where('topic', '=', 'notify')
      .where(sql<boolean>`payload->>'caseId' = ${id}`).where(sql<boolean>`payload->>'kind' = 'case.add_info'`).executeTakeFirst();
    expect(notice?.payload).toMatchObject({ recipients: { orgIds: [biyanId] } });
    // Confirming needs a resolved case.
    const early = await inject('POST', `/api/v1/public/cases/${c.trackingNo}/confirm`, { payload: { accessCode: c.accessCode } });
    expect(early.statusCode).toBe(409);
  });

  it('the verified phone may track its own case without the access code, and nobody else\'s', async () => {
    const c = await newResidentCase();
    const own = await inject('GET', `/api/v1/public/cases/${c.trackingNo}`, { headers: { 'x-verification-token': c.token }, ip: '10.0.5.1' });
    expect(own.statusCode).toBe(200);
    const other = await verifiedToken();
    const foreign = await inject('GET', `/api/v1/public/cases/${c.trackingNo}`, { headers: { 'x-verification-token': other.token }, ip: '10.0.5.1' });
    expect(foreign.statusCode).toBe(404);
    const mine = await inject('GET', '/api/v1/public/my-cases', { headers: { 'x-verification-token': other.token } });
    expect(mine.json().items).toEqual([]);
  });
});

describe('access codes', () => {
  it('a wrong code and an unknown number are the same 404; 10 failures from one IP → 429 until the window passes', async () => {
    const c = await newResidentCase();
    const wrong = c.accessCode === '000000' ? '111111' : '000000';
    const ip = '10.0.9.9';
    const a = await track(c.trackingNo, wrong, ip);
    const b = await track('GM20200101-999999', c.accessCode, ip);
    expect(a.statusCode).toBe(404);
    expect(b.statusCode).toBe(404);
    expect(a.json()).toEqual(b.json());
    for (let i = 0; i < 8; i++) expect((await track(c.trackingNo, wrong, ip)).statusCode).toBe(404);
    // Ten failures: now even the right code is refused from this address…
    const blocked = await track(c.trackingNo, c.accessCode, ip, { 'accept-language': 'en' });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('RETRY_LATER');
    expect(blocked.json().error.message).toMatch(/try again in 10 minutes \(after \d\d:\d\d:\d\d\)/);
    expect(Number(blocked.headers['retry-after'])).toBe(600);
    // …while another address is unaffected.
    expect((await track(c.trackingNo, c.accessCode, '10.0.9.10')).statusCode).toBe(200);
    t.clock.advanceMinutes(10);
    expect((await track(c.trackingNo, c.accessCode, ip)).statusCode).toBe(200);
  });

  it('a missing code is a 400 naming the field', async () => {
    const c = await newResidentCase();
    const res = await inject('GET', `/api/v1/public/cases/${c.trackingNo}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields[0].path).toBe('querystring.accessCode');
  });
});

describe('one-time codes', () => {
  it('throttles per phone: one a minute, five an hour, with the retry time in the message', async () => {
    const phone = newPhone();
    const ip = '10.0.1.1';
    expect((await inject('POST', '/api/v1/public/otp', { payload: { phone }, ip })).statusCode).toBe(202);
    const again = await inject('POST', '/api/v1/public/otp', { payload: { phone }, ip });
    expect(again.statusCode).toBe(429);
    expect(again.json().error.message).toMatch(/^操作过于频繁，请在1分钟后（\d\d:\d\d:\d\d以后）再试$/);
    expect(again.headers['retry-after']).toBe('60');
    for (let i = 0; i < 4; i++) {
      t.clock.advanceMinutes(1);
      expect((await inject('POST', '/api/v1/public/otp', { payload: { phone }, ip })).statusCode).toBe(202);
    }
    t.clock.advanceMinutes(1);
    const sixth = await inject('POST', '/api/v1/public/otp', { payload: { phone }, ip, headers: { 'accept-language': 'en' } });
    expect(sixth.statusCode).toBe(429);
    // The first of the five leaves the hour window 55 minutes from now.
    expect(sixth.json().error.message).toContain('try again in 55 minutes');
    t.clock.advanceMinutes(55);
    expect((await inject('POST', '/api/v1/public/otp', { payload: { phone }, ip })).statusCode).toBe(202);
  });

  it('throttles per IP across phones', async () => {
    const ip = '10.0.2.2';
    for (let i = 0; i < 10; i++) expect((await inject('POST', '/api/v1/public/otp', { payload: { phone: newPhone() }, ip })).statusCode).toBe(202);
    expect((await inject('POST', '/api/v1/public/otp', { payload: { phone: newPhone() }, ip })).statusCode).toBe(429);
    expect((await inject('POST', '/api/v1/public/otp', { payload: { phone: newPhone() }, ip: '10.0.2.3' })).statusCode).toBe(202);
  });

  it('expires after 5 minutes', async () => {
    const phone = newPhone();
    await inject('POST', '/api/v1/public/otp', { payload: { phone } });
    const code = await lastCode(phone);
    t.clock.advanceMinutes(5);
    const res = await inject('POST', '/api/v1/public/otp/verify', { payload: { phone, code } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('OTP_INVALID');
  });

  it('allows 5 attempts per code, then the code is dead even when right', async () => {
    const phone = newPhone();
    await inject('POST', '/api/v1/public/otp', { payload: { phone } });
    const code = await lastCode(phone);
    const wrong = code === '123456' ? '654321' : '123456';
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await inject('POST', '/api/v1/public/otp/verify', { payload: { phone, code: wrong } })).json().error);
    expect(answers.slice(0, 4).map((e) => [e.code, e.details.attemptsLeft])).toEqual([['OTP_INVALID', 4], ['OTP_INVALID', 3], ['OTP_INVALID', 2], ['OTP_INVALID', 1]]);
    expect(answers[4].code).toBe('OTP_ATTEMPTS_EXCEEDED');
    const right = await inject('POST', '/api/v1/public/otp/verify', { payload: { phone, code } });
    expect(right.statusCode).toBe(429);
    // A new code works again.
    t.clock.advanceMinutes(1);
    const fresh = await verifiedToken(phone);
    expect(fresh.token.length).toBeGreaterThan(20);
  });

  it('a code is used once; the token serves several submissions for 30 minutes', async () => {
    const { phone, token } = await verifiedToken();
    const reuse = await inject('POST', '/api/v1/public/otp/verify', { payload: { phone, code: await lastCode(phone) } });
    expect(reuse.statusCode).toBe(400);
    const body = { ...noiseCase, location: { buildingCode: biyanBuilding }, verificationToken: token };
    expect((await submit(body)).statusCode).toBe(201);
    t.clock.advanceMinutes(29);
    expect((await submit(body)).statusCode).toBe(201);
    t.clock.advanceMinutes(1);
    const late = await submit(body);
    expect(late.statusCode).toBe(401);
    expect(late.json().error.code).toBe('VERIFICATION_REQUIRED');
  });

  it('refuses landlines and malformed numbers with a field path', async () => {
    const res = await inject('POST', '/api/v1/public/otp', { payload: { phone: '0755-12345678' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields[0].path).toBe('body.phone');
  });
});

describe('submission', () => {
  it('a retried Idempotency-Key returns the same tracking number with a fresh access code', async () => {
    const { token } = await verifiedToken();
    const body = { ...noiseCase, location: { buildingCode: biyanBuilding }, verificationToken: token };
    const first = await submit(body, { 'idempotency-key': 'resident-retry-1' });
    const count = async () => Number((await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const again = await submit(body, { 'idempotency-key': 'resident-retry-1' });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().trackingNo).toBe(first.json().trackingNo);
    expect(await count()).toBe(before);
    expect((await track(again.json().trackingNo, again.json().accessCode, '10.0.3.1')).statusCode).toBe(200);
    if (again.json().accessCode !== first.json().accessCode) {
      expect((await track(first.json().trackingNo, first.json().accessCode, '10.0.3.1')).statusCode).toBe(404);
    }
  });

  it('anonymous reports: refused for a dispute category, accepted for environment.pollution', async () => {
    const dispute = await submit({ ...noiseCase, anonymous: true, reporter: undefined });
    expect(dispute.statusCode).toBe(400);
    expect(dispute.json().error.details.fields.map((f: { path: string }) => f.path)).toContain('body.anonymous');
    const pollution = await submit({ category: 'environment.pollution', title: '河道有异味', description: '茅洲河支流有刺鼻气味，水面发黑', anonymous: true });
    expect(pollution.statusCode, pollution.body).toBe(201);
    const row = await t.database.db.selectFrom('cases').select(['anonymous', 'reporter_phone', 'channel']).where('tracking_no', '=', pollution.json().trackingNo).executeTakeFirstOrThrow();
    expect(row).toEqual({ anonymous: true, reporter_phone: null, channel: 'online' });
  });

  it('a named report needs a verified phone; staff-only channels are refused', async () => {
    const unverified = await submit(noiseCase);
    expect(unverified.statusCode).toBe(400);
    expect(unverified.json().error.details.fields[0].path).toBe('body.verificationToken');
    const forged = await submit({ ...noiseCase, verificationToken: 'x'.repeat(43) });
    expect(forged.statusCode).toBe(401);
    const { token } = await verifiedToken();
    const hotline = await submit({ ...noiseCase, channel: 'hotline', verificationToken: token });
    expect(hotline.statusCode).toBe(400);
    expect(hotline.json().error.details.fields[0].path).toBe('body.channel');
    const phoneField = await submit({ ...noiseCase, reporter: { name: '李四', phone: '13800000000' }, verificationToken: token });
    expect(phoneField.statusCode).toBe(400);
  });
});

describe('per-IP rate limit', () => {
  it('applies FENGQIAO_PUBLIC_RATE_LIMIT to public routes', async () => {
    const limited = await createTestApp({ env: { FENGQIAO_PUBLIC_RATE_LIMIT: '2' } });
    try {
      const hit = () => limited.app.inject({ method: 'GET', url: '/api/v1/public/cases/GM20200101-000001?accessCode=123456', remoteAddress: '10.7.0.1' });
      expect((await hit()).statusCode).toBe(404);
      expect((await hit()).statusCode).toBe(404);
      const third = await hit();
      expect(third.statusCode).toBe(429);
      expect(third.json().error.code).toBe('RATE_LIMITED');
    } finally {
      await limited.close();
    }
  });
});
