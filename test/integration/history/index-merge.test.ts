// The history service merges the search indexes two minutes after it starts and then daily, one
// bounded step at a time with a pause between steps, and stops when the store says it is done.
import path from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryService } from '../../../main/core/history/history-service.ts';
import type { HistoryStore } from '../../../main/core/history/history-store.ts';
import { FakeClock, settingsWith } from '../../unit/core/support/fakes.ts';
import { callInsert, disposeHistoryWorker, makeStore, recordingLogger, tempDir } from './history-fixture.ts';

afterAll(disposeHistoryWorker);

/** Lets the store's promises settle between clock steps. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
}

describe('history search index merging', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let store: HistoryStore;
  let steps: boolean[];
  let service: HistoryService;
  let clock: FakeClock;
  const logger = recordingLogger();

  beforeEach(async () => {
    clock = new FakeClock(Date.UTC(2025, 0, 1));
    dir = await tempDir();
    store = await makeStore('in-thread', path.join(dir.dir, 'history.sqlite'), logger);
    await store.open();
    for (let i = 0; i < 30; i += 1) await store.insertCall(callInsert({ startedAt: clock.now() - (30 - i) * 60_000, callId: `c${String(i)}` }));
    await store.close();
    steps = [];
    const merge = store.mergeSearchIndexes.bind(store);
    store.mergeSearchIndexes = (begin) => {
      steps.push(begin);
      return merge(begin);
    };
    service = new HistoryService({
      store,
      clock,
      logger,
      settings: () => settingsWith({}),
      systemLocale: 'en-US',
      accountAor: () => 'sip:agent@pbx.example.com',
      onSummary: () => undefined,
      onScreenPop: () => undefined,
      openUrl: null,
    });
    await service.start();
  });

  afterEach(async () => {
    await service.stop();
    await dir.remove();
  });

  it('starts two minutes after the start, steps until done, then waits a day', async () => {
    clock.advance(119_000);
    await settle();
    expect(steps).toEqual([]);
    clock.advance(1_000);
    await settle();
    expect(steps).toEqual([true]);
    // 30 one-call segments take a few steps, each 25 ms after the last.
    for (let i = 0; i < 50 && clock.pendingDelays()[0] === 25; i += 1) {
      clock.advance(25);
      await settle();
    }
    expect(steps.length).toBeGreaterThan(1);
    expect(steps.slice(1).every((b) => !b)).toBe(true);
    expect(logger.lines.some((l) => l.level === 'info' && /search indexes merged in \d+ steps/.test(l.message))).toBe(true);
    const done = steps.length;
    expect(clock.pendingDelays()).toContain(24 * 3_600_000);
    clock.advance(24 * 3_600_000);
    await settle();
    // Already merged: one step finds nothing to do.
    expect(steps.slice(done)).toEqual([true]);
    const found = await store.queryCalls({ words: ['jane'], digits: '', filter: { kind: 'all', from: null, to: null, account: '' }, beforeId: null, limit: 50 });
    expect(found.rows.map((r) => r.callId)).toEqual(Array.from({ length: 30 }, (_, i) => `c${String(29 - i)}`));
  });

  it('stops stepping when the service stops', async () => {
    clock.advance(120_000);
    await settle();
    await service.stop();
    const n = steps.length;
    clock.advance(10 * 60_000);
    await settle();
    expect(steps.length).toBe(n);
    expect(clock.pendingDelays()).toEqual([]);
  });
});
