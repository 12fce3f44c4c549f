/**
 * Step 3, where: the building of a scanned QR code (which may be changed),
 * or an address and an optional pin on the schematic map.
 */
import { useState } from 'react';
import type { Lang, T } from '../i18n.js';
import type { Building } from '../portal-types.js';
import { MapPicker } from './MapPicker.js';

export function LocationPicker(props: {
  t: T;
  lang: Lang;
  building: Building | null;
  buildingCode: string | null;
  address: string;
  pin: { lat: number; lng: number } | null;
  onClearBuilding: () => void;
  onAddress: (address: string) => void;
  /** A pin also fills an empty address with the community tapped. */
  onPin: (pin: { lat: number; lng: number }, community: string | null) => void;
}) {
  const { t, lang, building } = props;
  const [showMap, setShowMap] = useState(false);
  return (
    <section>
      <h2>{t('step_where')}</h2>
      {props.buildingCode && building ? (
        <div className="building" data-testid="building">
          <strong>{t('building_set')}</strong>
          <p>{building.address}</p>
          <p className="muted">{lang === 'en' ? (building.communityNameEn ?? building.communityName) : building.communityName} · {building.code}</p>
          <button type="button" className="link" onClick={props.onClearBuilding}>{t('building_change')}</button>
        </div>
      ) : (
        <>
          <label>
            {t('address')}
            <input id="address" value={props.address} maxLength={200} onChange={(e) => props.onAddress(e.target.value)} />
          </label>
          <button type="button" className="link" onClick={() => setShowMap((s) => !s)}>{t('pick_on_map')}</button>
          {showMap && (
            <>
              <MapPicker en={lang === 'en'} value={props.pin} onPick={(p) => props.onPin({ lat: p.lat, lng: p.lng }, p.community)} />
              <p className="muted">{t('map_note')}</p>
            </>
          )}
        </>
      )}
    </section>
  );
}
