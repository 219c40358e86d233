// What the ringer plays: nothing without an incoming call, the ringtone of the ringing account on
// every chosen output, and the call-waiting tone on the call's output while another call is on.
import { describe, expect, it } from 'vitest';
import { ringRoute } from '../../../renderer/src/media/ring-route.ts';
import { makeAccount, makeCall, makeSettingsView } from '../../support/contract-values.ts';

const settings = makeSettingsView({
  accounts: [makeAccount({ id: 'desk', ringtone: 'classic' }), makeAccount({ id: 'sales', ringtone: 'chime' })],
  audio: { inputDeviceId: '', outputDeviceId: 'headset', ringDeviceIds: ['', 'speakers'] },
});

describe('ringRoute', () => {
  it('is off without an incoming call', () => {
    expect(ringRoute({ calls: [makeCall({ state: 'established' })], settings }).mode).toBe('off');
    expect(ringRoute({ calls: [], settings: null })).toEqual({ mode: 'off', ringDeviceIds: [''], tone: 'classic', callDeviceId: '' });
  });

  it('rings every chosen output with the tone of the newest incoming call’s account', () => {
    const calls = [makeCall({ id: 'a', accountId: 'desk', startedAt: 1 }), makeCall({ id: 'b', accountId: 'sales', startedAt: 2 })];
    expect(ringRoute({ calls, settings })).toEqual({ mode: 'ring', ringDeviceIds: ['', 'speakers'], tone: 'chime', callDeviceId: 'headset' });
  });

  it('plays the call-waiting tone while another call is connected, unless switched off', () => {
    const calls = [makeCall({ id: 'a', state: 'established' }), makeCall({ id: 'b', accountId: 'sales' })];
    expect(ringRoute({ calls, settings }).mode).toBe('waiting');
    expect(ringRoute({ calls, settings: { ...settings, calls: { maxLines: 4, callWaitingTone: false, incomingTransfer: 'accept', dnd: false, dndStatus: 486 } } }).mode).toBe('ring');
    // A call on hold or still dialling is not a conversation to protect.
    expect(ringRoute({ calls: [makeCall({ id: 'a', state: 'dialing', direction: 'outgoing' }), makeCall({ id: 'b' })], settings }).mode).toBe('ring');
    expect(ringRoute({ calls: [makeCall({ id: 'a', state: 'established', held: true }), makeCall({ id: 'b' })], settings }).mode).toBe('ring');
  });

  it('an account that is gone rings with the classic tone', () => {
    expect(ringRoute({ calls: [makeCall({ accountId: 'removed' })], settings }).tone).toBe('classic');
  });
});
