/**
 * What the portal sends to and reads from the public API. Request bodies and
 * the submission receipt come from the server's schemas (type-only imports:
 * nothing of the server is bundled). The answers below them have no response
 * schema on their routes yet and are stated here until they do.
 */
import type { Static } from 'typebox';
import type {
  ConfirmBody, InfoBody, OtpBody, OtpVerifyBody, PublicCaseBody, PublicCaseCreated, RateBody,
} from '../../server/modules/public/public.schemas.js';
import type { OrgMapSchema } from '../../server/modules/orgs/orgs.schemas.js';

/**
 * `POST /public/cases` body. The server builds its enumerations with a `literals()` helper whose static type
 * is `never` (a union over a mapped array), so those fields are widened to strings here until it is fixed.
 */
export type NewCase = Omit<Static<typeof PublicCaseBody>, 'channel' | 'serviceType' | 'secretaryLevel' | 'urgency' | 'flags'> & {
  channel?: string;
  serviceType?: string;
  secretaryLevel?: string;
  urgency?: string;
  flags?: string[];
};
/** `POST /public/cases` answer: the tracking number and its access code. */
export type Created = Static<typeof PublicCaseCreated>;
export type OtpRequest = Static<typeof OtpBody>;
export type OtpCheck = Static<typeof OtpVerifyBody>;
export type InfoRequest = Static<typeof InfoBody>;
export type ConfirmRequest = Static<typeof ConfirmBody>;
export type RateRequest = Static<typeof RateBody>;
/** `GET /orgs/map`: the communities' boundaries for the location pin. */
export type OrgMap = Static<typeof OrgMapSchema>;

/** `GET /categories` item (no response schema yet). */
export interface Category {
  code: string;
  serviceType: string;
  name: string;
  anonymousAllowed: boolean;
}

/** `GET /public/buildings/:code` (no response schema yet). */
export interface Building {
  code: string;
  address: string;
  communityId: string;
  communityName: string;
  communityNameEn: string | null;
  lat: number | null;
  lng: number | null;
}

/** `GET /public/cases/:trackingNo` and the answers of info/confirm/rate (no response schema yet). */
export interface PublicCase {
  trackingNo: string;
  title: string;
  description: string;
  categoryName: string;
  status: string;
  statusText: string;
  handlingUnit: { name: string } | null;
  deadlines: Created['deadlines'];
  overdue: boolean;
  resolution: { note: string | null; resolvedAt: string } | null;
  rating: number | null;
  ratingComment: string | null;
  createdAt: string;
  allowedActions: string[];
  timeline: { at: string; action: string; text: string; unit: string | null }[];
}

/** `GET /public/my-cases` (no response schema yet). */
export interface MyCases {
  items: { trackingNo: string; title: string; statusText: string; createdAt: string }[];
}

/** `POST /public/otp` (no response schema yet). */
export interface OtpSent {
  resendAfterSeconds: number;
}

/** `POST /public/otp/verify` (no response schema yet). */
export interface OtpVerified {
  verificationToken: string;
  expiresAt: string;
}
