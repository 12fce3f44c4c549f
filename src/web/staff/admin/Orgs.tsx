/**
 * Org tree editor: browse the tree, edit a unit, add a child, (de)activate,
 * and import CSV/GeoJSON (all rows or none; the server names the bad line).
 */
import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, InputNumber, Modal, Row, Select, Space, Spin, Tag, Tree, Typography, Upload } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { Static } from 'typebox';
import type { OrgImportResultSchema, OrgSchema } from '../../../server/modules/orgs/orgs.schemas.js';
import { api } from '../../shared/api.js';
import { ErrorAlert, PageTitle, applyFieldErrors } from '../components/ui.js';
import { useI18n } from '../i18n.js';

/** An org unit as `GET /orgs` lists it. */
export type Org = Static<typeof OrgSchema>;

const TYPES = ['district', 'subdistrict', 'community', 'station', 'grid', 'department'];

/** Every unit in the user's scope (the API pages at 500). */
export async function loadAllOrgs(includeInactive = false): Promise<Org[]> {
  const all: Org[] = [];
  for (let page = 1; page < 50; page++) {
    const res = await api.get<{ items: Org[]; total: number }>('/orgs', { page, pageSize: 500, includeInactive });
    all.push(...res.items);
    if (all.length >= res.total || res.items.length === 0) break;
  }
  return all;
}

interface TreeNode {
  key: string;
  title: React.ReactNode;
  children: TreeNode[];
}

