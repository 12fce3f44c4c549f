/**
 * Localised messages for every error code the API can return. zh-CN is the
 * default language; `en` is chosen by `Accept-Language`. Parameters are
 * substituted into `{name}` placeholders.
 */
export type Locale = 'zh-CN' | 'en';

/** A text in both languages, for messages composed outside this catalogue (business-rule reasons). */
export interface Localised {
  'zh-CN': string;
  en: string;
}

/** Both languages of a message, built where the rule is: `l('需要备注', 'a note is required')`. */
export function l(zh: string, en: string): Localised {
  return { 'zh-CN': zh, en };
}

/** Reasons every rule checker gives, worded once in each language. */
export const COMMON_REASONS = Object.freeze({
  notAnObject: l('应为对象', 'must be an object'),
  unknownKey: l('不认识的字段', 'unknown key'),
  required: l('必填', 'required'),
});

export function isLocalised(value: unknown): value is Localised {
  return typeof value === 'object' && value !== null && typeof (value as Localised)['zh-CN'] === 'string' && typeof (value as Localised).en === 'string';
}

type Catalogue = Record<string, Localised>;

const catalogue: Catalogue = {
  VALIDATION_FAILED: { 'zh-CN': '提交的数据有误，请检查标注的字段', en: 'The request has invalid fields' },
  NOT_FOUND: { 'zh-CN': '未找到{what}', en: '{what} not found' },
  ROUTE_NOT_FOUND: { 'zh-CN': '接口不存在', en: 'No such endpoint' },
  UNAUTHENTICATED: { 'zh-CN': '请先登录', en: 'Please sign in' },
  INVALID_CREDENTIALS: { 'zh-CN': '用户名或密码错误', en: 'Wrong username or password' },
  ACCOUNT_DISABLED: { 'zh-CN': '账号已停用', en: 'The account is disabled' },
  FORBIDDEN: { 'zh-CN': '您没有权限执行此操作', en: 'You are not allowed to do this' },
  OUT_OF_SCOPE: { 'zh-CN': '该数据不在您的管辖范围内', en: 'This record is outside your area' },
  ROLE_NOT_GRANTABLE: {
    'zh-CN': '您不能在“{org}”授予“{role}”角色：只能在自己管辖的单位授予低于自己级别的角色，或您在该单位（或上级单位）同样担任的角色',
    en: 'You cannot grant the role "{role}" at {org}: you may grant, within your own units, roles below your own or a role you hold there yourself',
  },
  USER_OUT_OF_REACH: {
    'zh-CN': '该用户担任的角色超出您的管理权限，只能由能管理其全部角色的管理员修改',
    en: 'This user holds a role beyond your reach; only an administrator who could grant all of their roles may change them',
  },
  IMPORT_OUT_OF_SCOPE: {
    'zh-CN': '导入被拒绝：第{line}行的单位“{code}”不在您可以维护的范围内（整个文件均未导入）',
    en: 'Import refused: the unit "{code}" on line {line} is outside the units you may maintain (nothing was imported)',
  },
  OWN_ACCOUNT: {
    'zh-CN': '不能在用户管理中修改自己的账号或角色；修改本人密码请使用“修改密码”',
    en: 'You cannot change your own account or roles in user administration; use "Change password" for your own password',
  },
  CONFLICT: { 'zh-CN': '数据冲突：{reason}', en: 'Conflict: {reason}' },
  DUPLICATE: { 'zh-CN': '{what}已存在', en: '{what} already exists' },
  ILLEGAL_TRANSITION: {
    'zh-CN': '当前状态为“{status}”，不能执行“{action}”',
    en: 'Action "{action}" is not allowed while the case is "{status}"',
  },
  RATE_LIMITED: { 'zh-CN': '请求过于频繁，请稍后再试', en: 'Too many requests, please try again later' },
  PAYLOAD_TOO_LARGE: { 'zh-CN': '上传内容过大', en: 'The upload is too large' },
  UNSUPPORTED_MEDIA_TYPE: { 'zh-CN': '不支持的文件类型', en: 'Unsupported file type' },
  BAD_REQUEST: { 'zh-CN': '请求无效：{reason}', en: 'Bad request: {reason}' },
  IMPORT_FAILED: {
    'zh-CN': '导入失败：第{line}行，字段“{field}”：{reason}',
    en: 'Import failed: line {line}, field "{field}": {reason}',
  },
  TEST_CLOCK_DISABLED: { 'zh-CN': '测试时钟未启用', en: 'The test clock is not enabled' },
  INTERNAL: { 'zh-CN': '服务器内部错误，请稍后重试', en: 'Internal server error, please try again later' },
  SERVICE_UNAVAILABLE: { 'zh-CN': '服务暂不可用', en: 'Service unavailable' },
  // Resident portal (one-time codes, throttles): the message names when to retry.
  RETRY_LATER: {
    'zh-CN': '操作过于频繁，请在{waitZh}后（{retryAt}以后）再试',
    en: 'Too many attempts; please try again in {waitEn} (after {retryAt})',
  },
  OTP_INVALID: { 'zh-CN': '验证码错误或已失效，请核对后重试或重新获取', en: 'The code is wrong or has expired; check it or request a new one' },
  OTP_ATTEMPTS_EXCEEDED: {
    'zh-CN': '验证码输错次数过多，该验证码已失效，请重新获取',
    en: 'Too many wrong codes: this code no longer works, please request a new one',
  },
  VERIFICATION_REQUIRED: {
    'zh-CN': '请先通过短信验证码验证手机号（验证已过期或无效）',
    en: 'Please verify your phone number with a text-message code first (the verification is missing or expired)',
  },
  // A resident's daily upload allowance (attachments.rules.ts); {limit} is localised, {retryAt} the next day's start.
  UPLOAD_QUOTA_EXCEEDED: {
    'zh-CN': '今天的上传已达上限（{limit}），请在{retryAt}以后再上传',
    en: "Today's upload allowance ({limit}) is used up; please upload again after {retryAt}",
  },
};

