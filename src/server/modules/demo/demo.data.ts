/**
 * Static content of the demo district 光明区 (Guangming, Shenzhen): the org
 * tree, departments, street names and demo users. Geometry is not here: it is
 * generated deterministically by `demo.seed.ts`, because no official map ships.
 *
 * Code scheme (stable, so tests, the README and imports can name units):
 * - district `GM`; subdistrict `GM.<SUB>` (e.g. `GM.GUANGMING`);
 * - community `GM.<SUB>.<COMMUNITY>` (e.g. `GM.GUANGMING.BIYAN`, `GM.YUTANG.CHANGZHEN`);
 * - the community's service station `<community code>.S1`, its grids `<community code>.G1` … `.G3`;
 * - departments `GM.DEPT.<NAME>` (e.g. `GM.DEPT.HRSS`);
 * - buildings `GM-<COMMUNITY>-<4-digit number>` (e.g. `GM-BIYAN-0001`); community slugs are unique
 *   across the district, so the building code alone names its community.
 */
import type { Role } from '../../platform/policies.js';

/** Shown next to every map built from the generated boundaries. */
export const schematicNotice = {
  'zh-CN': '示意图：非官方边界，仅供演示',
  en: 'Schematic map: not official boundaries, for demonstration only',
} as const;

/** Root of the demo tree. */
export const DEMO_DISTRICT = {
  code: 'GM',
  name: '光明区',
  nameEn: 'Guangming District',
} as const;

/**
 * Community names confirmed by public sources or the seed articles. Every
 * other demo community is invented and stored with `sample = true`, so the UI
 * labels it 示例 and nobody mistakes it for a real administrative unit.
 */
export const VERIFIED_COMMUNITY_NAMES: ReadonlySet<string> = new Set([
  '光明', '东周', '碧眼', '翠湖', '迳口', '白花', // 光明街道
  '玉律', '田寮', '长圳', '红星', // 玉塘街道
  '根竹园', '李松蓢', // 公明街道 (named in the seeds)
]);

/**
 * Hand-drawn, irregular outline of the schematic district, [lng, lat],
 * counter-clockwise, open (the seed closes it). It encloses about 156 km²,
 * the district's real area, around 22.75°N 113.93°E; it is NOT the real border.
 * The concavities are shallow on purpose: every Voronoi cell clipped to it
 * must stay one piece.
 */
export const DEMO_OUTLINE: readonly (readonly [number, number])[] = [
  [113.856, 22.773], [113.860, 22.742], [113.870, 22.717], [113.892, 22.699], [113.918, 22.694], [113.941, 22.702],
  [113.963, 22.695], [113.987, 22.707], [114.004, 22.726], [113.999, 22.752], [114.006, 22.777], [113.992, 22.798],
  [113.964, 22.806], [113.940, 22.797], [113.918, 22.807], [113.892, 22.803], [113.870, 22.791],
];

/** A community; `name` is the short name, stored as `${name}社区`. */
export interface DemoCommunity {
  /** Last code segment and building-code infix: ASCII pinyin, unique in the district. */
  slug: string;
  name: string;
  nameEn: string;
}

/** A subdistrict and its communities; `name` is stored as `${name}街道`. */
export interface DemoSubdistrict {
  code: string;
  name: string;
  nameEn: string;
  /**
   * Seed point of the subdistrict on the schematic map, [lng, lat]. Placed by
   * hand in the subdistrict's rough real direction so the map reads plausibly.
   */
  anchor: readonly [number, number];
  communities: readonly DemoCommunity[];
}

