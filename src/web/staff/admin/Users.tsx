/** Users and their roles (each role bound to an org unit); create, set roles, enable/disable. */
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { UserListSchema } from '../../../server/modules/users/users.schemas.js';
import { api } from '../../shared/api.js';
import { useApi } from '../components/data.js';
import { ErrorAlert, PageTitle, applyFieldErrors } from '../components/ui.js';
import { useAuth } from '../auth.js';
import { useI18n } from '../i18n.js';
import { loadAllOrgs, type Org } from './Orgs.js';

type UserList = Static<typeof UserListSchema>;
/** `manageable`: the server's answer to "may I change this user?", so the page offers only what will pass. */
type UserRow = UserList['items'][number];

const ROLES = [
  'receptionist', 'grid_worker', 'mediator', 'lawyer', 'counselor', 'handler', 'community_secretary', 'subdistrict_admin', 'district_admin',
  'leader', 'supervisor', 'judge', 'sysadmin',
];

function RolesFields() {
  const { t, tx, locale } = useI18n();
  const { user } = useAuth();
  const grantable = ROLES.filter((r) => user?.grantableRoles.includes(r));
  const [orgs, setOrgs] = useState<Org[]>([]);
  useEffect(() => {
    void loadAllOrgs().then(setOrgs).catch(() => setOrgs([]));
  }, []);
  return (
    <Form.List name="roles">
      {(fields, { add, remove }) => (
        <>
          {fields.map((f) => (
            <Space key={f.key} align="baseline" wrap>
              <Form.Item name={[f.name, 'role']} rules={[{ required: true, message: t('admin.users.role') }]}>
                <Select style={{ width: 170 }} placeholder={t('admin.users.role')} options={grantable.map((r) => ({ value: r, label: tx(`role.${r}`) }))} />
              </Form.Item>
              <Form.Item name={[f.name, 'orgId']} rules={[{ required: true, message: t('admin.users.org') }]}>
                <Select
                  style={{ width: 240 }}
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('admin.users.org')}
                  options={orgs.map((o) => ({ value: o.id, label: `${locale === 'en' && o.nameEn ? o.nameEn : o.name} · ${tx(`orgType.${o.type}`, o.type)}` }))}
                />
              </Form.Item>
              <MinusCircleOutlined onClick={() => remove(f.name)} aria-label="remove" />
            </Space>
          ))}
          <Button type="dashed" onClick={() => add()} icon={<PlusOutlined />}>
            {t('admin.users.addRole')}
          </Button>
        </>
      )}
    </Form.List>
  );
}

const mapField = (p: string): (string | number)[] | null => {
  const parts = p.replace(/^body\./, '').split('.');
  if (parts[0] === 'roles' && parts.length >= 3) return ['roles', Number(parts[1]), parts[2]];
  return ['username', 'displayName', 'phone', 'password'].includes(parts[0]) ? [parts[0]] : null;
};

