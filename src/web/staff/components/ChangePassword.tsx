/**
 * The signed-in user's own password change (POST /auth/password). The server checks the current password, the
 * policy and "not the same as now", and ends the user's other sessions; its field messages land on the fields.
 */
import { Alert, App, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { ApiError, api } from '../../shared/api.js';
import { useI18n } from '../i18n.js';
import { applyFieldErrors } from './ui.js';

interface Values {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

const FIELDS: Record<string, keyof Values> = { 'body.currentPassword': 'currentPassword', 'body.newPassword': 'newPassword' };

export function ChangePasswordDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  // A refusal that names no field here (too many attempts, network): shown above the form in the server's words.
  const [problem, setProblem] = useState<string | null>(null);

  const submit = async (v: Values) => {
    setBusy(true);
    setProblem(null);
    try {
      await api.post('/auth/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
      void message.success(t('account.changed'));
      form.resetFields();
      onClose();
    } catch (e) {
      const onFields = e instanceof ApiError && e.fields.some((f) => FIELDS[f.path]);
      if (onFields) applyFieldErrors(form, e, (path) => (FIELDS[path] ? [FIELDS[path]] : null));
      else setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('account.changePassword')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={() => form.submit()}
      onCancel={() => {
        form.resetFields();
        setProblem(null);
        onClose();
      }}
      destroyOnHidden
    >
      {problem && <Alert type="error" showIcon role="alert" title={problem} style={{ marginBottom: 16 }} />}
      <Form form={form} name="change-password" layout="vertical" requiredMark={false} onFinish={submit}>
        <Form.Item name="currentPassword" label={t('account.currentPassword')} rules={[{ required: true, message: t('account.required') }]}>
          <Input.Password autoComplete="current-password" autoFocus />
        </Form.Item>
        <Form.Item name="newPassword" label={t('account.newPassword')} extra={t('account.passwordRule')} rules={[{ required: true, message: t('account.required') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirmPassword"
          label={t('account.confirmPassword')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('account.required') },
            ({ getFieldValue }) => ({
              validator: (_rule, value: string) => (!value || value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error(t('account.mismatch')))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
