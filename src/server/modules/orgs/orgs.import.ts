/**
 * Imports org units from CSV or GeoJSON, all or nothing: every row is checked
 * first (line and field named on the first problem), then the whole file is
 * written in one transaction. Existing codes are updated (name, geometry,
 * centroid), so an admin can upload real boundaries over the schematic ones.
 */
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { OrgType } from './orgs.tables.js';
import type { DB } from '../../db/schema.js';
import { appendAudit } from '../../platform/audit.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import { can, type Actor } from '../../platform/policies.js';
import * as repo from './orgs.repo.js';
import { changingOrgTree } from './org-directory.js';
import { checkGeometry } from './geometry.rules.js';
import { childPath, depthOf, isOrgType, mayCreateRoot, parentProblem } from './orgs.rules.js';
import { l, type Localised } from '../../platform/messages.js';

export interface ImportRow {
  line: number;
  code: string;
  name: string;
  nameEn: string | null;
  type: OrgType;
  parentCode: string | null;
  lat: number | null;
  lng: number | null;
  geometry: { type: string; coordinates: unknown } | null;
}

export interface ImportResult {
  created: number;
  updated: number;
}

/** `reason` in both languages for the message; the details carry its English text for programs. */
function fail(line: number, field: string, reason: Localised): never {
  throw new AppError('IMPORT_FAILED', { line, field, reason }, { line, field, reason: reason.en });
}

function optionalNumber(raw: unknown, line: number, field: string, min: number, max: number): number | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const n = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) fail(line, field, l(`应为 ${min} 到 ${max} 之间的数字`, `must be a number between ${min} and ${max}`));
  return n;
}

function rowFrom(record: Record<string, unknown>, line: number, geometry: ImportRow['geometry']): ImportRow {
  const str = (key: string) => (record[key] === undefined || record[key] === null ? '' : String(record[key]).trim());
  const code = str('code');
  if (!code) fail(line, 'code', l('必填', 'is required'));
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(code)) fail(line, 'code', l('只能使用字母、数字、点、横线或下划线（最多64个）', 'use letters, digits, dot, dash or underscore (max 64)'));
  const name = str('name');
  if (!name) fail(line, 'name', l('必填', 'is required'));
  if (name.length > 100) fail(line, 'name', l('超过100个字符', 'is longer than 100 characters'));
  const type = str('type');
  if (!isOrgType(type)) fail(line, 'type', l('应为 district、subdistrict、community、station、grid 或 department', 'must be district, subdistrict, community, station, grid or department'));
  if (geometry) {
    const problem = checkGeometry(geometry);
    if (problem) fail(line, 'geometry', problem);
  }
  return {
    line,
    code,
    name,
    nameEn: str('name_en') || null,
    type,
    parentCode: str('parent_code') || null,
    lat: optionalNumber(record.lat, line, 'lat', -90, 90),
    lng: optionalNumber(record.lng, line, 'lng', -180, 180),
    geometry,
  };
}

/** CSV with a header row: code,name,type,parent_code[,name_en,lat,lng]. Line numbers count the header as 1. */
export function parseOrgCsv(text: string): ImportRow[] {
  let records: Record<string, string>[];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { columns: true, skip_empty_lines: true, trim: true, relax_column_count_less: true });
  } catch (err) {
    const e = err as { lines?: number; message: string };
    fail(e.lines ?? 0, '(file)', l(`CSV 格式错误：${e.message}`, e.message));
  }
  if (records.length === 0) fail(1, '(file)', l('文件没有数据行', 'no rows'));
  const header = Object.keys(records[0]);
  for (const required of ['code', 'name', 'type']) {
    if (!header.includes(required)) fail(1, required, l('表头缺少这一列', 'column is missing from the header'));
  }
  return records.map((r, i) => rowFrom(r, i + 2, null));
}

/** A GeoJSON FeatureCollection; each feature's `properties` carry the CSV columns. Line = feature index + 1. */
export function parseOrgGeoJson(text: string): ImportRow[] {
  let doc: { type?: string; features?: unknown };
  try {
    doc = JSON.parse(text);
  } catch (err) {
    fail(0, '(file)', l(`不是有效的 JSON：${(err as Error).message}`, `not valid JSON: ${(err as Error).message}`));
  }
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) fail(0, '(file)', l('应为 GeoJSON FeatureCollection', 'must be a GeoJSON FeatureCollection'));
  const features = doc.features as { properties?: Record<string, unknown>; geometry?: { type: string; coordinates: unknown } | null }[];
  if (features.length === 0) fail(0, '(file)', l('文件中没有要素（features）', 'no features'));
  return features.map((f, i) => rowFrom(f.properties ?? {}, i + 1, f.geometry ?? null));
}

export function parseOrgFile(fileName: string, text: string): ImportRow[] {
  return /\.(geo)?json$/i.test(fileName) ? parseOrgGeoJson(text) : parseOrgCsv(text);
}

