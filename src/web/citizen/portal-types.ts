/**
 * What the portal sends to and reads from the public API: the server's request and response schemas, imported
 * as types only (nothing of the server is bundled). Only the building look-up is stated here: its route (qr
 * module) declares no response schema yet.
 */
import type { Static } from 'typebox';
import type {
  ConfirmBody, InfoBody, MyCasesSchema, OtpBody, OtpSentSchema, OtpVerifiedSchema, OtpVerifyBody, PublicCaseBody, PublicCaseCreated,
  PublicCaseSchema, RateBody,
} from '../../server/modules/public/public.schemas.js';
import type { CategoryListSchema } from '../../server/modules/cases/cases.schemas.js';
import type { OrgMapSchema } from '../../server/modules/orgs/orgs.schemas.js';

/** `POST /public/cases` body. */
export type NewCase = Static<typeof PublicCaseBody>;
export type ServiceType = NonNullable<NewCase['serviceType']>;
/** 书记在线: the level of Party secretary a letter goes to. */
export type SecretaryLevel = NonNullable<NewCase['secretaryLevel']>;
/** `POST /public/cases` answer: the tracking number and its access code. */
export type Created = Static<typeof PublicCaseCreated>;
export type OtpRequest = Static<typeof OtpBody>;
export type OtpCheck = Static<typeof OtpVerifyBody>;
export type InfoRequest = Static<typeof InfoBody>;
export type ConfirmRequest = Static<typeof ConfirmBody>;
export type RateRequest = Static<typeof RateBody>;
/** `GET /orgs/map`: the communities' boundaries for the location pin. */
export type OrgMap = Static<typeof OrgMapSchema>;

/** `GET /categories` item, `name` in the reader's language. */
export type Category = Static<typeof CategoryListSchema>['items'][number];

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

/** `GET /public/cases/:trackingNo` and the answers of info/confirm/rate. */
export type PublicCase = Static<typeof PublicCaseSchema>;
/** `GET /public/my-cases`. */
export type MyCases = Static<typeof MyCasesSchema>;
/** `POST /public/otp` (202). */
export type OtpSent = Static<typeof OtpSentSchema>;
/** `POST /public/otp/verify`. */
export type OtpVerified = Static<typeof OtpVerifiedSchema>;
