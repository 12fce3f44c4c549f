import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../shared/html.js';
import { communityTooltip } from './map-tooltip.js';

describe('escapeHtml', () => {
  it('escapes the five characters that change meaning in HTML text and attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });
  it('leaves other text, Chinese included, as it is, and escapes an ampersand once', () => {
    expect(escapeHtml('碧眼社区 · 第1网格')).toBe('碧眼社区 · 第1网格');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
    expect(escapeHtml('')).toBe('');
  });
});

describe('the big screen map tooltip', () => {
  const figures = { open: { total: 3, red: 1, yellow: 1, blue: 1 }, overdue: 2 };
  it('shows an org name as text, never as markup (ECharts renders tooltips as HTML)', () => {
    const html = communityTooltip({ name: '<img src=x onerror="alert(1)">社区', ...figures }, 'id');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;社区');
    // Its own line breaks stay markup.
    expect(html).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;社区<br/>在办 3（红 1 · 黄 1 · 蓝 1）<br/>超期 2');
  });
  it('escapes the fallback (the feature name) too', () => {
    expect(communityTooltip(undefined, '<b>x</b>')).toBe('&lt;b&gt;x&lt;/b&gt;');
  });
});
