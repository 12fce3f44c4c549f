import { describe, expect, it } from 'vitest';
import { canonicalJson } from './audit.js';
import { AppError } from './errors.js';
import { ajvIssue, errorBody, toAppError } from './http-errors.js';
import { pickLocale, translate } from './messages.js';
import { can, scopeRoots, type Actor } from './policies.js';

const community = '/d/s1/c1/';
const actor = (roles: Actor['roles']): Actor => ({ id: 'u', username: 'u', displayName: 'U', roles });

describe('locale', () => {
  it.each([
    [undefined, 'zh-CN'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['fr-FR, en;q=0.5', 'en'],
    ['en;q=0.2, zh;q=0.8', 'zh-CN'],
    ['de', 'zh-CN'],
  ])('%s → %s', (header, expected) => {
    expect(pickLocale(header)).toBe(expected);
  });

  it('translates record names in NOT_FOUND', () => {
    expect(translate('NOT_FOUND', 'zh-CN', { what: 'org' })).toBe('未找到组织');
    expect(translate('NOT_FOUND', 'en', { what: 'org' })).toBe('Org unit not found');
  });
});

describe('policies', () => {
  const secretary = actor([{ role: 'community_secretary', orgId: 'c1', orgPath: community, orgName: '碧眼社区', orgType: 'community' }]);

  it('a role reaches its own subtree only', () => {
    expect(can(secretary, 'case:read', '/d/s1/c1/g1/')).toBe(true);
    expect(can(secretary, 'case:read', community)).toBe(true);
    expect(can(secretary, 'case:read', '/d/s1/c2/')).toBe(false);
    expect(can(secretary, 'case:read', '/d/s1/')).toBe(false);
  });

  it('a permission the role lacks is denied even inside the subtree', () => {
    expect(can(secretary, 'config:write', community)).toBe(false);
    expect(can(secretary, 'user:write', community)).toBe(false);
  });

  it('nested scope roots collapse to the outermost', () => {
    const both = actor([
      { role: 'leader', orgId: 'd', orgPath: '/d/', orgName: 'D', orgType: 'district' },
      { role: 'leader', orgId: 'c1', orgPath: community, orgName: 'C', orgType: 'community' },
    ]);
    expect(scopeRoots(both, 'case:read')).toEqual(['/d/']);
  });
});

describe('error mapping', () => {
  it('turns an ajv error into a dotted field path with the missing property', () => {
    expect(ajvIssue({ instancePath: '/reporter', keyword: 'required', params: { missingProperty: 'phone' } }, 'body')).toMatchObject({
      path: 'body.reporter.phone',
      keyword: 'required',
    });
    expect(ajvIssue({ instancePath: '/items/2/code', keyword: 'maxLength', params: { limit: 5 } }, 'querystring').path).toBe('querystring.items.2.code');
  });

  it('localises field messages and never leaks internals', () => {
    const err = AppError.invalid([{ path: 'body.name', keyword: 'minLength', params: { limit: 1 } }]);
    expect(errorBody(err, 'en').error.details?.fields).toEqual([{ path: 'body.name', message: 'must be at least 1 characters' }]);
    expect(errorBody(err, 'zh-CN').error.details?.fields?.[0].message).toBe('长度不能少于1个字符');
    const internal = toAppError(new TypeError('x is undefined at line 4'));
    expect(internal.code).toBe('INTERNAL');
    expect(JSON.stringify(errorBody(internal, 'en'))).not.toContain('line 4');
  });
});

describe('canonical JSON', () => {
  it('is independent of key order at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: null } })).toBe(canonicalJson({ a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 }));
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
  });
});
