import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { nonFiniteIssue, numberSlots } from './number-guard.js';

const Body = Type.Object({
  title: Type.String(),
  people: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  location: Type.Optional(Type.Object({ lat: Type.Optional(Type.Union([Type.Number({ minimum: -90, maximum: 90 }), Type.Null()])) })),
  scores: Type.Optional(Type.Array(Type.Number())),
});

describe('numberSlots', () => {
  it('finds numbers through optional fields, unions, nested objects and arrays; none in a schema without numbers', () => {
    expect(numberSlots(Body).map((s) => s.path.join('.'))).toEqual(['people', 'location.lat', 'scores.*']);
    expect(numberSlots(Type.Object({ q: Type.String(), on: Type.Boolean() }))).toEqual([]);
    expect(numberSlots(undefined)).toEqual([]);
  });
});

describe('nonFiniteIssue', () => {
  const slots = numberSlots(Body);

  it('names the field and the bound an overflowed number broke, else its type', () => {
    expect(nonFiniteIssue({ title: 'x', people: Infinity }, slots, 'body')).toEqual({ path: 'body.people', keyword: 'maximum', params: { limit: 100 } });
    expect(nonFiniteIssue({ title: 'x', location: { lat: -Infinity } }, slots, 'body')).toEqual({ path: 'body.location.lat', keyword: 'minimum', params: { limit: -90 } });
    expect(nonFiniteIssue({ title: 'x', scores: [1, Infinity] }, slots, 'body')).toEqual({ path: 'body.scores.1', keyword: 'type', params: { type: 'number' } });
  });

  it('passes finite numbers, absent fields and non-numbers', () => {
    expect(nonFiniteIssue({ title: 'Infinity', people: 100, location: { lat: null }, scores: [0, -1.5] }, slots, 'body')).toBeNull();
    expect(nonFiniteIssue({ title: 'x' }, slots, 'body')).toBeNull();
    expect(nonFiniteIssue(undefined, slots, 'querystring')).toBeNull();
  });
});
