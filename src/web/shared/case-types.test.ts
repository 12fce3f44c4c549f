import { describe, expect, it } from 'vitest';
import { matchCount } from './case-types.js';

describe('matchCount', () => {
  it('shows the exact total, or "N+" when the server stopped counting', () => {
    expect(matchCount(undefined)).toBe('0');
    expect(matchCount({ items: [], total: 37 })).toBe('37');
    expect(matchCount({ items: [], total: 37, totalCapped: false })).toBe('37');
    expect(matchCount({ items: [], total: 1000, totalCapped: true })).toBe('1000+');
  });
});
