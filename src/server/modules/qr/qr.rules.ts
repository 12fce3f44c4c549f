/** Pure helpers of the building QR codes: the URL a code encodes and the portal URL it redirects to. */

/** The stable address printed on a building: `<publicUrl>/q/<code>`. Never changes while the building exists. */
export function buildingUrl(publicUrl: string, code: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/q/${encodeURIComponent(code)}`;
}

/** Where a scan lands: the citizen portal with the building set. */
export function portalUrl(code: string): string {
  return `/m/?building=${encodeURIComponent(code)}`;
}

/** Building codes are short ASCII identifiers (`GM-BIYAN-0001`); anything else is not looked up. */
export const BUILDING_CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => escapes[c]);

/** The friendly page for a code that names no building (a torn-down building, a typo in a hand-typed URL). */
export function unknownBuildingPage(code: string): string {
  const c = escapeHtml(code);
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>未找到该楼栋 · Building not found</title>
<style>body{font:18px/1.6 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;padding:24px;color:#111;background:#fff;max-width:560px}
h1{font-size:24px}a.btn{display:inline-block;margin-top:16px;padding:14px 20px;background:#0b57d0;color:#fff;border-radius:8px;text-decoration:none;font-size:20px}
.en{color:#444}</style></head><body>
<h1>未找到楼栋「${c}」</h1>
<p>这个二维码对应的楼栋不存在或已停用。您仍然可以直接反映诉求，在表单中填写地址即可。</p>
<p class="en">This QR code (${c}) does not match any building in service. You can still report your request and type the address yourself.</p>
<a class="btn" href="/m/">我要反映诉求 · Report a request</a>
</body></html>`;
}
