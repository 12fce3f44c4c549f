import { useCallback, useEffect, useState } from 'react';
import { ApiError, api } from '../shared/api.js';
import type { Summary } from './dashboard-types.js';

/**
 * The figures of one unit (`GET /dashboard/summary`, from counters: cheap to refetch). A 401 signs the
 * screen out; other errors are shown while the last figures stay up.
 */
export function useSummary(orgId: string | null, onSignOut: () => void) {
  const [summary, setSummary] = useState<Summary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setSummary(await api.get<Summary>('/dashboard/summary', { orgId: orgId ?? undefined }));
      setError(null);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return onSignOut();
      setError(err instanceof ApiError ? err.message : String(err));
    }
  }, [orgId, onSignOut]);
  useEffect(() => void reload(), [reload]);
  return { summary, error, reload };
}
