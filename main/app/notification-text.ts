// System notifications are drawn by the OS, not by the renderer, so their few words live here,
// beside the tray's. Keep these in step with the renderer's catalog.
export interface NotificationText {
  incoming: (who: string) => string;
  /** The body's second line: which account the call came to. */
  toAccount: (account: string) => string;
  answer: string;
  decline: string;
  missed: (who: string) => string;
  missedCount: (count: number) => string;
}

const en: NotificationText = {
  incoming: (who) => `Call from ${who}`,
  toAccount: (account) => `To ${account}`,
  answer: 'Answer',
  decline: 'Decline',
  missed: (who) => `Missed call from ${who}`,
  missedCount: (count) => (count === 1 ? '1 missed call' : `${String(count)} missed calls`),
};

const zhCN: NotificationText = {
  incoming: (who) => `${who} 来电`,
  toAccount: (account) => `呼入 ${account}`,
  answer: '接听',
  decline: '拒接',
  missed: (who) => `${who} 的未接来电`,
  missedCount: (count) => `${String(count)} 个未接来电`,
};

/** The text for a BCP 47 tag: Chinese for any zh tag, English otherwise (the contract's two locales). */
export function notificationText(locale: string): NotificationText {
  return locale.toLowerCase().startsWith('zh') ? zhCN : en;
}
