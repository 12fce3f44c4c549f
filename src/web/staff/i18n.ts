import { createI18n } from '../shared/i18n.js';
import { messages, type MessageKey } from './messages.js';

export const { I18nProvider, useI18n } = createI18n<MessageKey>(messages);
export type { MessageKey };
