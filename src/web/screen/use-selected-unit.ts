import { useEffect, useState } from 'react';

/** The unit the screen shows: `?orgId=` on arrival, kept in the address as the viewer drills down (a reload stays put). */
export function useSelectedUnit(): [string | null, (orgId: string | null) => void] {
  const [orgId, setOrgId] = useState<string | null>(() => new URLSearchParams(window.location.search).get('orgId'));
  useEffect(() => {
    const url = new URL(window.location.href);
    if (orgId) url.searchParams.set('orgId', orgId);
    else url.searchParams.delete('orgId');
    window.history.replaceState(null, '', url);
  }, [orgId]);
  return [orgId, setOrgId];
}
