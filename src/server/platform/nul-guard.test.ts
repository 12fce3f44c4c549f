import { describe, expect, it } from 'vitest';
import { nulPath } from './nul-guard.js';

describe('nulPath', () => {
  it('names the first string or key holding U+0000, or null', () => {
    expect(nulPath({ a: 'ok', b: ['x', 'y\u0000'] }, 'body')).toBe('body.b.1');
    expect(nulPath({ a: { deep: { er: 'z\u0000' } } }, 'body')).toBe('body.a.deep.er');
    expect(nulPath({ ['k\u0000']: 1 }, 'body')).toBe('body.k\\u0000');
    expect(nulPath('\u0000', 'querystring.q')).toBe('querystring.q');
    expect(nulPath({ a: '\\u0000 typed', n: 0, b: null, t: true }, 'body')).toBeNull();
  });
});