/** The six subdistricts named in the seeds, with 31 communities in total ("1+6+31"). */
export const DEMO_SUBDISTRICTS: readonly DemoSubdistrict[] = [
  {
    code: 'GM.GONGMING', name: '公明', nameEn: 'Gongming Subdistrict', anchor: [113.894, 22.779],
    communities: [
      { slug: 'GONGMING', name: '公明', nameEn: 'Gongming Community' },
      { slug: 'SHANGCUN', name: '上村', nameEn: 'Shangcun Community' },
      { slug: 'XIACUN', name: '下村', nameEn: 'Xiacun Community' },
      { slug: 'XITIAN', name: '西田', nameEn: 'Xitian Community' },
      { slug: 'GENZHUYUAN', name: '根竹园', nameEn: 'Genzhuyuan Community' },
      { slug: 'LISONGLANG', name: '李松蓢', nameEn: 'Lisonglang Community' },
    ],
  },
  {
    code: 'GM.MATIAN', name: '马田', nameEn: 'Matian Subdistrict', anchor: [113.896, 22.727],
    communities: [
      { slug: 'MATIAN', name: '马田', nameEn: 'Matian Community' },
      { slug: 'HESHUIKOU', name: '合水口', nameEn: 'Heshuikou Community' },
      { slug: 'SHUTIANPU', name: '薯田埔', nameEn: 'Shutianpu Community' },
      { slug: 'JIANGSHI', name: '将石', nameEn: 'Jiangshi Community' },
      { slug: 'SHIJIA', name: '石家', nameEn: 'Shijia Community' },
      { slug: 'XINZHUANG', name: '新庄', nameEn: 'Xinzhuang Community' },
    ],
  },
  {
    code: 'GM.XINHU', name: '新湖', nameEn: 'Xinhu Subdistrict', anchor: [113.930, 22.776],
    communities: [
      { slug: 'LOUCUN', name: '楼村', nameEn: 'Loucun Community' },
      { slug: 'XINQIANG', name: '新羌', nameEn: 'Xinqiang Community' },
      { slug: 'ZHENMEI', name: '圳美', nameEn: 'Zhenmei Community' },
      { slug: 'HUPAN', name: '湖畔', nameEn: 'Hupan Community' },
    ],
  },
  {
    code: 'GM.YUTANG', name: '玉塘', nameEn: 'Yutang Subdistrict', anchor: [113.936, 22.719],
    communities: [
      { slug: 'YULV', name: '玉律', nameEn: 'Yulü Community' },
      { slug: 'TIANLIAO', name: '田寮', nameEn: 'Tianliao Community' },
      { slug: 'CHANGZHEN', name: '长圳', nameEn: 'Changzhen Community' },
      { slug: 'HONGXING', name: '红星', nameEn: 'Hongxing Community' },
    ],
  },
  {
    code: 'GM.GUANGMING', name: '光明', nameEn: 'Guangming Subdistrict', anchor: [113.970, 22.781],
    communities: [
      { slug: 'GUANGMING', name: '光明', nameEn: 'Guangming Community' },
      { slug: 'DONGZHOU', name: '东周', nameEn: 'Dongzhou Community' },
      { slug: 'BIYAN', name: '碧眼', nameEn: 'Biyan Community' },
      { slug: 'CUIHU', name: '翠湖', nameEn: 'Cuihu Community' },
      { slug: 'JINGKOU', name: '迳口', nameEn: 'Jingkou Community' },
      { slug: 'BAIHUA', name: '白花', nameEn: 'Baihua Community' },
    ],
  },
  {
    code: 'GM.FENGHUANG', name: '凤凰', nameEn: 'Fenghuang Subdistrict', anchor: [113.976, 22.726],
    communities: [
      { slug: 'FENGHUANG', name: '凤凰', nameEn: 'Fenghuang Community' },
      { slug: 'TANGWEI', name: '塘尾', nameEn: 'Tangwei Community' },
      { slug: 'DONGKENG', name: '东坑', nameEn: 'Dongkeng Community' },
      { slug: 'JIAZITANG', name: '甲子塘', nameEn: 'Jiazitang Community' },
      { slug: 'TANGJIA', name: '塘家', nameEn: 'Tangjia Community' },
    ],
  },
];

/** Full code of a community, e.g. `GM.GUANGMING.BIYAN`. */
export function communityCode(sub: DemoSubdistrict, community: DemoCommunity): string {
  return `${sub.code}.${community.slug}`;
}

/** Whether a demo community name is invented (labelled 示例 in the UI). */
export function isSampleCommunity(community: DemoCommunity): boolean {
  return !VERIFIED_COMMUNITY_NAMES.has(community.name);
}

/** A functional department hanging under the district. */
export interface DemoDepartment {
  code: string;
  name: string;
  nameEn: string;
}

