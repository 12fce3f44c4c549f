/**
 * The portal's HTTP client: JSON in and out, the reader's language on every
 * request, and errors as `PortalError` carrying the server's code, message and
 * field paths. A network failure (no answer at all) is told apart so the
 * submit screen can keep the draft and retry.
 */

export class PortalError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { fields?: { path: string; message: string }[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'PortalError';
  }
  /** No answer from the server, or one a retry may fix (5xx). */
  get retryable(): boolean {
    return this.status === 0 || this.status >= 500;
  }
}

let language = 'zh-CN';
export const setLanguage = (lang: string) => {
  language = lang;
};

export async function call<T>(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string>; form?: FormData } = {}): Promise<T> {
  const headers: Record<string, string> = { 'accept-language': language, ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.form) body = opts.form;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, body });
  } catch {
    throw new PortalError(0, 'NETWORK', language === 'en' ? 'No connection. Your draft is kept.' : '网络连接失败，草稿已保存。');
  }
  const text = await res.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON (a proxy error page) */
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string; details?: PortalError['details'] } } | undefined)?.error;
    throw new PortalError(res.status, e?.code ?? 'HTTP_' + res.status, e?.message ?? `HTTP ${res.status}`, e?.details ?? {});
  }
  return json as T;
}

export interface Category {
  code: string;
  serviceType: string;
  name: string;
  anonymousAllowed: boolean;
}

export interface Building {
  code: string;
  address: string;
  communityId: string;
  communityName: string;
  communityNameEn: string | null;
  lat: number | null;
  lng: number | null;
}

export interface PublicCase {
  trackingNo: string;
  title: string;
  description: string;
  categoryName: string;
  status: string;
  statusText: string;
  handlingUnit: { name: string } | null;
  deadlines: { respondBy: string | null; acceptBy: string | null; resolveBy: string | null };
  overdue: boolean;
  resolution: { note: string | null; resolvedAt: string } | null;
  rating: number | null;
  ratingComment: string | null;
  createdAt: string;
  allowedActions: string[];
  timeline: { at: string; action: string; text: string; unit: string | null }[];
}

export interface Created {
  trackingNo: string;
  accessCode: string;
  status: string;
  deadlines: PublicCase['deadlines'];
}
