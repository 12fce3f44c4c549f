/**
 * The one HTTP client of the three web entries. Every request says which
 * language the user reads (server messages follow it), and every error
 * arrives as `ApiError` carrying the server's `{error: {code, message,
 * details}}` so screens can show it as it is.
 *
 * What differs between entries is who the caller is, so it is an option of
 * `createApiClient`: the staff workbench and the big screen send the bearer
 * token kept in sessionStorage (a shared desk PC forgets it when the browser
 * closes) and return to sign-in on a 401; the resident portal sends none —
 * a resident proves a phone with a verification token passed per request.
 */

const TOKEN_KEY = 'fengqiao.token';
export const API_BASE = '/api/v1';

export interface FieldError {
  path: string;
  message: string;
}

/** `details` of the server's error answer: validation fields, a throttle's wait, or anything a code adds. */
export type ErrorDetails = Record<string, unknown> & { fields?: FieldError[]; retryAfterSeconds?: number };

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get fields(): FieldError[] {
    return Array.isArray(this.details.fields) ? this.details.fields : [];
  }

  /** No answer from the server (status 0), or one a retry may fix (5xx). */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500;
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

export type Query = Record<string, string | number | boolean | undefined | null>;
type Headers = Record<string, string>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

export interface ClientOptions {
  /** The bearer token to send, read at each request; absent: the client never sends one (the resident portal). */
  token?: () => string | null;
  /** What "no answer at all" tells the user, per language (the portal adds that the draft is kept). */
  offlineMessage: { 'zh-CN': string; en: string };
}

export interface ApiClient {
  get<T>(path: string, query?: Query, headers?: Headers): Promise<T>;
  post<T>(path: string, body?: unknown, headers?: Headers): Promise<T>;
  put<T>(path: string, body: unknown): Promise<T>;
  patch<T>(path: string, body: unknown): Promise<T>;
  del<T>(path: string): Promise<T>;
  /** Multipart upload (the browser sets the boundary). */
  upload<T>(path: string, form: FormData, headers?: Headers): Promise<T>;
  /** Fetches a protected file as a blob (an <img src> cannot send the bearer header). */
  blob(path: string): Promise<Blob>;
}

export function createApiClient(options: ClientOptions): ApiClient {
  const authHeaders = (): { token: string | null; headers: Headers } => {
    const token = options.token?.() ?? null;
    return { token, headers: token ? { authorization: `Bearer ${token}` } : {} };
  };

  async function request<T>(method: string, path: string, body?: unknown, init: { headers?: Headers; raw?: BodyInit } = {}): Promise<T> {
    const auth = authHeaders();
    const headers: Headers = { 'accept-language': language, accept: 'application/json', ...init.headers, ...auth.headers };
    let payload: BodyInit | undefined = init.raw;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(`${API_BASE}${path}`, { method, headers, body: payload });
    } catch {
      throw new ApiError(0, 'NETWORK', options.offlineMessage[language === 'en' ? 'en' : 'zh-CN']);
    }
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null; // not JSON (a proxy's error page)
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string; details?: ErrorDetails } } | null)?.error;
      if (res.status === 401 && auth.token) unauthorizedListener?.();
      throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `HTTP ${res.status}`, err?.details ?? {});
    }
    return json as T;
  }

  return {
    get: (path, query, headers) => request('GET', withQuery(path, query), undefined, { headers }),
    post: (path, body, headers) => request('POST', path, body ?? {}, { headers }),
    put: (path, body) => request('PUT', path, body),
    patch: (path, body) => request('PATCH', path, body),
    del: (path) => request('DELETE', path),
    upload: (path, form, headers) => request('POST', path, undefined, { raw: form, headers }),
    async blob(path) {
      const res = await fetch(`${API_BASE}${path}`, { headers: authHeaders().headers });
      if (!res.ok) throw new ApiError(res.status, `HTTP_${res.status}`, `HTTP ${res.status}`);
      return res.blob();
    },
  };
}

/** The signed-in client of the staff workbench and the big screen. */
export const api = /* @__PURE__ */ createApiClient({
  token: getToken,
  offlineMessage: { 'zh-CN': '无法连接服务器，请检查网络后重试。', en: 'The server cannot be reached. Check the network and try again.' },
});

/** True when an endpoint does not exist on this server (a module not deployed yet): screens show an empty state. */
export function isMissingEndpoint(err: unknown): boolean {
  return err instanceof ApiError && (err.status === 404 || err.status === 405) && (err.code === 'NOT_FOUND' || err.code.startsWith('HTTP_'));
}
