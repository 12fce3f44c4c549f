/**
 * The one HTTP client of the web entries. The bearer token lives in
 * sessionStorage (a shared desk PC forgets it when the browser closes), every
 * request says which language the user reads (server messages follow it), and
 * errors arrive as `ApiError` carrying the server's code, message and field
 * paths so screens can show them as they are.
 */

const TOKEN_KEY = 'fengqiao.token';
export const API_BASE = '/api/v1';

export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> & { fields?: FieldError[] } = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get fields(): FieldError[] {
    return Array.isArray(this.details.fields) ? this.details.fields : [];
  }
}

let language = 'zh-CN';
let unauthorizedListener: (() => void) | null = null;

export function setApiLanguage(lang: string): void {
  language = lang;
}

/** Called when the server says the session is gone, so the app can return to sign-in. */
export function onUnauthorized(listener: (() => void) | null): void {
  unauthorizedListener = listener;
}

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(method: string, path: string, body?: unknown, init: { headers?: Record<string, string>; raw?: BodyInit } = {}): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': language, accept: 'application/json', ...init.headers };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let payload: BodyInit | undefined = init.raw;
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(`${API_BASE}${path}`, { method, headers, body: payload });
  } catch {
    throw new ApiError(0, 'NETWORK', language === 'en' ? 'The server cannot be reached. Check the network and try again.' : '无法连接服务器，请检查网络后重试。');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string; details?: Record<string, unknown> } } | null)?.error;
    if (res.status === 401 && token) unauthorizedListener?.();
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `HTTP ${res.status}`, (err?.details ?? {}) as ApiError['details']);
  }
  return json as T;
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query)),
  post: <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>('POST', path, body ?? {}, { headers }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  del: <T>(path: string) => request<T>('DELETE', path),
  /** Multipart upload (the browser sets the boundary). */
  upload: <T>(path: string, form: FormData) => request<T>('POST', path, undefined, { raw: form }),
  /** Fetches a protected file as a blob (an <img src> cannot send the bearer header). */
  async blob(path: string): Promise<Blob> {
    const token = getToken();
    const res = await fetch(`${API_BASE}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, `HTTP ${res.status}`);
    return res.blob();
  },
};

/** True when an endpoint does not exist on this server (a module not deployed yet): screens show an empty state. */
export function isMissingEndpoint(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 404 || err.status === 405) && (err.code === 'NOT_FOUND' || err.code.startsWith('HTTP_'));
}
