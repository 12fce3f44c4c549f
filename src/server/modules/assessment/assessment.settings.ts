/** The assessment weights (SPEC §7) as a definition of the settings registry: how each rate and deduction counts. */
import type { SettingDefinition } from '../../platform/settings.js';
import { Type } from 'typebox';
import { DEDUCTIONS, DEFAULT_WEIGHTS, RATES, validateWeights, type AssessmentWeights } from './assessment.rules.js';

const numbersOf = (names: readonly string[]) => Type.Object(Object.fromEntries(names.map((n) => [n, Type.Number({ minimum: 0 })])), { additionalProperties: false });
const AssessmentWeightsSchema = Type.Object(
  { rates: numbersOf(RATES), deductions: numbersOf(DEDUCTIONS), maxDeduction: Type.Number({ minimum: 0 }), satisfiedRating: Type.Integer({ minimum: 1, maximum: 5 }) },
  { additionalProperties: false },
);

export const ASSESSMENT_WEIGHTS: SettingDefinition<AssessmentWeights> = {
  key: 'assessment_weights',
  path: 'assessment-weights',
  schema: AssessmentWeightsSchema,
  defaults: DEFAULT_WEIGHTS,
  check: (value) => {
    const r = validateWeights(value);
    return r.ok ? { ok: true, value: r.weights } : r;
  },
};
