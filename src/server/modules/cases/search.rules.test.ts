import { describe, expect, it } from 'vitest';
import { caseSearchText, newestFirstIsCheaper, scopeQuery, searchQuery, tokenize } from './search.rules.js';

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

  it('walks created_at backwards only when that reads fewer rows than the matches', () => {
    // district-wide common word: 20 × 1M / 10,001 ≈ 2,000 rows walked < 10,001 matches
    expect(newestFirstIsCheaper({ matches: 10_001, offset: 0, limit: 20, tableRows: 1_000_000 })).toBe(true);
    // one community's 1,000 matches: walking would read 20,000 rows
    expect(newestFirstIsCheaper({ matches: 1_000, offset: 0, limit: 20, tableRows: 1_000_000 })).toBe(false);
    // deep pages make walking dearer
    expect(newestFirstIsCheaper({ matches: 10_001, offset: 9_980, limit: 20, tableRows: 1_000_000 })).toBe(false);
    // never-analysed table (reltuples -1): the matches are at least the table
    expect(newestFirstIsCheaper({ matches: 3, offset: 0, limit: 20, tableRows: -1 })).toBe(false);
    expect(newestFirstIsCheaper({ matches: 0, offset: 0, limit: 20, tableRows: 100 })).toBe(false);
  });
});
