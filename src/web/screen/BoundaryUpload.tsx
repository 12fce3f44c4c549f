/** District admins may replace the schematic map with real boundaries (GeoJSON FeatureCollection, codes matching the org tree). */
import { useState } from 'react';
import type { Static } from 'typebox';
import type { OrgImportResultSchema } from '../../server/modules/orgs/orgs.schemas.js';
import { ApiError, api } from '../shared/api.js';

export function BoundaryUpload({ onDone }: { onDone: () => void }) {
  const [message, setMessage] = useState<string | null>(null);
  return (
    <label className="upload">
      上传真实边界 GeoJSON
      <input
        type="file"
        accept=".json,.geojson,application/geo+json,application/json"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          try {
            const r = await api.post<Static<typeof OrgImportResultSchema>>('/orgs/import', { fileName: file.name, content: await file.text() });
            setMessage(`已更新 ${r.updated} 个、新增 ${r.created} 个单位`);
            onDone();
          } catch (err) {
            setMessage(err instanceof ApiError ? err.message : String(err));
          }
        }}
      />
      {message && <span className="upload-msg">{message}</span>}
    </label>
  );
}
