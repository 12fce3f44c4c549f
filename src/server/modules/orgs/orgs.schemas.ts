import { Type, type Static } from 'typebox';

export const OrgTypeSchema = Type.Union(
  ['district', 'subdistrict', 'community', 'station', 'grid', 'department'].map((t) => Type.Literal(t)),
);

const Lat = Type.Number({ minimum: -90, maximum: 90 });
const Lng = Type.Number({ minimum: -180, maximum: 180 });
/** A GeoJSON geometry object; its shape is checked by the service (type + coordinates). */
export const GeometrySchema = Type.Object(
  { type: Type.String(), coordinates: Type.Array(Type.Unknown()) },
  { additionalProperties: true },
);

export const OrgSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.Union([Type.String(), Type.Null()]),
  type: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  depth: Type.Integer(),
  lat: Type.Union([Type.Number(), Type.Null()]),
  lng: Type.Union([Type.Number(), Type.Null()]),
  sample: Type.Boolean(),
  active: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  geometry: Type.Optional(Type.Union([Type.Unknown(), Type.Null()])),
});

/** `GET /orgs/map`: the units with a boundary, as GeoJSON (the big screen's map, the portal's location picker). */
export const OrgMapSchema = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String(),
      geometry: Type.Unknown(),
      properties: Type.Pick(OrgSchema, ['id', 'code', 'name', 'nameEn', 'type', 'parentId', 'sample']),
    }),
  ),
});

/** `GET /orgs/departments`: names and codes of every active department (dispatch and order pickers). */
export const DepartmentDirectorySchema = Type.Object({
  items: Type.Array(
    Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), nameEn: Type.Union([Type.String(), Type.Null()]), parentId: Type.Union([Type.String(), Type.Null()]) }),
  ),
});

/** `POST /orgs/import`: how many units the file added and how many it changed (all or nothing). */
export const OrgImportResultSchema = Type.Object({ created: Type.Integer(), updated: Type.Integer() });

export const OrgListQuery = Type.Object(
  {
    type: Type.Optional(OrgTypeSchema),
    parentId: Type.Optional(Type.String({ format: 'uuid' })),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    includeInactive: Type.Optional(Type.Boolean()),
    // Bounded like every list: an unbounded page made an OFFSET beyond bigint, a 500.
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
export type OrgListQuery = Static<typeof OrgListQuery>;

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const CreateOrgBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$' }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
    nameEn: Type.Optional(Type.String({ maxLength: 200 })),
    type: OrgTypeSchema,
    parentId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    lat: Type.Optional(Lat),
    lng: Type.Optional(Lng),
    geometry: Type.Optional(GeometrySchema),
  },
  { additionalProperties: false },
);
export type CreateOrgBody = Static<typeof CreateOrgBody>;

export const UpdateOrgBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    nameEn: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()])),
    parentId: Type.Optional(Type.String({ format: 'uuid' })),
    lat: Type.Optional(Type.Union([Lat, Type.Null()])),
    lng: Type.Optional(Type.Union([Lng, Type.Null()])),
    geometry: Type.Optional(Type.Union([GeometrySchema, Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateOrgBody = Static<typeof UpdateOrgBody>;

export const BuildingSchema = Type.Object({
  id: Type.String(),
  code: Type.String(),
  address: Type.String(),
  lat: Type.Union([Type.Number(), Type.Null()]),
  lng: Type.Union([Type.Number(), Type.Null()]),
  communityId: Type.String(),
  communityName: Type.String(),
  gridId: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
});

export const BuildingListQuery = Type.Object(
  {
    communityId: Type.Optional(Type.String({ format: 'uuid' })),
    q: Type.Optional(Type.String({ maxLength: 100 })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
export type BuildingListQuery = Static<typeof BuildingListQuery>;

export function pageOf<T>(items: T[], total: number, page: number, pageSize: number) {
  return { items, total, page, pageSize };
}

export const paged = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });
