/**
 * The default category catalogue (诉求分类), inserted by a migration and then
 * edited by district admins. `handling` says where a new case goes: the
 * community of its location, or a named department.
 */
export type ServiceType = 'complaint' | 'dispute' | 'legal' | 'psych' | 'assistance';
export const SERVICE_TYPES: readonly ServiceType[] = ['complaint', 'dispute', 'legal', 'psych', 'assistance'];

export interface CategoryDefault {
  code: string;
  serviceType: ServiceType;
  name: string;
  nameEn: string;
  handling: 'community' | 'department';
  departmentCode?: string;
  /** Disputes name the parties, so they are never anonymous; reports of public matters may be. */
  anonymousAllowed: boolean;
}

export const DEFAULT_CATEGORIES: readonly CategoryDefault[] = [
  { code: 'labor.wage_arrears', serviceType: 'dispute', name: '劳资纠纷-欠薪', nameEn: 'Labour dispute: unpaid wages', handling: 'community', anonymousAllowed: false },
  { code: 'labor.contract', serviceType: 'dispute', name: '劳资纠纷-劳动合同', nameEn: 'Labour dispute: contract', handling: 'community', anonymousAllowed: false },
  { code: 'labor.injury', serviceType: 'dispute', name: '劳资纠纷-工伤', nameEn: 'Labour dispute: work injury', handling: 'department', departmentCode: 'GM.DEPT.HRSS', anonymousAllowed: false },
  { code: 'neighbor.noise', serviceType: 'dispute', name: '邻里纠纷-噪音', nameEn: 'Neighbour dispute: noise', handling: 'community', anonymousAllowed: false },
  { code: 'neighbor.boundary', serviceType: 'dispute', name: '邻里纠纷-相邻关系', nameEn: 'Neighbour dispute: boundaries', handling: 'community', anonymousAllowed: false },
  { code: 'family.marriage', serviceType: 'dispute', name: '婚姻家庭纠纷', nameEn: 'Family dispute: marriage', handling: 'community', anonymousAllowed: false },
  { code: 'family.domestic', serviceType: 'dispute', name: '家庭暴力', nameEn: 'Domestic violence', handling: 'community', anonymousAllowed: false },
  { code: 'family.elderly_care', serviceType: 'dispute', name: '赡养纠纷', nameEn: 'Family dispute: elderly care', handling: 'community', anonymousAllowed: false },
  { code: 'property.management', serviceType: 'dispute', name: '物业纠纷', nameEn: 'Property management dispute', handling: 'community', anonymousAllowed: false },
  { code: 'housing.rental', serviceType: 'dispute', name: '房屋租赁纠纷', nameEn: 'Rental dispute', handling: 'community', anonymousAllowed: false },
  { code: 'consumer.dispute', serviceType: 'dispute', name: '消费纠纷', nameEn: 'Consumer dispute', handling: 'department', departmentCode: 'GM.DEPT.MARKET', anonymousAllowed: false },
  { code: 'land.use', serviceType: 'dispute', name: '土地纠纷', nameEn: 'Land use dispute', handling: 'department', departmentCode: 'GM.DEPT.PLANNING', anonymousAllowed: false },
  { code: 'construction.safety', serviceType: 'complaint', name: '建筑施工安全', nameEn: 'Construction safety', handling: 'department', departmentCode: 'GM.DEPT.HOUSING', anonymousAllowed: true },
  { code: 'environment.pollution', serviceType: 'complaint', name: '环境污染', nameEn: 'Environmental pollution', handling: 'department', departmentCode: 'GM.DEPT.ENVIRONMENT', anonymousAllowed: true },
  { code: 'traffic.accident', serviceType: 'dispute', name: '交通事故纠纷', nameEn: 'Traffic accident dispute', handling: 'department', departmentCode: 'GM.DEPT.POLICE', anonymousAllowed: false },
  { code: 'legal.consultation', serviceType: 'legal', name: '法律咨询', nameEn: 'Legal consultation', handling: 'community', anonymousAllowed: false },
  { code: 'legal.aid', serviceType: 'legal', name: '法律援助', nameEn: 'Legal aid', handling: 'department', departmentCode: 'GM.DEPT.JUSTICE', anonymousAllowed: false },
  { code: 'psych.counseling', serviceType: 'psych', name: '心理咨询', nameEn: 'Psychological counselling', handling: 'community', anonymousAllowed: false },
  { code: 'psych.crisis', serviceType: 'psych', name: '心理危机干预', nameEn: 'Psychological crisis', handling: 'community', anonymousAllowed: false },
  { code: 'assistance.hardship', serviceType: 'assistance', name: '困难帮扶', nameEn: 'Hardship assistance', handling: 'community', anonymousAllowed: false },
  { code: 'assistance.social_aid', serviceType: 'assistance', name: '社会救助', nameEn: 'Social aid', handling: 'department', departmentCode: 'GM.DEPT.CIVIL', anonymousAllowed: false },
  { code: 'complaint.public_service', serviceType: 'complaint', name: '公共服务投诉', nameEn: 'Public service complaint', handling: 'community', anonymousAllowed: true },
  { code: 'complaint.city_management', serviceType: 'complaint', name: '市容环境', nameEn: 'City appearance and sanitation', handling: 'department', departmentCode: 'GM.DEPT.URBAN', anonymousAllowed: true },
  { code: 'suggestion.general', serviceType: 'complaint', name: '意见建议', nameEn: 'General suggestion', handling: 'community', anonymousAllowed: true },
];
