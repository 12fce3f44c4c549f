/** 书记在线: which level of Party secretary the letter goes to. */
import type { Key, T } from '../i18n.js';
import type { SecretaryLevel } from '../portal-types.js';

const LEVELS: readonly SecretaryLevel[] = ['community', 'subdistrict', 'district'];

export function SecretaryLevelPicker({ t, value, onChange }: { t: T; value: SecretaryLevel; onChange: (level: SecretaryLevel) => void }) {
  return (
    <section>
      <h2>{t('secretary_level')}</h2>
      <div className="choices three">
        {LEVELS.map((l) => (
          <button key={l} type="button" className={`choice ${value === l ? 'selected' : ''}`} aria-pressed={value === l} data-testid={`lvl-${l}`} onClick={() => onChange(l)}>
            <strong>{t(`lvl_${l}` as Key)}</strong>
          </button>
        ))}
      </div>
    </section>
  );
}
