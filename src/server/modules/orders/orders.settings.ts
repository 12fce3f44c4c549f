/**
 * The order matrix (SPEC §6) as a definition of the settings registry: per kind (and per risk level), how soon a
 * department acknowledges and arrives, with what rank and headcount. Checked against the district's office hours,
 * since a working-time window must fit in them.
 */
import type { SettingDefinition } from '../../platform/settings.js';
import { OFFICE_HOURS, builtInDayTable, calendarOf } from '../calendar/index.js';
import { Type } from 'typebox';
import { DeadlineSpecSchema } from '../cases/index.js';
import { DEFAULT_ORDER_MATRIX, LEADER_RANK_CODES, ORDER_KINDS, validateOrderMatrix, type OrderMatrix } from './orders.rules.js';

const EntrySchema = Type.Object(
  {
    acknowledge: DeadlineSpecSchema,
    arrive: DeadlineSpecSchema,
    minLeaderRank: Type.Union([...LEADER_RANK_CODES.map((c) => Type.Literal(c)), Type.Null()]),
    minHeadcount: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
const byKind = <T extends ReturnType<typeof Type.Object>>(entry: T) => Type.Object(Object.fromEntries(ORDER_KINDS.map((k) => [k, entry])), { additionalProperties: false });
const OrderMatrixSchema = Type.Object(
  {
    kinds: byKind(EntrySchema),
    levels: Type.Partial(
      Type.Object(Object.fromEntries(['red', 'yellow', 'blue'].map((l) => [l, Type.Partial(byKind(Type.Partial(EntrySchema)))])), { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

export const ORDER_MATRIX: SettingDefinition<OrderMatrix> = {
  key: 'order_matrix',
  path: 'order-matrix',
  schema: OrderMatrixSchema,
  defaults: DEFAULT_ORDER_MATRIX,
  check: async (value, read) => {
    const r = validateOrderMatrix(value, calendarOf(await read(OFFICE_HOURS), builtInDayTable()));
    return r.ok ? { ok: true, value: r.matrix } : r;
  },
};
