/**
 * The order matrix (SPEC §6) as a definition of the settings registry: per kind (and per risk level), how soon a
 * department acknowledges and arrives, with what rank and headcount. Checked against the district's office hours,
 * since a working-time window must fit in them.
 */
import type { SettingDefinition } from '../../platform/settings.js';
import { OFFICE_HOURS, builtInDayTable, calendarOf } from '../calendar/index.js';
import { DEFAULT_ORDER_MATRIX, validateOrderMatrix, type OrderMatrix } from './orders.rules.js';

export const ORDER_MATRIX: SettingDefinition<OrderMatrix> = {
  key: 'order_matrix',
  path: 'order-matrix',
  defaults: DEFAULT_ORDER_MATRIX,
  check: async (value, read) => {
    const r = validateOrderMatrix(value, calendarOf(await read(OFFICE_HOURS), builtInDayTable()));
    return r.ok ? { ok: true, value: r.matrix } : r;
  },
};
