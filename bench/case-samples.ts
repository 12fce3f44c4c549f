/**
 * Realistic, varied case bodies for the intake and search benchmarks: Chinese
 * titles and descriptions per category, reporters, people and amounts spread so
 * that grading yields a mix of blue, yellow and red cases. Deterministic (seeded),
 * so two runs load the same shapes of data.
 */

/** Small fast seeded PRNG (mulberry32): benchmarks must be repeatable, not cryptographic. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '梁'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '建华', '志强', '桂兰', '海燕'];
const PLACES = ['碧眼社区', '光明大街', '华夏二路', '观光路', '公明广场', '凤凰城', '玉塘工业区', '马田新村', '长圳村', '新湖花园', '东周路', '翠湖山庄', '白花工业园', '迳口村', '田寮市场'];
const COMPANIES = ['宏达电子厂', '鑫源五金制品有限公司', '华美装饰工程公司', '恒通物流', '佳乐超市', '明辉塑胶厂', '永兴建筑劳务公司', '金鹏科技', '顺发餐饮店', '安居物业管理公司'];
const SITES = ['工地', '厂区', '小区', '商铺', '出租屋', '菜市场', '停车场', '写字楼', '学校门口', '公园'];

/** Per category: title templates and description templates; `{x}` slots are filled below. */
const TEXTS: Record<string, { titles: string[]; bodies: string[] }> = {
  'labor.wage_arrears': {
    titles: ['{company}拖欠工资{months}个月', '工人讨薪：{company}欠薪', '{place}{site}欠薪求助'],
    bodies: [
      '{company}自{months}个月前起拖欠{n}名工人工资，共计约{amount}元，老板电话无人接听，工人情绪激动，请求协调解决。',
      '本人在{place}{site}做工，包工头拖欠工资{amount}元，多次讨要未果，希望社区帮忙调解欠薪问题。',
    ],
  },
  'labor.contract': {
    titles: ['{company}未签劳动合同', '劳动合同纠纷：辞退未补偿'],
    bodies: ['{company}入职{months}个月未签订劳动合同，现被无故辞退，要求支付经济补偿金{amount}元。', '公司单方面变更劳动合同调岗降薪，员工{n}人不同意，请求劳动争议调解。'],
  },
  'labor.injury': {
    titles: ['工伤认定与赔偿', '{company}工伤不赔'],
    bodies: ['在{company}上班时手部受伤，住院治疗花费{amount}元，公司拒绝申报工伤，请求人社部门处理。', '工人在{place}{site}高处坠落受伤，公司未缴纳工伤保险，家属要求赔偿。'],
  },
  'neighbor.noise': {
    titles: ['楼上夜间噪音扰民', '{place}{site}施工噪音', '邻居装修噪音'],
    bodies: ['{place}楼上住户每晚十二点后仍有跳动和拖拽家具的噪音，多次沟通无果，老人孩子无法休息。', '{place}{site}夜间施工噪音很大，影响周边{n}户居民休息，请求处理。'],
  },
  'neighbor.boundary': {
    titles: ['邻居占用公共通道', '相邻漏水纠纷'],
    bodies: ['{place}邻居在楼道堆放杂物占用消防通道，劝说无效，发生口角。', '楼上卫生间漏水导致我家天花板发霉，维修费用约{amount}元，双方协商不成。'],
  },
  'family.marriage': {
    titles: ['婚姻纠纷求调解', '离婚财产分割争议'],
    bodies: ['夫妻双方因家庭琐事长期争吵，现一方要求离婚，涉及子女抚养和房产分割，请求调解。', '离婚后对方不按协议支付抚养费，已拖欠{months}个月共{amount}元。'],
  },
  'family.domestic': {
    titles: ['家庭暴力求助', '遭受丈夫殴打'],
    bodies: ['居民反映长期遭受配偶殴打，身上有伤，情绪不稳定，请求妇联和派出所介入保护。', '邻居听到{place}某户经常传出打骂声，疑似家庭暴力，请求上门核实。'],
  },
  'family.elderly_care': {
    titles: ['子女不履行赡养义务', '老人赡养费纠纷'],
    bodies: ['八十岁老人有{n}个子女，均不愿承担赡养费用，老人独居生活困难，请求调解赡养纠纷。', '老人患病住院，子女之间因医疗费{amount}元分摊发生争执。'],
  },
  'property.management': {
    titles: ['{place}物业不作为', '物业费纠纷', '电梯长期故障'],
    bodies: ['{place}小区电梯故障一个月无人维修，物业公司推诿，业主{n}户联名投诉。', '安居物业管理公司乱收停车费，业主拒交物业费，双方矛盾激化。', '小区垃圾清运不及时，物业服务差，业主要求更换物业。'],
  },
  'housing.rental': {
    titles: ['房东不退押金', '租房合同纠纷'],
    bodies: ['租客退租后房东以墙面损坏为由扣押押金{amount}元，双方各执一词，请求调解。', '房东提前收回{place}出租屋，租客要求赔偿搬家损失和剩余租金。'],
  },
  'consumer.dispute': {
    titles: ['预付卡商家跑路', '购买商品质量问题'],
    bodies: ['{place}健身房突然关门，{n}名会员预付费共{amount}元无法退还，请求市场监管部门处理。', '在{company}购买的电器使用一周即损坏，商家拒绝退换。'],
  },
  'land.use': {
    titles: ['宅基地边界争议', '集体土地占用纠纷'],
    bodies: ['{place}两户村民因宅基地边界发生争执，一方砌墙占用另一方土地约十平方米。', '村集体土地被违规出租搭建厂房，村民{n}人要求处理。'],
  },
  'construction.safety': {
    titles: ['{site}脚手架存在安全隐患', '违章搭建安全隐患'],
    bodies: ['{place}{site}脚手架搭建不规范，工人未系安全带，存在坠落风险。', '{place}有人在楼顶违章加建铁皮房，存在消防安全隐患。'],
  },
  'environment.pollution': {
    titles: ['工厂排放废气', '餐饮油烟扰民', '河道污水直排'],
    bodies: ['{company}夜间排放刺鼻废气，周边居民头晕恶心，请求环保部门检测。', '{place}沿街餐饮店油烟直排，居民窗户无法打开。', '{place}附近河道有污水直排，水体发黑发臭。'],
  },
  'traffic.accident': {
    titles: ['交通事故赔偿纠纷', '电动车撞人赔偿'],
    bodies: ['在{place}发生交通事故，对方电动车撞伤老人，医疗费{amount}元，双方对赔偿金额有争议。', '停车场内车辆刮擦，双方对责任认定不服。'],
  },
  'legal.consultation': {
    titles: ['法律咨询：借款纠纷', '咨询遗产继承'],
    bodies: ['朋友借款{amount}元到期不还，只有微信聊天记录，咨询如何起诉。', '父亲去世未留遗嘱，兄弟姐妹{n}人对房产继承有分歧，咨询法律规定。'],
  },
  'legal.aid': {
    titles: ['申请法律援助', '农民工申请法律援助'],
    bodies: ['经济困难无力聘请律师，申请法律援助处理欠薪诉讼，涉及金额{amount}元。', '残疾人被拖欠工资，申请法律援助。'],
  },
  'psych.counseling': {
    titles: ['心理咨询预约', '青少年厌学心理辅导'],
    bodies: ['孩子上初中后厌学，沉迷手机，与家长冲突频繁，希望预约心理咨询。', '失业后长期失眠焦虑，希望得到心理疏导。'],
  },
  'psych.crisis': {
    titles: ['情绪激动扬言轻生', '心理危机干预'],
    bodies: ['居民因欠薪问题情绪激动，扬言要跳楼，现场需要心理危机干预。', '独居老人近期情绪低落，有轻生念头，家属请求干预。'],
  },
  'assistance.hardship': {
    titles: ['困难家庭求助', '重病家庭帮扶'],
    bodies: ['家中主要劳动力患重病，医疗费{amount}元无力承担，孩子上学困难，请求帮扶。', '单亲母亲带{n}个孩子生活困难，申请临时救助。'],
  },
  'assistance.social_aid': {
    titles: ['申请低保', '临时救助申请'],
    bodies: ['老人无固定收入，申请最低生活保障。', '因火灾房屋受损，一家{n}口无处居住，申请临时救助。'],
  },
  'complaint.public_service': {
    titles: ['办事窗口服务态度差', '社康中心排队时间长'],
    bodies: ['在{place}办事窗口办理业务时工作人员态度恶劣，推诿不办。', '社康中心预约难、排队时间长，希望增加医生。'],
  },
  'complaint.city_management': {
    titles: ['占道经营', '垃圾堆放未清理', '共享单车乱停放'],
    bodies: ['{place}路边流动摊贩占道经营，影响通行。', '{place}垃圾堆放多日未清理，臭味严重，蚊蝇滋生。', '{place}地铁口共享单车乱停放，堵塞人行道。'],
  },
  'suggestion.general': {
    titles: ['建议增设公交站点', '建议增加停车位'],
    bodies: ['建议在{place}附近增设公交站点，方便居民出行。', '{place}周边停车难，建议规划建设公共停车场。'],
  },
};

