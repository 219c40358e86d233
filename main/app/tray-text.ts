// The tray is drawn by the OS, not by the renderer, so its few words live here. Everything the
// window shows comes from the renderer's message catalog; keep these in step with it.
import type { TrayState } from './tray.ts';

export interface TrayText {
  states: Record<TrayState, string>;
  show: string;
  register: string;
  unregister: string;
  quit: string;
}

const en: TrayText = {
  states: { registered: 'Registered', connecting: 'Connecting…', offline: 'Not registered' },
  show: 'Show Hookswitch',
  register: 'Register',
  unregister: 'Unregister',
  quit: 'Quit',
};

const zhCN: TrayText = {
  states: { registered: '已注册', connecting: '正在连接…', offline: '未注册' },
  show: '显示 Hookswitch',
  register: '注册',
  unregister: '注销',
  quit: '退出',
};

/** The text for a BCP 47 tag: Chinese for any zh tag, English otherwise (the contract's two locales). */
export function trayText(locale: string): TrayText {
  return locale.toLowerCase().startsWith('zh') ? zhCN : en;
}
