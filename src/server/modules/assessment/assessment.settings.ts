/** The assessment weights (SPEC §7) as a definition of the settings registry: how each rate and deduction counts. */
import type { SettingDefinition } from '../../platform/settings.js';
import { DEFAULT_WEIGHTS, validateWeights, type AssessmentWeights } from './assessment.rules.js';

export const ASSESSMENT_WEIGHTS: SettingDefinition<AssessmentWeights> = {
  key: 'assessment_weights',
  path: 'assessment-weights',
  defaults: DEFAULT_WEIGHTS,
  check: (value) => {
    const r = validateWeights(value);
    return r.ok ? { ok: true, value: r.weights } : r;
  },
};