/** Departments that receive dispatched cases and report for duty on orders. */
export const DEMO_DEPARTMENTS: readonly DemoDepartment[] = [
  { code: 'GM.DEPT.HRSS', name: '区人力资源局', nameEn: 'Human Resources Bureau' },
  { code: 'GM.DEPT.POLICE', name: '公安分局', nameEn: 'Public Security Branch Bureau' },
  { code: 'GM.DEPT.HOUSING', name: '住房和建设局', nameEn: 'Housing and Construction Bureau' },
  { code: 'GM.DEPT.PETITION', name: '信访局', nameEn: 'Letters and Visits Bureau' },
  { code: 'GM.DEPT.JUSTICE', name: '司法局', nameEn: 'Justice Bureau' },
  { code: 'GM.DEPT.EDUCATION', name: '教育局', nameEn: 'Education Bureau' },
  { code: 'GM.DEPT.WOMEN', name: '妇联', nameEn: "Women's Federation" },
  { code: 'GM.DEPT.COURT', name: '区人民法院', nameEn: "District People's Court" },
  { code: 'GM.DEPT.ENVIRONMENT', name: '生态环境局', nameEn: 'Ecology and Environment Bureau' },
  { code: 'GM.DEPT.TRANSPORT', name: '交通运输局', nameEn: 'Transport Bureau' },
  { code: 'GM.DEPT.MARKET', name: '市场监督管理局', nameEn: 'Market Supervision Administration' },
  { code: 'GM.DEPT.URBAN', name: '城市管理和综合执法局', nameEn: 'Urban Management and Law Enforcement Bureau' },
  { code: 'GM.DEPT.PLANNING', name: '规划和自然资源局', nameEn: 'Planning and Natural Resources Bureau' },
  { code: 'GM.DEPT.HEALTH', name: '卫生健康局', nameEn: 'Health Bureau' },
  { code: 'GM.DEPT.CIVIL', name: '民政局', nameEn: 'Civil Affairs Bureau' },
  { code: 'GM.DEPT.EMERGENCY', name: '应急管理局', nameEn: 'Emergency Management Bureau' },
];

/**
 * Sample street names for building addresses. Each community also gets a road
 * named after itself (碧眼路), so addresses read locally.
 */
export const DEMO_STREETS: readonly string[] = [
  '光明大道', '华夏路', '观光路', '松白路', '公常路', '光侨路', '东长路', '河心路', '创新路', '和平路', '文明路', '兴发路',
];

/** A demo login; every one of them gets the demo password. */
export interface DemoUser {
  username: string;
  displayName: string;
  role: Role;
  /** Code of the org unit the role is bound to (its subtree is the user's data scope). */
  orgCode: string;
}

/** The demo users of SPEC §13, for the seed, the README and the tests. Display names are invented. */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'sysadmin', displayName: '系统管理员', role: 'sysadmin', orgCode: 'GM' },
  { username: 'district.admin', displayName: '陈志强', role: 'district_admin', orgCode: 'GM' },
  { username: 'district.leader', displayName: '刘卫东', role: 'leader', orgCode: 'GM' },
  { username: 'supervisor', displayName: '赵敏', role: 'supervisor', orgCode: 'GM' },
  { username: 'guangming.admin', displayName: '黄海涛', role: 'subdistrict_admin', orgCode: 'GM.GUANGMING' },
  { username: 'biyan.reception', displayName: '李晓燕', role: 'receptionist', orgCode: 'GM.GUANGMING.BIYAN' },
  { username: 'biyan.secretary', displayName: '张国华', role: 'community_secretary', orgCode: 'GM.GUANGMING.BIYAN' },
  { username: 'biyan.grid', displayName: '王磊', role: 'grid_worker', orgCode: 'GM.GUANGMING.BIYAN' },
  { username: 'biyan.mediator', displayName: '周丽华', role: 'mediator', orgCode: 'GM.GUANGMING.BIYAN' },
  { username: 'biyan.lawyer', displayName: '吴明哲', role: 'lawyer', orgCode: 'GM.GUANGMING.BIYAN' },
  { username: 'changzhen.reception', displayName: '林小芳', role: 'receptionist', orgCode: 'GM.YUTANG.CHANGZHEN' },
  { username: 'changzhen.secretary', displayName: '郑建军', role: 'community_secretary', orgCode: 'GM.YUTANG.CHANGZHEN' },
  { username: 'hrss.handler', displayName: '孙立新', role: 'handler', orgCode: 'GM.DEPT.HRSS' },
  { username: 'police.handler', displayName: '马志远', role: 'handler', orgCode: 'GM.DEPT.POLICE' },
  { username: 'housing.handler', displayName: '何文斌', role: 'handler', orgCode: 'GM.DEPT.HOUSING' },
  { username: 'court.judge', displayName: '许静', role: 'judge', orgCode: 'GM.DEPT.COURT' },
  { username: 'psych.counselor', displayName: '郭心怡', role: 'counselor', orgCode: 'GM' },
];
