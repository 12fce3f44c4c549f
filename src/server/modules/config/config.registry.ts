/**
 * Every editable policy of the district, in one list: the settings registry's definitions, each owned by the
 * module whose rules apply it. `/api/v1/config/{path}` serves them all, and migration 0015 writes their defaults.
 * A new policy joins by adding its definition here.
 */
import type { SettingDefinition } from '../../platform/settings.js';
import { ASSESSMENT_WEIGHTS } from '../assessment/index.js';
import { OFFICE_HOURS } from '../calendar/index.js';
import { GRADING_RULES, SLA_POLICY } from '../cases/index.js';
import { ORDER_MATRIX } from '../orders/index.js';

export const SETTINGS: readonly SettingDefinition<unknown>[] = [GRADING_RULES, SLA_POLICY, OFFICE_HOURS, ORDER_MATRIX, ASSESSMENT_WEIGHTS] as SettingDefinition<never>[];
