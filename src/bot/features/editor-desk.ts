import { createHash } from 'node:crypto';
import type { Editorial } from '../../editorial/service.ts';
import type { Services } from '../../services.ts';
import { createEditorViews, type EditorViews } from './editor-views.ts';

// What the bot's editor features hold: the process's one editorial service (services.ts) and
// the views that render its outcomes.

export { editorFrom } from '../editors.ts';

export type EditorDesk = Editorial & EditorViews;

export function createEditorDesk(s: Pick<Services, 'editorial' | 'config'>): EditorDesk {
  return { ...s.editorial, ...createEditorViews(s.config.TIME_ZONE) };
}

/** The short, stable reference of a BullMQ job id for a button (ids may be too long for one). */
export function jobRef(jobId: string): string {
  return createHash('sha1').update(jobId).digest('hex').slice(0, 16);
}
