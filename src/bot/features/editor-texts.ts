// What the bot says to editors. Arabic by default, English for Telegram clients set to English.
// Every message is plain text (no parse_mode), so names and titles from outside need no escaping.

import type { Lang } from '../../editorial/types.ts';

export type { Lang };

export function langOf(languageCode: string | undefined): Lang {
  return typeof languageCode === 'string' && languageCode.toLowerCase().startsWith('en')
    ? 'en'
    : 'ar';
}

const ar = {
  // /publish
  askInput: 'أرسل رابط الخبر أو نصه (أو أعد توجيه رسالة إليّ). للإلغاء: /cancel',
  needInput: 'أرسل رابطاً أو نص الخبر، أو /cancel.',
  tryAgain: 'أرسل رابطاً آخر أو نص الخبر، أو /cancel.',
  useButtons: 'اختر من الأزرار تحت المعاينة، أو أرسل /cancel.',
  stale: 'هذه المعاينة لم تعد صالحة.',
  askTitle: 'أرسل العنوان الجديد.',
  askSummary: 'أرسل الملخص الجديد: جملة أو أكثر، كل جملة في سطر.',
  badTitle: (max: number) => `العنوان يجب أن يكون نصاً من سطر واحد، حتى ${max} حرفاً. أرسله مجدداً.`,
  badSummary: (max: number) => `الملخص يجب أن يكون نصاً حتى ${max} حرفاً. أرسله مجدداً.`,
  askTime: (tz: string) =>
    `متى يُنشر؟ أرسل وقتاً مثل 14:30 أو «غدا 9:00» أو 2025-06-01 14:30 (بتوقيت ${tz}).`,
  timeFormat: 'لم أفهم هذا الوقت. أمثلة: 14:30، غدا 9:00، 9:30 م، 2025-06-01 14:30.',
  timeInvalid: 'هذا الوقت غير صحيح (تحقق من الساعة والتاريخ).',
  timePast: (now: string) => `هذا الوقت مضى (الآن ${now}). أرسل وقتاً لاحقاً، مثل «غدا 9:00».`,
  timeTooFar: 'لا يمكن الجدولة لأكثر من سنة. أرسل وقتاً أقرب.',
  queuedNow: 'أُضيف الخبر إلى رأس الطابور. سأرسل لك الرابط حين يُنشر.',
  scheduled: (at: string) => `جُدول النشر في ${at}. سأرسل لك الرابط حين يُنشر.`,
  approvedNow: 'اعتُمد الخبر وأُضيف إلى رأس الطابور. سأرسل لك الرابط حين يُنشر.',
  alreadyPosted: (link: string) => `هذا الخبر منشور من قبل: ${link}`,
  cancelled: 'أُلغيت المسودة.',
  expired: 'انتهت مهلة المسودة. أرسل /publish للبدء من جديد.',
  draftGone: 'لم تعد المسودة موجودة. أرسل /publish للبدء من جديد.',
  posted: (link: string) => `نُشر الخبر: ${link}`,
  postedIn: (chat: string) => `نُشر الخبر في ${chat}.`,
  busy: 'لديك مسودة مفتوحة. أكملها أو أرسل /cancel أولاً.',
  privateOnly: 'أرسل هذا الأمر في محادثة خاصة معي.',
  nothingToCancel: 'لا توجد مسودة مفتوحة.',
  dmFirst: 'افتح محادثة خاصة معي واضغط «ابدأ»، ثم اضغط «تعديل» مجدداً.',
  sentToPrivate: 'أرسلت لك المسودة في المحادثة الخاصة.',
  notEditor: 'عذراً، هذا الأمر للمحررين فقط.',
  internal: 'حدث خطأ داخلي، حاول بعد قليل.',

  // Why a link or text could not become a draft.
  fetchError: {
    'blocked-address': 'لا يُسمح بجلب هذا العنوان (شبكة خاصة أو محلية).',
    'bad-url': 'هذا الرابط غير صالح.',
    'too-large': 'الصفحة أكبر من الحد المسموح.',
    timeout: 'انتهت مهلة جلب الصفحة.',
    'too-many-redirects': 'الرابط يعيد التوجيه مرات كثيرة.',
    'http-status': 'ردّ الموقع بخطأ',
    network: 'تعذر الاتصال بالموقع.',
  },
  notArticle: 'لم أجد خبراً في هذا المحتوى',

  // Buttons
  btnPublish: '🚀 انشر الآن',
  btnApprovePublish: '✅ اعتمد وانشر الآن',
  btnSchedule: '🕒 جدولة',
  btnTitle: '✏️ تعديل العنوان',
  btnSummary: '📝 تعديل الملخص',
  btnCancel: '✖️ إلغاء',
  btnSave: '💾 حفظ التعديل في القناة',

  // /edit and /unpublish
  refUsage: (cmd: string) => `الاستعمال: /${cmd} <رابط المنشور أو معرّف الخبر>`,
  refNotFound: 'لم أجد منشوراً بهذا الرابط أو المعرّف.',
  notPublished: 'هذا الخبر لم يُنشر بعد.',
  unpublished: (n: number) => `حُذف المنشور من القناة (${n}) ومن البحث.`,
  unpublishFailed: (reason: string) => `تعذر حذف المنشور: ${reason}`,
  scheduleCancelled: (n: number) => `أُلغي النشر المجدول (${n}).`,
  editSaved: (links: string) => `عُدّل المنشور في القناة: ${links}`,
  editMissing: (chat: string) => `لم أجد المنشور في ${chat} (ربما حُذف يدوياً).`,
  editFailed: (reason: string) => `تعذر تعديل المنشور: ${reason}`,

  // /queue
  queueCounts: (waiting: number, scheduled: number, failed: number) =>
    `الطابور: ${waiting} بانتظار النشر · ${scheduled} مجدول · ${failed} فشل`,
  nextScheduled: 'المجدول القادم:',
  failedHeader: 'الفاشل:',
  btnRetry: (n: number) => `🔁 إعادة المحاولة ${n}`,
  retrying: 'أُعيدت المحاولة.',
  retryGone: 'لم تعد هذه المهمة في قائمة الفشل.',
  untitled: '(بلا عنوان)',

  // /audit
  auditHeader: 'آخر أعمال المحررين:',
  auditEmpty: 'سجل التدقيق فارغ.',
  actions: {
    publish: 'نشر',
    schedule: 'جدول',
    approve: 'اعتمد',
    reject: 'رفض',
    edit: 'عدّل',
    unpublish: 'حذف',
    'cancel-schedule': 'ألغى جدولة',
    retry: 'أعاد محاولة',
  },

  // Review
  btnApprove: '✅ اعتماد',
  btnEdit: '✏️ تعديل',
  btnReject: '🗑 رفض',
  approvedBy: (name: string, at: string) => `✅ اعتمده ${name} · ${at}`,
  rejectedBy: (name: string, at: string) => `🗑 رفضه ${name} · ${at}`,
  approved: 'اعتُمد، يُنشر الآن.',
  rejected: 'رُفض الخبر.',
  alreadyApproved: (name: string, at: string) => `سبق أن اعتمده ${name} (${at}).`,
  alreadyRejected: (name: string, at: string) => `سبق أن رفضه ${name} (${at}).`,
  reviewGone: 'لم يعد هذا الخبر في المراجعة.',
};

