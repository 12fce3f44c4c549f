/**
 * The case JSON of the API, as the staff workbench and the big screen read it: the response schemas of the
 * cases routes (cases.schemas.ts), imported as types only, so nothing of the server is bundled.
 */
import type { Static } from 'typebox';
import type {
  CaseCreatedSchema, CaseEventSchema, CaseListSchema, CaseSchema, CategoryListSchema,
} from '../../server/modules/cases/cases.schemas.js';

/** `GET /cases/:id`, and the answer of `POST /cases/:id/actions` and `/reveal`. */
export type CaseView = Static<typeof CaseSchema>;
/** `POST /cases`: the case and the resident's access code (null on a replayed Idempotency-Key). */
export type CaseCreated = Static<typeof CaseCreatedSchema>;
/** One entry of `GET /cases/:id/events`. */
export type CaseEvent = Static<typeof CaseEventSchema>;
/** A page of `GET /cases`. `totalCapped`: there are more matches than `total` (counting them all costs too much). */
export type CaseList = Static<typeof CaseListSchema>;
/** One entry of `GET /categories`, `name` in the reader's language. */
export type Category = Static<typeof CategoryListSchema>['items'][number];

/** How many matches a list has, as people read it: "1000+" when the server stopped counting. */
export function matchCount(list: (Partial<CaseList> & Pick<CaseList, 'total'>) | undefined): string {
  if (!list) return '0';
  return list.totalCapped ? `${list.total}+` : String(list.total);
}