export const SAMPLE_CATEGORIES = Object.keys(TEXTS);

/** Words residents and staff actually type into the search box (all occur in the texts above). */
export const SEARCH_WORDS = [
  '欠薪', '工资', '噪音', '物业', '押金', '漏水', '电梯', '油烟', '工伤', '赡养', '离婚', '家庭暴力', '劳动合同', '宅基地', '污水',
  '脚手架', '垃圾', '停车', '法律援助', '心理咨询', '低保', '交通事故', '装修', '占道经营', '抚养费', '继承', '厌学', '废气', '押金 房东',
  '工资 拖欠', '电梯 故障', '宏达电子厂', '光明大街', '玉塘工业区', '凤凰城', '长圳村', '共享单车', '临时救助', '预付卡', '借款',
];

function fill(template: string, r: () => number): string {
  return template
    .replaceAll('{company}', pick(r, COMPANIES))
    .replaceAll('{place}', pick(r, PLACES))
    .replaceAll('{site}', pick(r, SITES))
    .replaceAll('{months}', String(1 + Math.floor(r() * 11)))
    .replaceAll('{n}', String(1 + Math.floor(r() * 30)))
    .replaceAll('{amount}', String(Math.round(500 + r() * 200_000)));
}

export interface SampleText {
  category: string;
  title: string;
  description: string;
  address: string;
}

