/**
 * The attachments module's doorway: upload routes, and the clean-up of uploads never put on a
 * case (its sweeper and its file-removal topic, run by the app's registry).
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { attachmentsModule as routes } from './attachments.routes.js';
import { attachmentTopics, orphanUploadSweeper } from './attachments.cleanup.js';

export const attachmentsModule: ModuleDefinition = { name: 'attachments', routes, topics: attachmentTopics, sweepers: [orphanUploadSweeper] };
