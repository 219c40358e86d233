// The small Electron pieces on their own: openExternal, the network watch, tray states, locales.
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountStatus } from '../../../preload/contract.ts';
import { RegistrationState } from '../../../preload/contract.ts';
import { fake } from '../../support/fake-electron.ts';

vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).electronModule);
const { isSafeExternalUrl, openExternal } = await import('../../../main/app/open-external.ts');
const { watchNetwork } = await import('../../../main/app/network-watch.ts');
const { trayStateOf } = await import('../../../main/app/tray.ts');
const { trayText } = await import('../../../main/app/tray-text.ts');
const { isAppUrl } = await import('../../../main/app/app-protocol.ts');
const { isReloadShortcut } = await import('../../../main/app/main-window.ts');

beforeEach(() => {
  fake.reset();
});

describe('openExternal', () => {
  it('opens http, https and mailto only', async () => {
    for (const url of ['https://example.com/a?b=c', 'http://example.com', 'mailto:help@example.com']) {
      expect(isSafeExternalUrl(url), url).toBe(true);
      await expect(openExternal(url)).resolves.toBe(true);
    }
    for (const url of [
      'file:///etc/passwd',
      'smb://server/share',
      'javascript:alert(1)',
      'app://hookswitch/index.html',
      'ms-msdt:/id',
      'https://user:pass@example.com/',
      'not a url',
      '',
    ]) {
      expect(isSafeExternalUrl(url), url).toBe(false);
      await expect(openExternal(url)).resolves.toBe(false);
    }
    expect(fake.openedExternally).toEqual(['https://example.com/a?b=c', 'http://example.com', 'mailto:help@example.com']);
  });
});

describe('watchNetwork', () => {
  it('reports resume, and offline-to-online transitions only', async () => {
    const power = new EventEmitter();
    let online = true;
    const changes: string[] = [];
    const stop = watchNetwork({
      powerMonitor: power as never,
      isOnline: () => online,
      onChange: (reason) => changes.push(reason),
      intervalMs: 5,
    });
    power.emit('resume');
    online = false;
    await new Promise((resolve) => setTimeout(resolve, 20));
    online = true;
    await vi.waitFor(() => {
      expect(changes).toEqual(['resume', 'online']);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(changes).toEqual(['resume', 'online']);
    stop();
    power.emit('resume');
    expect(changes).toEqual(['resume', 'online']);
    expect(power.listenerCount('resume')).toBe(0);
  });
});

describe('tray states', () => {
  it('maps every registration state to one of three icons', () => {
    const status = (state: AccountStatus['state']): AccountStatus => ({ accountId: 'a', label: '', state, aor: null, error: null, retryAt: null, attempts: 0, voicemail: null });
    const mapped = Object.fromEntries(RegistrationState.options.map((s) => [s, trayStateOf([status(s)])]));
    expect(mapped).toEqual({
      unconfigured: 'offline',
      unregistered: 'offline',
      connecting: 'connecting',
      registering: 'connecting',
      registered: 'registered',
      unregistering: 'connecting',
      'waiting-to-retry': 'connecting',
      failed: 'offline',
    });
  });

  it('has text for both contract locales', () => {
    expect(trayText('zh-CN').quit).toBe('退出');
    expect(trayText('zh-TW').quit).toBe('退出');
    expect(trayText('en-GB').quit).toBe('Quit');
    expect(trayText('de-DE').quit).toBe('Quit');
  });
});

describe('origins and shortcuts', () => {
  it('knows our own origin', () => {
    expect(isAppUrl('app://hookswitch/index.html')).toBe(true);
    expect(isAppUrl('app://hookswitch')).toBe(true);
    expect(isAppUrl('app://other/index.html')).toBe(false);
    expect(isAppUrl('app://x@hookswitch/')).toBe(false);
    expect(isAppUrl('https://hookswitch/')).toBe(false);
    expect(isAppUrl('file:///hookswitch')).toBe(false);
    expect(isAppUrl('')).toBe(false);
    expect(isAppUrl(null)).toBe(false);
  });

  it('recognises reload shortcuts', () => {
    expect(isReloadShortcut({ type: 'keyDown', key: 'R', control: false, meta: true })).toBe(true);
    expect(isReloadShortcut({ type: 'keyDown', key: 'F5', control: false, meta: false })).toBe(true);
    expect(isReloadShortcut({ type: 'keyUp', key: 'r', control: true, meta: false })).toBe(false);
    expect(isReloadShortcut({ type: 'keyDown', key: 'r', control: false, meta: false })).toBe(false);
  });
});
