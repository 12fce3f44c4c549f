/**
 * Data loading for screens: one GET with loading/error state, refetched when
 * the path, query or UI language changes (the server localises messages,
 * category names and risk reasons), and on demand (`reload`, live events).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Static } from 'typebox';
import type { DepartmentDirectorySchema } from '../../../server/modules/orgs/orgs.schemas.js';
import { api, ApiError, getToken, isMissingEndpoint } from '../../shared/api.js';
import { useI18n } from '../i18n.js';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | null;
  loading: boolean;
  /** The endpoint does not exist on this server (404 on the route itself). */
  missing: boolean;
  reload(): void;
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function useApi<T>(path: string | null, query?: Query): Loaded<T> {
  const { locale } = useI18n();
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(Boolean(path));
  const [tick, setTick] = useState(0);
  const queryKey = JSON.stringify(query ?? {});
  const seq = useRef(0);

  useEffect(() => {
    if (!path) return;
    const mine = ++seq.current;
    setLoading(true);
    api
      .get<T>(path, JSON.parse(queryKey) as Query)
      .then((d) => {
        if (mine !== seq.current) return;
        setData(d);
        setError(null);
      })
      .catch((e: unknown) => {
        if (mine !== seq.current) return;
        setError(e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', String(e)));
      })
      .finally(() => {
        if (mine === seq.current) setLoading(false);
      });
  }, [path, queryKey, locale, tick]);

  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, missing: isMissingEndpoint(error), reload };
}

type OrgEntry = { name: string; nameEn: string | null };
let directory: { token: string | null; names: Promise<Map<string, OrgEntry>> } | null = null;

/**
 * Names of the units in the user's scope, loaded once per session from the
 * scoped list (a unit outside the scope is not readable, and asking for it
 * one by one would only collect 404s).
 */
function orgDirectory(): Promise<Map<string, OrgEntry>> {
  const token = getToken();
  if (directory && directory.token === token) return directory.names;
  const names = (async () => {
    const map = new Map<string, OrgEntry>();
    for (let page = 1; page < 50; page++) {
      const res = await api.get<{ items: (OrgEntry & { id: string })[]; total: number }>('/orgs', { page, pageSize: 500, includeInactive: true });
      for (const o of res.items) map.set(o.id, { name: o.name, nameEn: o.nameEn });
      if (map.size >= res.total || res.items.length === 0) break;
    }
    // Departments are named everywhere (dispatch, orders) even outside the user's subtree.
    const departments = await api.get<Static<typeof DepartmentDirectorySchema>>('/orgs/departments');
    for (const d of departments.items) if (!map.has(d.id)) map.set(d.id, { name: d.name, nameEn: d.nameEn });
    return map;
  })().catch(() => new Map<string, OrgEntry>());
  directory = { token, names };
  return names;
}

/** An org unit's name for display; units outside the user's scope show as '—'. */
export function useOrgName(id: string | null | undefined): string {
  const { locale } = useI18n();
  const [org, setOrg] = useState<OrgEntry | null>(null);
  useEffect(() => {
    if (!id) return;
    let live = true;
    void orgDirectory().then((m) => live && setOrg(m.get(id) ?? null));
    return () => {
      live = false;
    };
  }, [id]);
  if (!id || !org) return '—';
  return locale === 'en' && org.nameEn ? org.nameEn : org.name;
}

export function OrgName({ id }: { id: string | null | undefined }) {
  return <>{useOrgName(id)}</>;
}
