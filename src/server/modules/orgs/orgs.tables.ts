import type { Generated } from 'kysely';
import type { GeneratedTimestamp, Json } from '../../db/columns.js';

export type OrgType = 'district' | 'subdistrict' | 'community' | 'station' | 'grid' | 'department';

export interface OrgUnitsTable {
  id: Generated<string>;
  code: string;
  name: string;
  name_en: string | null;
  type: OrgType;
  parent_id: string | null;
  path: string;
  depth: number;
  geometry: Json<unknown> | null;
  lat: number | null;
  lng: number | null;
  sample: Generated<boolean>;
  active: Generated<boolean>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface BuildingsTable {
  id: Generated<string>;
  code: string;
  address: string;
  lat: number | null;
  lng: number | null;
  community_id: string;
  grid_id: string | null;
  active: Generated<boolean>;
  created_at: GeneratedTimestamp;
}

export interface OrgTables {
  org_units: OrgUnitsTable;
  buildings: BuildingsTable;
}
