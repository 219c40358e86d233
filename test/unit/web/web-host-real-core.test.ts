// The web host with the real core (no account configured, so nothing leaves the process):
// the contract round-trips over the socket and the data folder is where it should be.
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { AppState, commandNames } from '../../../preload/contract.ts';
import type { Result } from '../../../preload/contract.ts';
import { ServerFrame } from '../../../preload/web-wire.ts';
import { silentLogger } from '../../../main/core/ports.ts';
import { startWebHost } from '../../../main/web/web-host.ts';
import type { WebHost } from '../../../main/web/web-host.ts';
import { TEST_ACCOUNT_ID } from '../core/support/fakes.ts';
import { makeAccount } from '../../support/contract-values.ts';

let dir: string;
let host: WebHost;
let ws: WebSocket | null = null;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookswitch-web-real-'));
  await mkdir(join(dir, 'renderer'));
  await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  host = await startWebHost({ dataDir: join(dir, 'data'), rendererDir: join(dir, 'renderer'), logger: silentLogger, systemLocale: 'zh-CN' });
});
afterEach(async () => {
  ws?.terminate();
  await host.stop();
  await rm(dir, { recursive: true, force: true });
});

async function client() {
  const socket = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` });
  ws = socket;
  const results = new Map<number, Result<unknown>>();
  socket.on('message', (data: Buffer) => {
    const frame = ServerFrame.parse(JSON.parse(data.toString('utf8')));
    if (frame.type === 'result') results.set(frame.id, frame.result as Result<unknown>);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => {
      resolve();
    });
    socket.once('error', reject);
  });
  let id = 0;
  return async (command: string, args?: unknown): Promise<Result<unknown>> => {
    id += 1;
    const mine = id;
    socket.send(JSON.stringify({ type: 'invoke', id: mine, command, args }));
    return vi.waitFor(
      () => {
        const result = results.get(mine);
        if (!result) throw new Error('waiting');
        return result;
      },
      { interval: 5 },
    );
  };
}

describe('web host with the real core', () => {
  it('answers app:getState with the contract shape', async () => {
    expect(host.commands).toEqual(commandNames);
    const invoke = await client();
    const result = await invoke('app:getState');
    if (!result.ok) throw new Error(result.error.message);
    const state = AppState.parse(result.value);
    expect(state.host).toBe('web');
    expect(state.systemLocale).toBe('zh-CN');
    expect(state.accounts).toEqual([]);
    expect(state.settings.passwordsStored.includes(TEST_ACCOUNT_ID)).toBe(false);
  });

  it('keeps the password in the 0600 secrets file, never in settings.json', async () => {
    const invoke = await client();
    const current = await invoke('settings:get');
    if (!current.ok) throw new Error(current.error.message);
    const { passwordsStored: _stored, ...settings } = current.value as Record<string, unknown>;
    const account = makeAccount({ id: TEST_ACCOUNT_ID, wsUrl: 'ws://127.0.0.1:9', sipUri: 'sip:1001@127.0.0.1', authUser: '1001', registerOnStart: false });
    const saved = await invoke('settings:save', { settings: { ...settings, accounts: [account] }, passwords: { [TEST_ACCOUNT_ID]: 'pw-1234' } });
    expect(saved).toMatchObject({ ok: true, value: { passwordsStored: [TEST_ACCOUNT_ID] } });
    const secretsPath = join(host.dataDir, 'secrets.json');
    expect((await stat(secretsPath)).mode & 0o777).toBe(0o600);
    expect(await readFile(secretsPath, 'utf8')).toContain('pw-1234');
    expect(await readFile(join(host.dataDir, 'settings.json'), 'utf8')).not.toContain('pw-1234');
  });
});