/** One random title/description/address for a category (or a random category). */
export function sampleText(r: () => number, category = pick(r, SAMPLE_CATEGORIES)): SampleText {
  const t = TEXTS[category];
  return {
    category,
    title: fill(pick(r, t.titles), r).slice(0, 200),
    description: fill(pick(r, t.bodies), r),
    address: `深圳市光明区${pick(r, PLACES)}${1 + Math.floor(r() * 200)}号`,
  };
}

export function personName(r: () => number): string {
  return pick(r, SURNAMES) + pick(r, GIVEN);
}

export function mobile(r: () => number): string {
  return `1${pick(r, ['3', '5', '7', '8', '9'])}${String(Math.floor(r() * 1e9)).padStart(9, '0')}`;
}

export interface BuildingRef {
  code: string;
  lat: number | null;
  lng: number | null;
}

const CHANNELS = ['walk_in', 'walk_in', 'walk_in', 'hotline', 'hotline', 'online', 'qr', 'grid', 'secretary'] as const;

/**
 * A POST /api/v1/cases body. Location: mostly a building code (the hall looks
 * it up, or the resident scanned its QR code), some map points, a few free
 * addresses (trigram match). People, amounts, urgency and flags are spread so
 * roughly 70% grade blue, 20% yellow and 10% red.
 */
export function caseBody(r: () => number, buildings: readonly BuildingRef[], anonymousOk: ReadonlySet<string>): Record<string, unknown> {
  const text = sampleText(r);
  const channel = pick(r, CHANNELS);
  const body: Record<string, unknown> = { channel, category: text.category, title: text.title, description: text.description };
  const where = r();
  const b = pick(r, buildings);
  if (where < 0.75 || b.lat === null || b.lng === null) body.location = { buildingCode: b.code };
  else if (where < 0.93) body.location = { lat: b.lat, lng: b.lng, address: text.address };
  else body.location = { address: text.address };
  if (anonymousOk.has(text.category) && r() < 0.2) body.anonymous = true;
  else body.reporter = { name: personName(r), phone: mobile(r) };
  const grade = r();
  if (grade < 0.1) {
    // red: any one red trigger
    const k = pick(r, ['people', 'amount', 'urgency', 'flag'] as const);
    if (k === 'people') body.peopleInvolved = 10 + Math.floor(r() * 60);
    if (k === 'amount') body.amountInvolved = 500_000 + Math.round(r() * 2_000_000);
    if (k === 'urgency') body.urgency = 'critical';
    if (k === 'flag') body.flags = [pick(r, ['group_incident_risk', 'extreme_behavior_risk', 'public_safety'])];
  } else if (grade < 0.3) {
    const k = pick(r, ['people', 'amount', 'urgency', 'flag'] as const);
    if (k === 'people') body.peopleInvolved = 3 + Math.floor(r() * 6);
    if (k === 'amount') body.amountInvolved = 50_000 + Math.round(r() * 400_000);
    if (k === 'urgency') body.urgency = 'urgent';
    if (k === 'flag') body.flags = [pick(r, ['vulnerable_person', 'repeat_petition'])];
  } else {
    body.peopleInvolved = 1 + Math.floor(r() * 2);
    if (r() < 0.5) body.amountInvolved = Math.round(r() * 40_000);
  }
  if (channel === 'secretary') body.secretaryLevel = pick(r, ['community', 'community', 'subdistrict', 'district']);
  return body;
}

/** Percentile of an ascending-sorted array (nearest rank). */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

/** Progress on a TTY, a line per step otherwise (ENGINEERING convention 11). */
export function progress(line: string, final = false): void {
  if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
  else if (final) console.log(line);
}
