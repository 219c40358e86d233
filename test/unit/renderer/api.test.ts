// The renderer's API module over the web host's WebSocket framing, against a fake socket.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AppState, Call } from '../../../preload/contract.ts';
import { WEB_API_PATH } from '../../../preload/web-wire.ts';
import { WebApi, takeWebToken, webApiUrl, type SocketLike } from '../../../renderer/src/lib/api.ts';
import { TEST_ACCOUNT_ID } from '../core/support/fakes.ts';
import { makeAccountStatus, makeSettingsView, makeCall } from '../../support/contract-values.ts';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }
  close(): void {
    this.drop();
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  drop(): void {
    this.readyState = 3;
    this.onclose?.({} as CloseEvent);
  }
  receive(frame: unknown): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) } as MessageEvent);
  }
}

const call: Call = makeCall({ remote: { uri: 'sip:1002@pbx', number: '1002', displayName: '<b>Alice</b>', numberDisplay: '1002' }, startedAt: 1 });

const appState: AppState = {
  host: 'web',
  version: '0.1.0',
  systemLocale: 'en-US',
  settings: makeSettingsView(),
  accounts: [makeAccountStatus({ state: 'unregistered' })],
  calls: [],
  headsets: [],
  history: { unseenMissed: 0, revision: 0 },
  screenPops: [],
  historyMovedAside: null,
  dialRequests: [],
  api: { state: 'off', port: null, error: null },
};

describe('WebApi', () => {
  let sockets: FakeSocket[];
  let api: WebApi;
  const last = (): FakeSocket => {
    const s = sockets[sockets.length - 1];
    if (!s) throw new Error('no socket');
    return s;
  };

  beforeEach(() => {
    vi.useFakeTimers();
    sockets = [];
    api = new WebApi({
      url: 'ws://127.0.0.1:1234/api?token=t',
      createSocket: (url) => {
        const s = new FakeSocket(url);
        sockets.push(s);
        return s;
      },
      initialBackoffMs: 100,
      maxBackoffMs: 400,
      queueTimeoutMs: 1000,
    });
  });

  afterEach(() => {
    api.close();
    vi.useRealTimers();
  });

  it('sends invoke frames with increasing ids and resolves them by id', async () => {
    last().open();
    const a = api.invoke('app:getState', undefined);
    const b = api.invoke('calls:answer', { callId: 'c1' });
    expect(last().sent).toEqual([
      { type: 'invoke', id: 1, command: 'app:getState', args: undefined },
      { type: 'invoke', id: 2, command: 'calls:answer', args: { callId: 'c1' } },
    ]);
    last().receive({ type: 'result', id: 2, result: { ok: true, value: { ...call, state: 'answering' } } });
    last().receive({ type: 'result', id: 1, result: { ok: true, value: appState } });
    await expect(b).resolves.toEqual({ ok: true, value: { ...call, state: 'answering' } });
    await expect(a).resolves.toEqual({ ok: true, value: appState });
  });

  it('returns an error result as is, with its code and fields', async () => {
    last().open();
    const p = api.invoke('settings:save', { settings: appState.settings });
    const error = { code: 'invalid-settings', message: 'bad', fields: { 'account.wsUrl': 'invalid-ws-url' } };
    last().receive({ type: 'result', id: 1, result: { ok: false, error } });
    await expect(p).resolves.toEqual({ ok: false, error });
  });

  it('turns a result that breaks the contract into an internal error', async () => {
    last().open();
    const p = api.invoke('calls:dial', { target: '1002' });
    last().receive({ type: 'result', id: 1, result: { ok: true, value: { id: 5 } } });
    const r = await p;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('internal');
  });

  it('delivers valid events to their listeners and drops invalid ones', () => {
    last().open();
    const got: Call[][] = [];
    const off = api.on('calls:changed', (calls) => got.push(calls));
    last().receive({ type: 'event', event: 'calls:changed', payload: [call] });
    last().receive({ type: 'event', event: 'calls:changed', payload: [{ id: 1 }] });
    last().receive({ type: 'event', event: 'no:such', payload: null });
    last().receive('not json');
    off();
    last().receive({ type: 'event', event: 'calls:changed', payload: [] });
    expect(got).toEqual([[call]]);
    // The display name stays the string it was: nothing here interprets it.
    expect(got[0]?.[0]?.remote.displayName).toBe('<b>Alice</b>');
  });

  it('queues commands until the socket opens', async () => {
    const p = api.invoke('accounts:register', { accountId: TEST_ACCOUNT_ID });
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toHaveLength(1);
    last().receive({ type: 'result', id: 1, result: { ok: true, value: appState.accounts[0] } });
    await expect(p).resolves.toEqual({ ok: true, value: appState.accounts[0] });
  });

  it('fails a queued command that waited too long', async () => {
    const p = api.invoke('accounts:register', { accountId: TEST_ACCOUNT_ID });
    vi.advanceTimersByTime(1001);
    const r = await p;
    expect(r.ok).toBe(false);
    last().open();
    expect(last().sent).toEqual([]);
  });

  it('fails commands in flight when the socket drops, reconnects with backoff and says so', async () => {
    const states: string[] = [];
    api.onConnectionChange((s) => states.push(s));
    let reconnected = 0;
    api.onReconnected(() => reconnected++);
    last().open();
    expect(reconnected).toBe(0);
    const p = api.invoke('app:getState', undefined);
    last().drop();
    const r = await p;
    expect(r.ok).toBe(false);
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(130); // first retry after ~100 ms (±20 %)
    expect(sockets).toHaveLength(2);
    last().drop(); // the retry failed too: the next waits about twice as long
    vi.advanceTimersByTime(130);
    expect(sockets).toHaveLength(2);
    vi.advanceTimersByTime(150);
    expect(sockets).toHaveLength(3);
    last().open();
    expect(reconnected).toBe(1);
    expect(states).toEqual(['open', 'reconnecting', 'open']);
    expect(last().url).toBe('ws://127.0.0.1:1234/api?token=t');
  });

  it('never waits longer than the longest backoff', () => {
    last().open();
    for (let i = 0; i < 6; i++) {
      last().drop();
      vi.advanceTimersByTime(481);
    }
    expect(sockets).toHaveLength(7);
  });
});

describe('the web token', () => {
  it('moves from the URL fragment into session storage and out of the visible URL', () => {
    const store = new Map<string, string>();
    const replaced: string[] = [];
    const token = takeWebToken({
      location: { hash: '#token=abc%20def', pathname: '/', search: '?x=1' },
      history: { state: null, replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) },
      storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
    });
    expect(token).toBe('abc def');
    expect(replaced).toEqual(['/?x=1']);
    expect([...store.values()]).toEqual(['abc def']);
    // A reload has no fragment any more; the stored token is used.
    const again = takeWebToken({
      location: { hash: '', pathname: '/', search: '' },
      history: { state: null, replaceState: () => replaced.push('again') },
      storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v) },
    });
    expect(again).toBe('abc def');
    expect(replaced).toEqual(['/?x=1']);
  });

  it('builds the socket URL from the page origin', () => {
    expect(webApiUrl({ protocol: 'http:', host: '127.0.0.1:5000' }, 'a b')).toBe(`ws://127.0.0.1:5000${WEB_API_PATH}?token=a%20b`);
    expect(webApiUrl({ protocol: 'https:', host: 'h' }, null)).toBe(`wss://h${WEB_API_PATH}`);
  });
});
