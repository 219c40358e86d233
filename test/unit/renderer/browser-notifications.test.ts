// The web host's notifications in the page: shown only when the page is not in front and the user
// allowed them, taken away when main says the call stopped ringing, a click brings the page.
import { describe, expect, it } from 'vitest';
import { BrowserNotifications, type NotificationPage } from '../../../renderer/src/lib/browser-notifications.ts';

function page(init: { focused?: boolean; permission?: NotificationPermission } = {}) {
  const shown: { title: string; body: string; tag: string; requireInteraction: boolean; closed: boolean; click: () => void }[] = [];
  const state = { focused: init.focused ?? false, permission: init.permission ?? ('granted'), focusCalls: 0, gesture: null as (() => void) | null, asked: 0 };
  const fake: NotificationPage = {
    hasFocus: () => state.focused,
    focus: () => {
      state.focusCalls++;
    },
    permission: () => state.permission,
    requestPermission: () => {
      state.asked++;
      return Promise.resolve('granted');
    },
    show: (title, options, onClick) => {
      const entry = { title, ...options, closed: false, click: onClick };
      shown.push(entry);
      return {
        close: () => {
          entry.closed = true;
        },
      };
    },
    onFirstGesture: (run) => {
      state.gesture = run;
    },
  };
  return { fake, shown, state };
}

const words = () => ({ incoming: (who: string) => `Call from ${who}`, missed: (who: string) => `Missed call from ${who}`, toAccount: (a: string) => `To ${a}` });

describe('BrowserNotifications', () => {
  it('shows a ringing call while the page is in the background, closes it when told, and a click focuses the page', () => {
    const { fake, shown, state } = page();
    const n = new BrowserNotifications(fake, words);
    n.handle({ kind: 'incoming-call', callId: 'c1', name: '<b>Ann</b>', number: '1002', account: 'Sales' });
    expect(shown[0]).toMatchObject({ title: 'Call from <b>Ann</b>', body: '1002\nTo Sales', tag: 'call-c1', requireInteraction: true });
    n.handle({ kind: 'close', callId: 'c1' });
    expect(shown[0]!.closed).toBe(true);
    n.handle({ kind: 'missed-call', callId: 'c2', name: '', number: '1003', account: '', at: 1 });
    expect(shown[1]).toMatchObject({ title: 'Missed call from 1003', body: '', requireInteraction: false });
    shown[1]!.click();
    expect(state.focusCalls).toBe(1);
    expect(shown[1]!.closed).toBe(true);
  });

  it('shows nothing while the page has the focus, or without permission; asks for it at the first gesture', () => {
    const focused = page({ focused: true });
    new BrowserNotifications(focused.fake, words).handle({ kind: 'incoming-call', callId: 'c1', name: 'A', number: '1', account: '' });
    expect(focused.shown).toHaveLength(0);
    const undecided = page({ permission: 'default' });
    new BrowserNotifications(undecided.fake, words).handle({ kind: 'incoming-call', callId: 'c1', name: 'A', number: '1', account: '' });
    expect(undecided.shown).toHaveLength(0);
    expect(undecided.state.asked).toBe(0);
    undecided.state.gesture?.();
    expect(undecided.state.asked).toBe(1);
  });
});
