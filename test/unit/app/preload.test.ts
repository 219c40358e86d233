// The preload bridge: only contract names pass, the page never sees ipcRenderer or an event object.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { BRIDGE_KEY, commandNames } from '../../../preload/contract.ts';
import type { AccountStatus, CommandName, EventName, HookswitchApi } from '../../../preload/contract.ts';
import { fake } from '../../support/fake-electron.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).electronModule);

// The preload runs once, as in a page; each test starts with a clean ipcRenderer.
fake.reset();
await import('../../../preload/index.ts');
const api = fake.contextBridge.exposed.get(BRIDGE_KEY) as HookswitchApi;
beforeEach(() => {
  fake.ipcRenderer.reset();
});

const status: AccountStatus[] = [{ accountId: 'main', label: 'Desk', state: 'registered', aor: 'sip:1001@pbx', error: null, retryAt: null, attempts: 0, voicemail: null }];

describe('preload bridge', () => {
  it('exposes exactly invoke and on under the bridge key', () => {
    expect([...fake.contextBridge.exposed.keys()]).toEqual([BRIDGE_KEY]);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
  });

  it('invokes every contract command through ipcRenderer.invoke and returns its answer', async () => {
    fake.ipcRenderer.reply = (channel) => ({ ok: true, value: channel });
    for (const name of commandNames) {
      await expect(api.invoke(name, undefined as never)).resolves.toEqual({ ok: true, value: name });
    }
    expect(fake.ipcRenderer.invocations.map((i) => i.channel)).toEqual(commandNames);
    await api.invoke('calls:dial', { target: '1002' });
    expect(fake.ipcRenderer.invocations.at(-1)).toEqual({ channel: 'calls:dial', args: [{ target: '1002' }] });
  });

  it('rejects names outside the contract without touching IPC', async () => {
    for (const name of ['calls:explode', 'constructor', 'ELECTRON_BROWSER_REQUIRE']) {
      await expect(api.invoke(name as CommandName, undefined as never)).rejects.toThrow(/Unknown command/);
    }
    expect(fake.ipcRenderer.invocations).toEqual([]);
  });

  it('delivers only the payload to listeners, and unsubscribes', () => {
    const received: unknown[][] = [];
    const off = api.on('accounts:changed', (...args: unknown[]) => received.push(args));
    fake.ipcRenderer.deliver('accounts:changed', status);
    expect(received).toEqual([[status]]);
    off();
    fake.ipcRenderer.deliver('accounts:changed', status);
    expect(received).toHaveLength(1);
    expect(fake.ipcRenderer.listenerCount('account:changed')).toBe(0);
  });

  it('refuses to subscribe to names outside the contract', () => {
    expect(() => api.on('ipc:anything' as EventName, () => undefined)).toThrow(/Unknown event/);
    expect(fake.ipcRenderer.eventNames()).toEqual([]);
  });
});