export type EditorTexts = typeof ar;

const en: EditorTexts = {
  askInput: "Send the article's link or its text (or forward me a message). /cancel to stop.",
  needInput: 'Send a link or the article text, or /cancel.',
  tryAgain: 'Send another link or the article text, or /cancel.',
  useButtons: 'Choose with the buttons under the preview, or send /cancel.',
  stale: 'This preview is out of date.',
  askTitle: 'Send the new headline.',
  askSummary: 'Send the new summary: one or more sentences, one per line.',
  badTitle: (max) =>
    `The headline must be one line of text, up to ${max} characters. Send it again.`,
  badSummary: (max) => `The summary must be text of up to ${max} characters. Send it again.`,
  askTime: (tz) =>
    `When should it go out? Send a time like 14:30, "tomorrow 9:00" or 2025-06-01 14:30 (${tz} time).`,
  timeFormat:
    "I didn't understand that time. Examples: 14:30, tomorrow 9:00, 9:30 pm, 2025-06-01 14:30.",
  timeInvalid: 'That time does not exist (check the hour and the date).',
  timePast: (now) => `That time has passed (it is ${now}). Send a later one, like "tomorrow 9:00".`,
  timeTooFar: 'Posts can be scheduled at most a year ahead. Send an earlier time.',
  queuedNow: "Queued ahead of the backlog. I'll send you the link once it is posted.",
  scheduled: (at) => `Scheduled for ${at}. I'll send you the link once it is posted.`,
  approvedNow:
    "Approved and queued ahead of the backlog. I'll send you the link once it is posted.",
  alreadyPosted: (link) => `This article is already published: ${link}`,
  cancelled: 'Draft cancelled.',
  expired: 'This draft has expired. Send /publish to start again.',
  draftGone: 'The draft is gone. Send /publish to start again.',
  posted: (link) => `Posted: ${link}`,
  postedIn: (chat) => `Posted in ${chat}.`,
  busy: 'You have a draft open. Finish it or send /cancel first.',
  privateOnly: 'Send this command in a private chat with me.',
  nothingToCancel: 'There is no open draft.',
  dmFirst: 'Open a private chat with me and press Start, then press Edit again.',
  sentToPrivate: 'I sent you the draft in our private chat.',
  notEditor: 'Sorry, this command is for editors only.',
  internal: 'Something went wrong on our side; try again in a moment.',
  fetchError: {
    'blocked-address': 'That address may not be fetched (private or local network).',
    'bad-url': 'That link is not valid.',
    'too-large': 'The page is larger than allowed.',
    timeout: 'Fetching the page timed out.',
    'too-many-redirects': 'The link redirects too many times.',
    'http-status': 'The site answered with an error',
    network: 'Could not reach the site.',
  },
  notArticle: 'I found no article in it',
  btnPublish: '🚀 Publish now',
  btnApprovePublish: '✅ Approve and publish now',
  btnSchedule: '🕒 Schedule',
  btnTitle: '✏️ Edit headline',
  btnSummary: '📝 Edit summary',
  btnCancel: '✖️ Cancel',
  btnSave: '💾 Save to the channel',
  refUsage: (cmd) => `Usage: /${cmd} <post link or article id>`,
  refNotFound: 'No post found for that link or id.',
  notPublished: 'This article has not been published yet.',
  unpublished: (n) => `Deleted from the channel (${n}) and from search.`,
  unpublishFailed: (reason) => `Could not delete the post: ${reason}`,
  scheduleCancelled: (n) => `Scheduled post cancelled (${n}).`,
  editSaved: (links) => `The channel post is updated: ${links}`,
  editMissing: (chat) => `The post in ${chat} is gone (deleted by hand?).`,
  editFailed: (reason) => `Could not edit the post: ${reason}`,
  queueCounts: (waiting, scheduled, failed) =>
    `Queue: ${waiting} waiting · ${scheduled} scheduled · ${failed} failed`,
  nextScheduled: 'Next scheduled:',
  failedHeader: 'Failed:',
  btnRetry: (n) => `🔁 Retry ${n}`,
  retrying: 'Retrying.',
  retryGone: 'That job is no longer in the failed list.',
  untitled: '(untitled)',
  auditHeader: 'Latest editor actions:',
  auditEmpty: 'The audit log is empty.',
  actions: {
    publish: 'published',
    schedule: 'scheduled',
    approve: 'approved',
    reject: 'rejected',
    edit: 'edited',
    unpublish: 'deleted',
    'cancel-schedule': 'cancelled the schedule of',
    retry: 'retried',
  },
  btnApprove: '✅ Approve',
  btnEdit: '✏️ Edit',
  btnReject: '🗑 Reject',
  approvedBy: (name, at) => `✅ Approved by ${name} · ${at}`,
  rejectedBy: (name, at) => `🗑 Rejected by ${name} · ${at}`,
  approved: 'Approved; posting now.',
  rejected: 'Rejected.',
  alreadyApproved: (name, at) => `Already approved by ${name} (${at}).`,
  alreadyRejected: (name, at) => `Already rejected by ${name} (${at}).`,
  reviewGone: 'This article is no longer in review.',
};

export const editorTexts: Record<Lang, EditorTexts> = { ar, en };

export function textsFor(lang: Lang): EditorTexts {
  return editorTexts[lang];
}
