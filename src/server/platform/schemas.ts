/**
 * TypeBox helpers shared by the modules' schema files.
 */
import { Type, type TLiteral, type TNull, type TSchema, type TUnion } from 'typebox';

/**
 * One of a list of strings, as `anyOf` of `const`s. TypeBox derives a union's static type by walking a tuple,
 * and `values.map(Type.Literal)` is an array, which made `Static<>` of every such field `never`. The type is
 * therefore declared as a union of one literal whose value is the union of the list: `Static<>` is
 * `'a' | 'b' | …`, while the JSON schema keeps one `const` per value.
 */
export function literals<const T extends readonly string[]>(values: T): TUnion<[TLiteral<T[number]>]> {
  return Type.Union(values.map((v) => Type.Literal(v))) as unknown as TUnion<[TLiteral<T[number]>]>;
}

/** `T` or `null`: what the presenters give for an empty column (never a missing property). */
export function nullable<T extends TSchema>(type: T): TUnion<[T, TNull]> {
  return Type.Union([type, Type.Null()]);
}
