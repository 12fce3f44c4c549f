/**
 * The signed-in user (GET /auth/me) and the permissions the server lists for
 * them. Menus and pages ask `can(permission)`; what a user may do on a given
 * case still comes from that case's `allowedActions`.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Static } from 'typebox';
import type { ActorSchema, LoginResponse } from '../../server/modules/users/users.schemas.js';
import { api, getToken, onUnauthorized, setToken } from '../shared/api.js';
import { disconnectEvents } from '../shared/sse.js';
import { syncServerClock } from '../shared/time.js';

/** `GET /auth/me`: the user, their roles and permissions, and the roles they may grant (pickers offer only these). */
export type Me = Static<typeof ActorSchema>;

interface AuthState {
  user: Me | null;
  token: string | null;
  ready: boolean;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
  can(permission: string): boolean;
  hasRole(...roles: string[]): boolean;
}

const Ctx = createContext<AuthState | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<Me | null>(null);
  const [token, setTok] = useState<string | null>(getToken);
  const [ready, setReady] = useState(false);

  const clear = useCallback(() => {
    setToken(null);
    setTok(null);
    setUser(null);
    disconnectEvents();
  }, []);

  useEffect(() => {
    onUnauthorized(clear);
    void syncServerClock().catch(() => undefined);
    if (!getToken()) {
      setReady(true);
      return;
    }
    api
      .get<Me>('/auth/me')
      .then(setUser)
      .catch(() => clear())
      .finally(() => setReady(true));
    return () => onUnauthorized(null);
  }, [clear]);

  const login = useCallback(async (username: string, password: string) => {
    const res = await api.post<Static<typeof LoginResponse>>('/auth/login', { username, password });
    setToken(res.token);
    setTok(res.token);
    setUser(res.user);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post('/auth/logout');
    } catch {
      /* the session may already be gone; sign out locally anyway */
    }
    clear();
  }, [clear]);

  const value = useMemo<AuthState>(
    () => ({
      user,
      token,
      ready,
      login,
      logout,
      can: (p) => Boolean(user?.permissions.includes(p)),
      hasRole: (...roles) => Boolean(user?.roles.some((r) => roles.includes(r.role))),
    }),
    [user, token, ready, login, logout],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useAuth(): AuthState {
  const v = useContext(Ctx);
  if (!v) throw new Error('useAuth outside AuthProvider');
  return v;
}