export function OrgsPage() {
  const { t, tx, locale } = useI18n();
  const { message } = App.useApp();
  const [orgs, setOrgs] = useState<Org[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);
  const [importResult, setImportResult] = useState<string | null>(null);
  const [importError, setImportError] = useState<unknown>(null);
  const [form] = Form.useForm();
  const [addForm] = Form.useForm();

  const load = () =>
    loadAllOrgs(true)
      .then(setOrgs)
      .catch(setLoadError);
  useEffect(() => {
    void load();
  }, []);

  const tree = useMemo(() => {
    if (!orgs) return [];
    const byParent = new Map<string | null, Org[]>();
    const ids = new Set(orgs.map((o) => o.id));
    for (const o of orgs) {
      const p = o.parentId && ids.has(o.parentId) ? o.parentId : null;
      byParent.set(p, [...(byParent.get(p) ?? []), o]);
    }
    // Territorial units first, departments after them: the tree reads like the district's map.
    const order = (o: Org) => (o.type === 'department' ? 1 : 0);
    const build = (parent: string | null): TreeNode[] =>
      [...(byParent.get(parent) ?? [])].sort((a, b) => order(a) - order(b) || a.code.localeCompare(b.code)).map((o) => ({
        key: o.id,
        title: (
          <span style={{ opacity: o.active ? 1 : 0.5 }}>
            {locale === 'en' && o.nameEn ? o.nameEn : o.name} <Tag style={{ marginInlineStart: 4 }}>{tx(`orgType.${o.type}`, o.type)}</Tag>
          </span>
        ),
        children: build(o.id),
      }));
    return build(null);
  }, [orgs, locale, tx]);

  const current = orgs?.find((o) => o.id === selected) ?? null;
  useEffect(() => {
    if (current) form.setFieldsValue({ name: current.name, nameEn: current.nameEn ?? '', lat: current.lat, lng: current.lng });
    setError(null);
  }, [current, form]);

  const mapFields = (p: string) => {
    const f = p.replace(/^body\./, '').split('.')[0];
    return ['name', 'nameEn', 'lat', 'lng', 'code', 'type', 'parentId'].includes(f) ? [f] : null;
  };

  const save = async (v: { name: string; nameEn: string; lat: number | null; lng: number | null }) => {
    if (!current) return;
    setError(null);
    try {
      await api.patch(`/orgs/${current.id}`, { name: v.name, nameEn: v.nameEn || null, lat: v.lat ?? null, lng: v.lng ?? null });
      void message.success(t('common.saved'));
      await load();
    } catch (e) {
      setError(e);
      applyFieldErrors(form, e, mapFields);
    }
  };

  const add = async (v: { code: string; name: string; nameEn?: string; type: string; lat?: number; lng?: number }) => {
    setError(null);
    try {
      const created = await api.post<Org>('/orgs', { ...v, nameEn: v.nameEn || undefined, parentId: current?.id ?? null });
      setAdding(false);
      addForm.resetFields();
      await load();
      setSelected(created.id);
    } catch (e) {
      setError(e);
      applyFieldErrors(addForm, e, mapFields);
    }
  };

  const toggle = async () => {
    if (!current) return;
    try {
      await api.post(`/orgs/${current.id}/${current.active ? 'deactivate' : 'activate'}`);
      await load();
    } catch (e) {
      setError(e);
    }
  };

  const importFile = async (file: File) => {
    setImportError(null);
    setImportResult(null);
    try {
      const content = await file.text();
      const res = await api.post<Static<typeof OrgImportResultSchema>>('/orgs/import', { fileName: file.name, content });
      setImportResult(Object.entries(res).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', '));
      await load();
    } catch (e) {
      setImportError(e);
    }
    return false;
  };

  return (
    <div>
      <PageTitle
        extra={
          <Upload accept=".csv,.json,.geojson" beforeUpload={(f) => importFile(f)} showUploadList={false}>
            <Button icon={<UploadOutlined />}>{t('admin.orgs.import')}</Button>
          </Upload>
        }
      >
        {t('admin.orgs.title')}
      </PageTitle>
      <Typography.Paragraph type="secondary">{t('admin.orgs.importHint')}</Typography.Paragraph>
      <ErrorAlert error={importError} style={{ marginBottom: 12 }} />
      {importResult && <Alert type="success" showIcon title={t('admin.orgs.imported', { summary: importResult })} style={{ marginBottom: 12 }} closable />}
      <ErrorAlert error={loadError} />
      <Row gutter={12}>
        <Col xs={24} md={10}>
          <Card size="small" style={{ maxHeight: 'calc(100vh - 200px)', overflow: 'auto' }}>
            {orgs ? <Tree treeData={tree} defaultExpandedKeys={tree.map((n) => n.key)} selectedKeys={selected ? [selected] : []} onSelect={(keys) => setSelected((keys[0] as string) ?? null)} /> : <Spin />}
          </Card>
        </Col>
        <Col xs={24} md={14}>
          <Card size="small" title={current ? current.name : t('admin.orgs.select')}>
            <ErrorAlert error={error} style={{ marginBottom: 12 }} />
            {current && (
              <>
                <Descriptions size="small" column={2} style={{ marginBottom: 12 }}>
                  <Descriptions.Item label={t('common.code')}>{current.code}</Descriptions.Item>
                  <Descriptions.Item label={t('common.type')}>{tx(`orgType.${current.type}`, current.type)}</Descriptions.Item>
                  <Descriptions.Item label={t('common.status')}>{current.active ? t('common.active') : t('common.inactive')}</Descriptions.Item>
                  {current.sample && <Descriptions.Item label={t('admin.orgs.sample')}>{t('common.yes')}</Descriptions.Item>}
                </Descriptions>
                <Form form={form} layout="vertical" onFinish={save} name="org">
                  <Form.Item name="name" label={t('common.name')} rules={[{ required: true, message: t('common.name') }]}>
                    <Input maxLength={100} />
                  </Form.Item>
                  <Form.Item name="nameEn" label={t('admin.orgs.nameEn')}>
                    <Input maxLength={200} />
                  </Form.Item>
                  <Space>
                    <Form.Item name="lat" label="Lat">
                      <InputNumber style={{ width: 160 }} />
                    </Form.Item>
                    <Form.Item name="lng" label="Lng">
                      <InputNumber style={{ width: 160 }} />
                    </Form.Item>
                  </Space>
                  <Space wrap>
                    <Button type="primary" htmlType="submit">
                      {t('common.save')}
                    </Button>
                    <Button onClick={() => setAdding(true)}>{t('admin.orgs.new')}</Button>
                    <Button danger={current.active} onClick={toggle}>
                      {current.active ? t('admin.orgs.deactivate') : t('admin.orgs.activate')}
                    </Button>
                  </Space>
                </Form>
              </>
            )}
          </Card>
        </Col>
      </Row>
      <Modal open={adding} title={`${t('admin.orgs.new')} · ${current?.name ?? ''}`} onCancel={() => setAdding(false)} onOk={() => addForm.submit()} okText={t('common.save')} cancelText={t('common.cancel')} destroyOnHidden>
        <ErrorAlert error={error} style={{ marginBottom: 12 }} />
        <Form form={addForm} layout="vertical" onFinish={add} name="org-new" preserve={false}>
          <Form.Item name="code" label={t('common.code')} rules={[{ required: true, message: t('common.code') }]}>
            <Input maxLength={64} />
          </Form.Item>
          <Form.Item name="name" label={t('common.name')} rules={[{ required: true, message: t('common.name') }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="nameEn" label={t('admin.orgs.nameEn')}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="type" label={t('common.type')} rules={[{ required: true, message: t('common.type') }]}>
            <Select options={TYPES.map((x) => ({ value: x, label: tx(`orgType.${x}`) }))} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
