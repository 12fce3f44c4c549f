/**
 * The case JSON of the API (cases.presenter.ts), as the staff workbench and the big screen read it.
 * Kept by hand only until the cases routes declare response schemas (`GET /cases`, `GET /cases/:id`,
 * `POST /cases/:id/actions`, `GET /cases/:id/events` have none today); then these become
 * `Static<typeof …>` of those schemas, like the screen's summary.
 */
export interface CaseView {
  id: string;
  trackingNo: string;
  channel: string;
  serviceType: string;
  category: string;
  title: string;
  description: string;
  location: { address: string | null; lat: number | null; lng: number | null; buildingCode: string | null; communityId: string | null; gridId: string | null };
  reporter: { name: string | null; phone: string | null; idNumber: string | null; masked: boolean; canReveal: boolean };
  anonymous: boolean;
  peopleInvolved: number;
  amountInvolved: number;
  urgency: string;
  flags: string[];
  riskLevel: string;
  riskReasons: { code: string; level?: string; text: string }[];
  status: string;
  ownerOrgId: string;
  firstOrgId: string;
  escalationLevel: number;
  major: boolean;
  deadlines: { respondBy: string | null; acceptBy: string | null; resolveBy: string | null };
  respondedAt: string | null;
  acceptedAt: string | null;
  resolvedAt: string | null;
  confirmedAt: string | null;
  closedAt: string | null;
  suspendedAt: string | null;
  mergedInto: string | null;
  warning: boolean;
  overdue: boolean;
  rating: number | null;
  ratingComment: string | null;
  createdAt: string;
  updatedAt: string;
  allowedActions: string[];
}

export interface CaseEvent {
  id: number;
  at: string;
  actor: { kind: string; id: string | null; name: string | null };
  action: string;
  fromStatus: string | null;
  toStatus: string | null;
  orgId: string | null;
  note: string | null;
  data: Record<string, unknown>;
  attachments: { id: string; fileName: string; mimeType: string }[];
}

/** A page of `GET /cases`. `totalCapped`: there are more matches than `total` (counting them all costs too much). */
export interface CaseList {
  items: CaseView[];
  total: number;
  totalCapped?: boolean;
}

/** How many matches a list has, as people read it: "1000+" when the server stopped counting. */
export function matchCount(list: CaseList | undefined): string {
  if (!list) return '0';
  return list.totalCapped ? `${list.total}+` : String(list.total);
}