/** Checks parents and types across the file and the database, then writes everything in one transaction. */
export async function applyOrgImport(db: Kysely<DB>, clock: Clock, rows: ImportRow[], actor: Actor | null): Promise<ImportResult> {
  const seen = new Map<string, ImportRow>();
  for (const row of rows) {
    if (seen.has(row.code)) fail(row.line, 'code', l(`与第 ${seen.get(row.code)!.line} 行重复`, `duplicates line ${seen.get(row.code)!.line}`));
    seen.set(row.code, row);
  }
  const existing = new Map((await repo.findOrgsByCodes(db, [...new Set(rows.flatMap((r) => [r.code, r.parentCode ?? '']).filter(Boolean))])).map((o) => [o.code, o]));

  // Resolve parents in dependency order so a file may list children before parents.
  const typeOf = (code: string) => seen.get(code)?.type ?? existing.get(code)?.type;
  for (const row of rows) {
    const current = existing.get(row.code);
    if (current && current.type !== row.type) fail(row.line, 'type', l(`单位 ${row.code} 已存在，类型为 ${current.type}；导入不能改变类型`, `unit ${row.code} exists as ${current.type}; type cannot change on import`));
    if (row.parentCode) {
      const parentType = typeOf(row.parentCode);
      if (!parentType) fail(row.line, 'parent_code', l(`文件和系统中都没有编码为 ${row.parentCode} 的单位`, `no unit with code ${row.parentCode} in the file or the database`));
      const problem = parentProblem(row.type, parentType);
      if (problem) fail(row.line, 'parent_code', problem);
    } else if (!current) {
      const problem = parentProblem(row.type, null);
      if (problem) fail(row.line, 'parent_code', problem);
    }
  }
  if (actor) checkRowsInScope(actor, rows, existing);
  const ordered: ImportRow[] = [];
  const placed = new Set<string>();
  const visiting = new Set<string>();
  const place = (row: ImportRow) => {
    if (placed.has(row.code)) return;
    if (visiting.has(row.code)) fail(row.line, 'parent_code', l('上级关系形成了循环', 'parent chain forms a cycle'));
    visiting.add(row.code);
    const parentRow = row.parentCode ? seen.get(row.parentCode) : undefined;
    if (parentRow) place(parentRow);
    visiting.delete(row.code);
    placed.add(row.code);
    ordered.push(row);
  };
  rows.forEach(place);

  return changingOrgTree(db, db.transaction().execute(async (trx) => {
    const pathByCode = new Map<string, { id: string; path: string }>();
    for (const org of existing.values()) pathByCode.set(org.code, { id: org.id, path: org.path });
    let created = 0;
    let updated = 0;
    const now = clock.now();
    for (const row of ordered) {
      const current = existing.get(row.code);
      if (current) {
        if (row.parentCode && row.parentCode !== (await parentCodeOf(trx, current.parent_id))) {
          fail(row.line, 'parent_code', l('调整单位的上级请在组织架构编辑器中进行，不能通过导入', 'moving a unit is done in the org editor, not by import'));
        }
        await repo.updateOrg(trx, current.id, {
          name: row.name,
          ...(row.nameEn !== null ? { name_en: row.nameEn } : {}),
          ...(row.lat !== null ? { lat: row.lat, lng: row.lng } : {}),
          ...(row.geometry ? { geometry: row.geometry } : {}),
          active: true,
        }, now);
        updated++;
        continue;
      }
      const parent = row.parentCode ? pathByCode.get(row.parentCode)! : null;
      const id = randomUUID();
      const path = childPath(parent?.path ?? null, id);
      await repo.insertOrg(trx, {
        id, code: row.code, name: row.name, name_en: row.nameEn, type: row.type, parent_id: parent?.id ?? null,
        path, depth: depthOf(path), lat: row.lat, lng: row.lng, geometry: row.geometry,
      });
      pathByCode.set(row.code, { id, path });
      created++;
    }
    await appendAudit(trx, clock, { action: 'org.import', actor, targetType: 'org', data: { created, updated, rows: rows.length } });
    return { created, updated };
  }));
}

/**
 * Every row must lie in the actor's own subtree: an existing unit is updated only where the actor holds
 * org:write on it, a new one is added only under a parent the actor holds org:write on (a parent new in the same
 * file is checked by its own row), and a new root only by whoever may create roots. A file that reaches one unit
 * outside is refused whole, naming the line, so an import can never rename a unit its author cannot even read.
 */
function checkRowsInScope(actor: Actor, rows: ImportRow[], existing: Map<string, repo.OrgRow>) {
  for (const row of rows) {
    const current = existing.get(row.code);
    const parent = row.parentCode ? existing.get(row.parentCode) : undefined;
    const allowed = current
      ? can(actor, 'org:write', current.path)
      : row.parentCode
        ? !parent || can(actor, 'org:write', parent.path)
        : mayCreateRoot(actor);
    if (!allowed) throw new AppError('IMPORT_OUT_OF_SCOPE', { line: row.line, code: row.code }, { line: row.line, field: 'code' });
  }
}

async function parentCodeOf(db: Kysely<DB>, parentId: string | null): Promise<string | null> {
  if (!parentId) return null;
  const parent = await repo.findOrgById(db, parentId);
  return parent?.code ?? null;
}
