import { describe, expect, it } from 'vitest';
import { createEditorViews } from '../../src/editorial/views.ts';
import { callbackCodec } from '../../src/telegram/callback-data.ts';

// The views the editorial service uses from the workers: no bot code, the same button data and
// texts the bot's handlers read back (bot/callback-data.ts, locales/).

const ID = 'a-0123456789abcdef0123';
const views = createEditorViews('Asia/Baghdad');

describe('editorial views', () => {
  it('puts Approve, Edit and Reject under a review preview, in Arabic, as rv:<action>:<id>', () => {
    const [row] = views.reviewButtons(ID);
    expect(row?.map((b) => ('callback_data' in b ? b.callback_data : undefined))).toEqual([
      `rv:ok:${ID}`,
      `rv:ed:${ID}`,
      `rv:no:${ID}`,
    ]);
    expect(row?.map((b) => b.text)).toEqual(['✅ اعتماد', '✏️ تعديل', '🗑 رفض']);
    const data = row?.map((b) => ('callback_data' in b ? callbackCodec.parse(b.callback_data) : 0));
    expect(data?.map((d) => (d ? d.kind : d))).toEqual([
      'reviewApprove',
      'reviewEdit',
      'reviewReject',
    ]);
  });

  it('replaces them with who decided, and tells a late editor in their language', () => {
    const decision = {
      action: 'reject' as const,
      by: 1,
      name: 'Sara',
      at: '2025-06-01T11:30:00.000Z',
    };
    expect(views.decisionButtons(ID, decision)).toEqual([
      [{ text: `🗑 رفضه Sara · ${views.time(decision.at, 'ar')}`, callback_data: `rv:st:${ID}` }],
    ]);
    expect(views.decidedText(decision, 'en')).toBe(
      `Already rejected by Sara (${views.time(decision.at, 'en')}).`,
    );
    expect(views.time(decision.at, 'en')).toContain('14:30');
  });

  it('says where a post went: its link, or its chat when it has none', () => {
    const post = {
      articleId: ID,
      chat: '@news',
      chatId: -1001,
      messageId: 7,
      sentAt: '2025-06-01T11:30:00.000Z',
      kind: 'text' as const,
    };
    expect(views.postedNotice('en', post)).toBe('Posted: https://t.me/news/7');
    expect(views.postedNotice('ar', { ...post, chat: 'editors', chatId: 42 })).toBe(
      'نُشر الخبر في editors.',
    );
  });
});
