import { useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { ActorSchema } from '../../server/modules/users/users.schemas.js';
import { api } from '../shared/api.js';

/** District administrators may replace the schematic map with real boundaries. */
export function useMayUploadBoundaries(): boolean {
  const [may, setMay] = useState(false);
  useEffect(() => {
    api.get<Static<typeof ActorSchema>>('/auth/me').then(
      (me) => setMay(me.roles.some((r) => r.role === 'sysadmin' || r.role === 'district_admin')),
      () => undefined,
    );
  }, []);
  return may;
}