export function UsersPage() {
  const { t, tx } = useI18n();
  const { user } = useAuth();
  const { message } = App.useApp();
  const [q, setQ] = useState('');
  const list = useApi<UserList>('/users', { q: q || undefined, pageSize: 200 });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<UserRow | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [createForm] = Form.useForm();
  const [rolesForm] = Form.useForm();

  const create = async (v: { username: string; displayName: string; phone?: string; password: string; roles?: { role: string; orgId: string }[] }) => {
    setError(null);
    try {
      await api.post('/users', { ...v, phone: v.phone || undefined, roles: v.roles ?? [] });
      setCreating(false);
      createForm.resetFields();
      void message.success(t('common.saved'));
      list.reload();
    } catch (e) {
      setError(e);
      applyFieldErrors(createForm, e, mapField);
    }
  };

  const saveRoles = async (v: { roles?: { role: string; orgId: string }[] }) => {
    if (!editing) return;
    setError(null);
    try {
      await api.put(`/users/${editing.id}/roles`, { roles: v.roles ?? [] });
      setEditing(null);
      void message.success(t('common.saved'));
      list.reload();
    } catch (e) {
      setError(e);
      applyFieldErrors(rolesForm, e, mapField);
    }
  };

  const toggle = async (u: UserRow) => {
    try {
      await api.patch(`/users/${u.id}`, { active: !u.active });
      list.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div>
      <PageTitle
        extra={
          <Space>
            <Input.Search allowClear placeholder={t('common.search')} onSearch={(v) => setQ(v.trim())} style={{ width: 220 }} />
            <Button type="primary" onClick={() => { setError(null); setCreating(true); }}>
              {t('admin.users.new')}
            </Button>
          </Space>
        }
      >
        {t('admin.users.title')}
      </PageTitle>
      <ErrorAlert error={!creating && !editing ? error ?? list.error : list.error} style={{ marginBottom: 12 }} />
      <Card size="small">
        <Table<UserRow>
          rowKey="id"
          size="small"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          pagination={false}
          scroll={{ x: 800 }}
          columns={[
            { title: t('admin.users.username'), dataIndex: 'username', width: 180 },
            { title: t('admin.users.displayName'), dataIndex: 'displayName', width: 120 },
            {
              title: t('admin.users.roles'),
              key: 'roles',
              render: (_, u) => u.roles.map((r) => <Tag key={`${r.role}@${r.orgId}`}>{`${tx(`role.${r.role}`, r.role)} · ${r.orgName}`}</Tag>),
            },
            {
              title: t('common.status'),
              key: 'st',
              width: 120,
              render: (_, u) => (
                <>
                  {u.active ? <Tag color="green">{t('common.active')}</Tag> : <Tag>{t('common.inactive')}</Tag>}
                  {u.throttled && (
                    <Tooltip title={t('admin.users.throttledHint')}>
                      <Tag color="orange">{t('admin.users.throttled')}</Tag>
                    </Tooltip>
                  )}
                </>
              ),
            },
            {
              title: t('common.actions'),
              key: 'a',
              width: 220,
              render: (_, u) => !u.manageable ? (
                <Typography.Text type="secondary">{u.id === user?.id ? t('admin.users.self') : t('admin.users.outOfReach')}</Typography.Text>
              ) : (
                <Space size={4}>
                  <Button size="small" onClick={() => { setError(null); setEditing(u); rolesForm.setFieldsValue({ roles: u.roles.map((r) => ({ role: r.role, orgId: r.orgId })) }); }}>
                    {t('admin.users.editRoles')}
                  </Button>
                  <Button size="small" danger={u.active} onClick={() => void toggle(u)}>
                    {u.active ? t('admin.users.disable') : t('admin.users.enable')}
                  </Button>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <Modal open={creating} title={t('admin.users.new')} onCancel={() => setCreating(false)} onOk={() => createForm.submit()} okText={t('common.save')} cancelText={t('common.cancel')} width={640} destroyOnHidden>
        <ErrorAlert error={error} style={{ marginBottom: 12 }} />
        <Form form={createForm} layout="vertical" onFinish={create} name="user-new" preserve={false}>
          <Form.Item name="username" label={t('admin.users.username')} rules={[{ required: true, message: t('admin.users.username') }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="displayName" label={t('admin.users.displayName')} rules={[{ required: true, message: t('admin.users.displayName') }]}>
            <Input />
          </Form.Item>
          <Form.Item name="phone" label={t('admin.users.phone')}>
            <Input />
          </Form.Item>
          <Form.Item name="password" label={t('admin.users.password')} rules={[{ required: true, message: t('admin.users.password') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <RolesFields />
        </Form>
      </Modal>
      <Modal open={Boolean(editing)} title={`${t('admin.users.editRoles')} · ${editing?.displayName ?? ''}`} onCancel={() => setEditing(null)} onOk={() => rolesForm.submit()} okText={t('common.save')} cancelText={t('common.cancel')} width={640} forceRender>
        <ErrorAlert error={error} style={{ marginBottom: 12 }} />
        <Form form={rolesForm} layout="vertical" onFinish={saveRoles} name="user-roles">
          <RolesFields />
        </Form>
      </Modal>
    </div>
  );
}
