// A history whose worker cannot start still opens, on main's thread, and says so in the log.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHistoryStore } from '../../../main/host/history/create-history-store.ts';
import { RecordingLogger } from '../../unit/core/support/fakes.ts';

let dir = '';
afterEach(() => {
  if (dir !== '') fs.rmSync(dir, { recursive: true, force: true });
});

describe('the worker fallback', () => {
  it('a missing worker file: the store opens on main’s thread and works', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hookswitch-fallback-'));
    const logger = new RecordingLogger();
    const store = createHistoryStore({ file: path.join(dir, 'history.sqlite'), logger, workerUrl: pathToFileURL(path.join(dir, 'no-such-worker.mjs')) });
    const opened = await store.open();
    expect(opened.movedAside).toBeNull();
    const id = await store.insertCall({ callId: 'c1', direction: 'incoming', account: 'sip:1001@x', remoteUri: 'sip:2002@x', number: '2002', e164: null, digits: '2002', displayName: 'Ann', startedAt: Date.now() });
    expect((await store.getCall(id))?.displayName).toBe('Ann');
    await store.close();
    expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes("running on main's thread"))).toBe(true);
  });
});