/** Field-level validation messages, keyed by the JSON-schema keyword that failed. */
const fieldCatalogue: Catalogue = {
  required: { 'zh-CN': '必填', en: 'is required' },
  type: { 'zh-CN': '类型应为{type}', en: 'must be of type {type}' },
  minLength: { 'zh-CN': '长度不能少于{limit}个字符', en: 'must be at least {limit} characters' },
  maxLength: { 'zh-CN': '长度不能超过{limit}个字符', en: 'must be at most {limit} characters' },
  minimum: { 'zh-CN': '不能小于{limit}', en: 'must be ≥ {limit}' },
  maximum: { 'zh-CN': '不能大于{limit}', en: 'must be ≤ {limit}' },
  exclusiveMinimum: { 'zh-CN': '必须大于{limit}', en: 'must be > {limit}' },
  exclusiveMaximum: { 'zh-CN': '必须小于{limit}', en: 'must be < {limit}' },
  enum: { 'zh-CN': '取值应为：{allowed}', en: 'must be one of: {allowed}' },
  const: { 'zh-CN': '取值应为：{allowed}', en: 'must be: {allowed}' },
  format: { 'zh-CN': '格式应为{format}', en: 'must be a valid {format}' },
  pattern: { 'zh-CN': '格式不正确', en: 'has the wrong format' },
  additionalProperties: { 'zh-CN': '不允许的字段', en: 'is not an allowed field' },
  minItems: { 'zh-CN': '至少需要{limit}项', en: 'must have at least {limit} items' },
  maxItems: { 'zh-CN': '最多{limit}项', en: 'must have at most {limit} items' },
  uniqueItems: { 'zh-CN': '不能有重复项', en: 'must not contain duplicates' },
  anyOf: { 'zh-CN': '不符合任何允许的格式', en: 'matches none of the allowed shapes' },
  invalid: { 'zh-CN': '无效：{reason}', en: 'is invalid: {reason}' },
  // A business rule's own sentence (AppError.invalidField): shown as it is, in the reader's language.
  rule: { 'zh-CN': '{reason}', en: '{reason}' },
};

/** Record names used in NOT_FOUND / DUPLICATE messages. */
const nouns: Catalogue = {
  case: { 'zh-CN': '诉求', en: 'Case' },
  org: { 'zh-CN': '组织', en: 'Org unit' },
  user: { 'zh-CN': '用户', en: 'User' },
  building: { 'zh-CN': '楼栋', en: 'Building' },
  order: { 'zh-CN': '发令', en: 'Order' },
  category: { 'zh-CN': '诉求分类', en: 'Category' },
  notification: { 'zh-CN': '通知', en: 'Notification' },
  attachment: { 'zh-CN': '附件', en: 'Attachment' },
  record: { 'zh-CN': '记录', en: 'Record' },
};

function fill(template: string, params: Record<string, unknown> = {}, locale?: Locale): string {
  return template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = params[key];
    if (value === undefined) return `{${key}}`;
    if (key === 'what' && locale && typeof value === 'string' && nouns[value]) return nouns[value][locale];
    if (isLocalised(value)) return value[locale ?? 'zh-CN'];
    return String(value);
  });
}

export function translate(code: string, locale: Locale, params?: Record<string, unknown>): string {
  const entry = catalogue[code] ?? catalogue.INTERNAL;
  return fill(entry[locale], params, locale);
}

export function translateField(keyword: string, locale: Locale, params?: Record<string, unknown>): string {
  const entry = fieldCatalogue[keyword];
  if (!entry) return fill(fieldCatalogue.invalid[locale], { reason: keyword, ...params }, locale);
  return fill(entry[locale], params, locale);
}

/** Picks zh-CN unless the client prefers English. */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'zh-CN';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...rest] = part.trim().split(';');
      const q = rest.find((r) => r.trim().startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.trim().slice(2)) || 0 : 1 };
    })
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}
