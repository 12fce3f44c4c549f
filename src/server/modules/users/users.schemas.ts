import { Type, type Static } from 'typebox';

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);

export const ActorSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.Object({ role: Type.String(), orgId: Type.String(), orgName: Type.String(), orgType: Type.String() })),
  permissions: Type.Array(Type.String()),
  /** Roles this user may grant to others (within the units where it holds user:write). */
  grantableRoles: Type.Array(Type.String()),
});

export const LoginResponse = Type.Object({ token: Type.String(), expiresAt: Type.String(), user: ActorSchema });

const RoleGrant = Type.Object({ role: Type.String({ minLength: 1 }), orgId: Type.String({ format: 'uuid' }) }, { additionalProperties: false });
const Phone = Type.String({ pattern: '^[0-9+\\- ]{5,20}$' });

export const CreateUserBody = Type.Object(
  {
    username: Type.String({ minLength: 2, maxLength: 64, pattern: '^[a-z0-9._-]+$' }),
    displayName: Type.String({ minLength: 1, maxLength: 64 }),
    phone: Type.Optional(Phone),
    password: Type.String({ minLength: 8, maxLength: 256 }),
    roles: Type.Array(RoleGrant, { maxItems: 20 }),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    phone: Type.Optional(Type.Union([Phone, Type.Null()])),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const RolesBody = Type.Object({ roles: Type.Array(RoleGrant, { maxItems: 20 }) }, { additionalProperties: false });
/** The password policy (platform/passwords.ts) is checked by the service, so its localised reason names the field. */
export const OwnPasswordBody = Type.Object(
  { currentPassword: Type.String({ minLength: 1, maxLength: 256 }), newPassword: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export const PasswordBody = Type.Object({ password: Type.String({ minLength: 8, maxLength: 256 }) }, { additionalProperties: false });
export const UserIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const UserListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 64 })),
    // Bounded like every list: an unbounded page made an OFFSET beyond bigint, a 500.
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

/** `GET /users`: a page of the users in the caller's scope, each with its roles and whether the caller may change it. */
export const UserListSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      username: Type.String(),
      displayName: Type.String(),
      active: Type.Boolean(),
      /** Wrong passwords are slowing sign-ins for this username down. */
      throttled: Type.Boolean(),
      roles: Type.Array(Type.Object({ role: Type.String(), orgId: Type.String(), orgName: Type.String() })),
      /** The caller may change this user (roles, password, active flag): never oneself, never someone holding a role beyond the caller's reach. */
      manageable: Type.Boolean(),
    }),
  ),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
