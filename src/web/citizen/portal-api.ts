/**
 * The portal's instance of the shared HTTP client: no staff bearer token
 * (a resident proves a phone with a verification token sent per request),
 * and a lost connection says the draft is kept, so the report form can keep
 * it and retry.
 */
import { ApiError, createApiClient } from '../shared/api.js';

export const portalApi = createApiClient({
  offlineMessage: { 'zh-CN': '网络连接失败，草稿已保存。', en: 'No connection. Your draft is kept.' },
});

/** The server's message, followed by each field's message (the portal shows no field paths). */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = err.fields.map((f) => f.message).filter(Boolean);
    return fields.length ? `${err.message}：${fields.join('；')}` : err.message;
  }
  return String(err);
}
