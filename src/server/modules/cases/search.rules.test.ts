import { describe, expect, it } from 'vitest';
import { caseSearchText, scopeQuery, searchQuery, tokenize, walkNewestFirstWhenCapped } from './search.rules.js';

describe('Chinese search tokens', () => {
  it('segments Chinese words and drops punctuation', () => {
    const tokens = tokenize('工地拖欠15名工人工资，已三个月！');
    expect(tokens).toEqual(expect.arrayContaining(['工地', '拖欠', '工人', '工资']));
    expect(tokens.some((t) => /[，！]/.test(t))).toBe(false);
  });

  it('a query matches the tokens stored for the text it came from', () => {
    const stored = new Set(caseSearchText(['楼上噪音扰民', '深夜装修噪音很大', '碧眼社区碧眼路12号']).split(' '));
    const query = searchQuery('装修噪音')!;
    const terms = query.split(' & ').map((t) => t.replace(/'/g, ''));
    expect(terms.length).toBeGreaterThan(0);
    for (const term of terms) expect(stored.has(term)).toBe(true);
  });

  it('never emits tsquery operators from user input', () => {
    expect(searchQuery("噪音 & | ! ( ) ' :*")).toBe("'噪音'");
    expect(searchQuery('   ，。')).toBeNull();
  });
});

describe('indexed search scope and page plan', () => {
  it('matches the scope lexeme of each root unit, the last id of its path', () => {
    expect(scopeQuery(['a1/b2/', 'a1/c3/'])).toBe("'s:b2' | 's:c3'");
    expect(scopeQuery([])).toBeNull();
  });

  it('past the count cap, walks created_at backwards for district-wide readers only', () => {
    const district = '/d1/';
    const community = '/d1/s1/c1/';
    expect(walkNewestFirstWhenCapped({ scopeRoots: [district], offset: 0, limit: 20, cap: 1000 })).toBe(true);
    expect(walkNewestFirstWhenCapped({ scopeRoots: [community], offset: 0, limit: 20, cap: 1000 })).toBe(false);
    expect(walkNewestFirstWhenCapped({ scopeRoots: [community, district], offset: 0, limit: 20, cap: 1000 })).toBe(true);
    // beyond the counted matches, every match is sorted
    expect(walkNewestFirstWhenCapped({ scopeRoots: [district], offset: 990, limit: 20, cap: 1000 })).toBe(false);
  });
});
