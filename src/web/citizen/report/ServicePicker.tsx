/** Step 1: the five services in plain words, then the category within the chosen one. */
import type { Key, T } from '../i18n.js';
import type { Category, ServiceType } from '../portal-types.js';

const SERVICES: readonly ServiceType[] = ['complaint', 'dispute', 'legal', 'psych', 'assistance'];

export function ServicePicker(props: {
  t: T;
  categories: Category[];
  serviceType: ServiceType | '';
  category: string;
  /** A new service keeps the category only if it belongs to that service. */
  onService: (serviceType: ServiceType) => void;
  onCategory: (category: string) => void;
}) {
  const { t, categories } = props;
  return (
    <section>
      <h2>{t('step_service')}</h2>
      <div className="choices">
        {SERVICES.map((s) => (
          <button
            key={s}
            type="button"
            className={`choice ${props.serviceType === s ? 'selected' : ''}`}
            data-testid={`svc-${s}`}
            aria-pressed={props.serviceType === s}
            onClick={() => props.onService(s)}
          >
            <strong>{t(`svc_${s}` as Key)}</strong>
            <span>{t(`svc_${s}_sub` as Key)}</span>
          </button>
        ))}
      </div>
      {props.serviceType && (
        <label>
          {t('category')}
          <select id="category" value={props.category} onChange={(e) => props.onCategory(e.target.value)}>
            <option value="">{t('choose')}</option>
            {categories.filter((c) => c.serviceType === props.serviceType).map((c) => (
              <option key={c.code} value={c.code}>{c.name}</option>
            ))}
          </select>
        </label>
      )}
    </section>
  );
}
