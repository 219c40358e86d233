// System notifications decided by the core, through createCore's handlers with a scripted SIP
// server and a real SQLite history: a toast when a call rings, taken away however it stops
// ringing (the window, the toast's own Answer, which is calls:answer, the caller giving up), a
// missed-call toast, the unseen count, and silence for calls do not disturb refused.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Settings } from '../../preload/contract.ts';
import type { CallNotice, Notifier } from '../../main/core/ports.ts';
import { silentLogger } from '../../main/core/ports.ts';
import { defaultSettings } from '../../main/core/settings/settings-defaults.ts';
import { createHistoryStore } from '../../main/host/history/create-history-store.ts';
import { FIXED_SDP, settingsWith } from '../unit/core/support/fakes.ts';
import { FakeSipServer, cseqOf, header } from '../unit/core/support/fake-sip-server.ts';
import type { SipMessage } from '../unit/core/support/fake-sip-server.ts';
import { makeCore, type Harness } from '../unit/core/support/core-harness.ts';

type Shown = { kind: 'incoming'; notice: CallNotice } | { kind: 'close'; callId: string } | { kind: 'missed'; notice: CallNotice } | { kind: 'count'; count: number };

class RecordingNotifier implements Notifier {
  readonly shown: Shown[] = [];
  incomingCall(notice: CallNotice): void {
    this.shown.push({ kind: 'incoming', notice });
  }
  closeIncomingCall(callId: string): void {
    this.shown.push({ kind: 'close', callId });
  }
  missedCall(notice: CallNotice): void {
    this.shown.push({ kind: 'missed', notice });
  }
  missedCount(count: number): void {
    this.shown.push({ kind: 'count', count });
  }
  kinds(): string[] {
    return this.shown.filter((s) => s.kind !== 'count').map((s) => s.kind);
  }
  lastCount(): number | undefined {
    return this.shown.filter((s): s is { kind: 'count'; count: number } => s.kind === 'count').at(-1)?.count;
  }
}

const sender = { id: 'renderer-1' };
let dir: string;
let server: FakeSipServer;
let h: Harness;
let notifier: RecordingNotifier;
let responses: SipMessage[];

async function ready(calls: Partial<Settings['calls']> = {}): Promise<void> {
  const settings = { ...settingsWith({ wsUrl: server.url, sipUri: 'sip:1001@127.0.0.1' }), calls: { ...defaultSettings().calls, ...calls } };
  const history = createHistoryStore({ file: path.join(dir, 'history.sqlite'), logger: silentLogger, mode: 'in-thread' });
  h = makeCore({ settings, history, notifier });
  await h.core.start();
  await h.events.untilAccount('registered');
  await h.media.ready();
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookswitch-notify-'));
  server = await FakeSipServer.start();
  notifier = new RecordingNotifier();
  responses = [];
  server.onResponse = (res) => responses.push(res);
});

afterEach(async () => {
  await h.core.stop();
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('call notifications', () => {
  it("a ringing call: one toast; answered (as the toast's Answer does, through calls:answer) it goes at once", async () => {
    await ready();
    const dialog = server.invite({ from: '"Grace Hopper" <sip:1002@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    expect(notifier.shown.filter((s) => s.kind === 'incoming')).toEqual([
      { kind: 'incoming', notice: { callId: h.core.getState().calls[0]!.id, name: 'Grace Hopper', number: '1002', account: '' } },
    ]);
    const callId = h.core.getState().calls[0]!.id;
    await h.core.handlers['calls:answer']({ callId }, { id: 'notification' });
    expect(notifier.kinds()).toEqual(['incoming', 'close']);
    await h.events.until('200 OK', () => responses.some((r) => r.status === 200 && cseqOf(r).method === 'INVITE' && header(r, 'call-id') === dialog.callId));
  });

  it('the caller gives up: the toast goes, a missed-call toast comes, and the unseen count moves', async () => {
    await ready();
    expect(notifier.lastCount()).toBe(0);
    const dialog = server.invite({ from: '<sip:1003@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    server.cancel(dialog);
    await h.events.untilCall('ended');
    await h.events.until('count', () => notifier.lastCount() === 1);
    expect(notifier.kinds()).toEqual(['incoming', 'close', 'missed']);
    await h.core.handlers['history:markSeen'](undefined, sender);
    await h.events.until('count cleared', () => notifier.lastCount() === 0);
  });

  it('declined by the user: the toast goes and no missed-call toast', async () => {
    await ready();
    server.invite({ from: '<sip:1004@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.untilCall('incoming');
    await h.core.handlers['calls:reject']({ callId: h.core.getState().calls[0]!.id }, { id: 'notification' });
    await h.events.untilCall('ended');
    expect(notifier.kinds()).toEqual(['incoming', 'close']);
  });

  it('do not disturb: no toast at all, though the missed call is counted', async () => {
    await ready({ dnd: true });
    server.invite({ from: '<sip:1005@127.0.0.1>', sdp: FIXED_SDP });
    await h.events.until('count', () => notifier.lastCount() === 1);
    expect(notifier.kinds()).toEqual([]);
  });
});
