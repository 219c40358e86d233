// Real history files under the OS temp folder, for both ways the store runs (on the test's thread
// and in the bundled worker), each test with a folder of its own, removed afterwards.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CallRecordInsert, ContactWrite, HistoryStore } from '../../../main/core/history/history-store.ts';
import type { Logger } from '../../../main/core/ports.ts';
import { createHistoryStore, type HistoryStoreMode } from '../../../main/host/history/create-history-store.ts';
import { bundleHistoryWorker, type Bundle } from '../../support/history-bundle.ts';

export const modes: readonly HistoryStoreMode[] = ['in-thread', 'worker'];

export interface LogLine {
  level: keyof Logger;
  message: string;
}

export function recordingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at = (level: keyof Logger) => (message: string) => {
    lines.push({ level, message });
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

let worker: Promise<Bundle> | null = null;

/** The worker bundle, built once per test file. */
export function historyWorker(): Promise<Bundle> {
  worker ??= bundleHistoryWorker();
  return worker;
}

export async function disposeHistoryWorker(): Promise<void> {
  if (worker !== null) await (await worker).dispose();
  worker = null;
}

export async function tempDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hookswitch-history-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function makeStore(mode: HistoryStoreMode, file: string, logger: Logger = recordingLogger()): Promise<HistoryStore> {
  const workerUrl = mode === 'worker' ? (await historyWorker()).url : undefined;
  return createHistoryStore({ file, logger, mode, ...(workerUrl ? { workerUrl } : {}) });
}

let callSeq = 0;

export function callInsert(overrides: Partial<CallRecordInsert> = {}): CallRecordInsert {
  callSeq += 1;
  return {
    callId: `test-call-${String(callSeq)}`,
    direction: 'incoming',
    account: 'sip:agent@pbx.example.com',
    remoteUri: 'sip:+15551234567@pbx.example.com',
    number: '+1 555 123 4567',
    e164: '+15551234567',
    digits: '15551234567',
    displayName: 'Jane Roe',
    startedAt: Date.UTC(2025, 0, 10, 9, 0, 0),
    ...overrides,
  };
}

export function contactWrite(overrides: Partial<ContactWrite> = {}): ContactWrite {
  return {
    id: null,
    name: 'Ada Lovelace',
    company: 'Analytical Engines Ltd',
    email: 'ada@example.com',
    crmId: 'CRM-1',
    notes: '',
    numbers: [{ label: 'work', number: '+1 555 123 4567', e164: '+15551234567', digits: '15551234567' }],
    ...overrides,
  };
}
