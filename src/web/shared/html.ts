/**
 * Text placed into HTML strings. React escapes what it renders, but some widgets take raw HTML — ECharts tooltip
 * formatters above all — and the names in them (org units, categories) are typed by administrators or imported.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` as HTML text or attribute content: `&`, `<`, `>`, `"` and `'` become entities. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch]);
}
