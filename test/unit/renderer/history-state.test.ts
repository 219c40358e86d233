// HistoryState, the rune class behind the History view, against a fake API: search as you type
// waits for a pause and drops answers to older queries, pages follow by keyset, a change in main
// refetches the loaded rows without moving the row at the top, the badge clears when the view
// opens, and wrap-up, call back and delete send what the user chose.
import { beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord, HistoryPage, HistoryQuery, Result } from '../../../preload/contract.ts';
import type { HistoryState as HistoryStateType } from '../../../renderer/src/state/history-state.svelte.ts';
import { callRecord, fakeApi, importRuneModule, manualTimers, ok, settle, type Answer } from './history-support.ts';

let HistoryState: typeof HistoryStateType;
let SEARCH_DEBOUNCE_MS: number;

beforeAll(async () => {
  const mod = (await importRuneModule('renderer/src/state/history-state.svelte.ts')) as {
    HistoryState: typeof HistoryStateType;
    SEARCH_DEBOUNCE_MS: number;
  };
  HistoryState = mod.HistoryState;
  SEARCH_DEBOUNCE_MS = mod.SEARCH_DEBOUNCE_MS;
});

/** A history of `count` rows (ids count..1, newest first) answering queries as main would. */
function historyOf(count: number, patch: (r: CallRecord) => CallRecord = (r) => r): { rows: CallRecord[]; query: (q: HistoryQuery) => Result<HistoryPage> } {
  const rows = Array.from({ length: count }, (_, i) => patch(callRecord(count - i)));
  return {
    rows,
    query: (q) => {
      const text = q.text.toLowerCase();
      const matching = rows.filter(
        (r) => (q.beforeId === null || r.id < q.beforeId) && (text === '' || r.notes.toLowerCase().includes(text) || r.number.includes(text)) && (q.filter.kind !== 'missed' || r.outcome === 'missed'),
      );
      return ok({ rows: matching.slice(0, q.limit), hasMore: matching.length > q.limit });
    },
  };
}

function setup(answer: Answer, attentive = true): { state: HistoryStateType; fake: ReturnType<typeof fakeApi>; timers: ReturnType<typeof manualTimers> } {
  const fake = fakeApi(answer);
  const timers = manualTimers();
  const state = new HistoryState(fake.api, { attentive: () => attentive, setTimer: timers.setTimer, clearTimer: timers.clearTimer });
  return { state, fake, timers };
}

describe('HistoryState', () => {
  it('loads the first page when the view opens and the next ones by keyset', async () => {
    const h = historyOf(450);
    const { state, fake } = setup((command, args) => (command === 'history:query' ? h.query(args) : ok(null)));
    state.open();
    await settle();
    expect(state.loaded).toBe(true);
    expect(state.count).toBe(200);
    expect(state.hasMore).toBe(true);
    await state.loadMore();
    await state.loadMore();
    expect(state.count).toBe(450);
    expect(state.hasMore).toBe(false);
    expect(fake.calls('history:query').map((q) => q.beforeId)).toEqual([null, 251, 51]);
    // Nothing more to fetch.
    await state.loadMore();
    expect(fake.calls('history:query')).toHaveLength(3);
  });

  it('searches after a pause in typing, and drops the answer to a query the user typed past', async () => {
    const h = historyOf(50, (r) => ({ ...r, notes: r.id === 7 ? 'renewal quote' : r.id === 8 ? 'renewal' : '' }));
    const held: Array<() => void> = [];
    const { state, fake, timers } = setup((command, args) => {
      if (command !== 'history:query') return ok(null);
      const q = args as HistoryQuery;
      const result = h.query(q);
      // The first search ('renew') is answered last, after the second ('renewal q').
      if (q.text === 'renew') return new Promise((resolve) => held.push(() => { resolve(result); }));
      return result;
    });
    state.open();
    await settle();
    state.setText('r');
    state.setText('re');
    state.setText('renew');
    expect(fake.calls('history:query')).toHaveLength(1);
    expect(timers.pending()).toEqual([SEARCH_DEBOUNCE_MS]);
    timers.fire();
    state.setText('renewal q');
    timers.fire();
    await settle();
    expect(fake.calls('history:query').map((q) => q.text)).toEqual(['', 'renew', 'renewal q']);
    expect(state.list.rows.map((r) => r.id)).toEqual([7]);
    held.forEach((release) => { release(); });
    await settle();
    // The late answer for 'renew' (two rows) does not replace the newer one.
    expect(state.list.rows.map((r) => r.id)).toEqual([7]);
  });

  it('filters by kind at once and asks main with the filter', async () => {
    const h = historyOf(30, (r) => ({ ...r, outcome: r.id % 3 === 0 ? 'missed' : 'answered' }));
    const { state, fake } = setup((command, args) => (command === 'history:query' ? h.query(args) : ok(null)));
    state.open();
    await settle();
    state.setKind('missed');
    await settle();
    expect(fake.calls('history:query').at(-1)?.filter).toEqual({ kind: 'missed', from: null, to: null, account: '' });
    expect(state.list.rows.every((r) => r.outcome === 'missed')).toBe(true);
    expect(state.filtered).toBe(true);
    state.setRange('2025-03-01', '2025-03-01');
    await settle();
    const filter = fake.calls('history:query').at(-1)?.filter;
    expect(filter?.from).toBe(new Date(2025, 2, 1).getTime());
    expect(filter?.to).toBe(new Date(2025, 2, 2).getTime());
  });

  it('refetches after main says the history changed, keeping the row at the top in place', async () => {
    let h = historyOf(300);
    const { state, fake, timers } = setup((command, args) => (command === 'history:query' ? h.query(args) : ok(null)));
    state.open();
    await settle();
    state.setSummary({ unseenMissed: 0, revision: 1 });
    // The user scrolled: row 250 is at the top, 10 px of it above the viewport.
    const row = state.list.rowIndex(250);
    const top = state.list.layout.tops[state.list.itemOfRow[row] ?? -1] ?? 0;
    state.setAnchor({ id: 250, delta: 10 });
    state.scrollRequest = null;
    // Two new calls arrive (ids 301, 302), then main says so.
    h = historyOf(302);
    state.setSummary({ unseenMissed: 0, revision: 2 });
    state.setSummary({ unseenMissed: 0, revision: 3 });
    expect(timers.pending()).toHaveLength(1);
    timers.fire();
    await settle(30);
    expect(state.list.rows[0]?.id).toBe(302);
    const newRow = state.list.rowIndex(250);
    const newTop = state.list.layout.tops[state.list.itemOfRow[newRow] ?? -1] ?? 0;
    expect(newTop).toBeGreaterThan(top);
    expect(state.scrollRequest).toEqual({ offset: newTop + 10 });
    // One refetch of the 200 loaded rows (plus the page boundary), not one per event.
    expect(fake.calls('history:query').filter((q) => q.beforeId === null)).toHaveLength(2);
  });

  it('keeps older loaded rows beyond what it refetches', async () => {
    const h = historyOf(3000);
    const { state, timers } = setup((command, args) => (command === 'history:query' ? h.query(args) : ok(null)));
    state.open();
    await settle();
    for (let i = 0; i < 7; i++) await state.loadMore();
    expect(state.count).toBe(1600);
    state.setSummary({ unseenMissed: 0, revision: 9 });
    timers.fire();
    await settle(40);
    expect(state.count).toBe(1600);
    expect(state.hasMore).toBe(true);
    expect(new Set(state.list.rows.map((r) => r.id)).size).toBe(1600);
  });

  it('clears the missed-call badge when the view opens, and for calls missed while the user looks', async () => {
    const { state, fake } = setup((command) => (command === 'history:markSeen' ? ok({ unseenMissed: 0, revision: 5 }) : ok({ rows: [], hasMore: false })));
    state.setSummary({ unseenMissed: 2, revision: 4 });
    expect(fake.calls('history:markSeen')).toHaveLength(0);
    state.open();
    await settle();
    expect(fake.calls('history:markSeen')).toHaveLength(1);
    expect(state.summary.unseenMissed).toBe(0);
    state.setSummary({ unseenMissed: 1, revision: 6 });
    await settle();
    expect(fake.calls('history:markSeen')).toHaveLength(2);
    state.close();
    state.setSummary({ unseenMissed: 1, revision: 7 });
    await settle();
    expect(fake.calls('history:markSeen')).toHaveLength(2);
  });

  it('does not mark calls seen while the window is in the background', async () => {
    const { state, fake } = setup((command) => (command === 'history:markSeen' ? ok({ unseenMissed: 0, revision: 5 }) : ok({ rows: [], hasMore: false })), false);
    state.open();
    await settle();
    state.setSummary({ unseenMissed: 1, revision: 6 });
    await settle();
    expect(fake.calls('history:markSeen')).toHaveLength(0);
  });

  it('moves the selection with the keyboard and asks for more near the end', async () => {
    const h = historyOf(230);
    const { state, fake } = setup((command, args) => (command === 'history:query' ? h.query(args) : ok(null)));
    state.open();
    await settle();
    state.move(1);
    expect(state.selectedId).toBe(230);
    state.move(-5);
    expect(state.selectedId).toBe(230);
    state.move(190);
    expect(state.selectedId).toBe(40);
    await settle();
    expect(fake.calls('history:query').map((q) => q.beforeId)).toEqual([null, 31]);
    state.moveTo('first');
    expect(state.selectedId).toBe(230);
  });

  it('saves a wrap-up, calls back and deletes, moving the selection to the next row', async () => {
    const h = historyOf(5);
    const { state, fake } = setup((command, args) => {
      if (command === 'history:query') return h.query(args);
      if (command === 'history:update') {
        const a = args as { id: number; notes: string; disposition: string; tags: string[] };
        return ok({ ...callRecord(a.id), notes: a.notes, disposition: a.disposition, tags: a.tags });
      }
      if (command === 'history:delete') return ok({ unseenMissed: 0, revision: 9 });
      if (command === 'history:callBack') return { ok: false, error: { code: 'not-registered', message: 'not registered' } };
      return ok(null);
    });
    state.open();
    await settle();
    state.openDetails(3);
    expect(state.details?.id).toBe(3);
    expect(await state.update(3, { notes: 'Call back Friday', disposition: 'follow-up', tags: ['vip'] })).toBe(true);
    expect(fake.calls('history:update')).toEqual([{ id: 3, notes: 'Call back Friday', disposition: 'follow-up', tags: ['vip'] }]);
    expect(state.byId(3)?.notes).toBe('Call back Friday');

    expect(await state.callBack(3)).toBe(false);
    expect(fake.calls('history:callBack')).toEqual([{ id: 3 }]);
    expect(state.actionError?.code).toBe('not-registered');

    expect(await state.delete([3])).toBe(true);
    expect(fake.calls('history:delete')).toEqual([{ ids: [3] }]);
    expect(state.list.rows.map((r) => r.id)).toEqual([5, 4, 2, 1]);
    expect(state.selectedId).toBe(2);
    expect(state.detailsId).toBeNull();
    expect(state.actionError).toBeNull();
  });

  it('offers the account filter only when calls came from more than one account', async () => {
    const h = historyOf(6, (r) => ({ ...r, account: r.id > 3 ? 'sip:1001@a.test' : 'sip:2002@b.test' }));
    const { state } = setup((command, args) => (command === 'history:query' ? h.query(args) : ok(null)));
    state.open();
    await settle();
    expect(state.accounts).toEqual(['sip:1001@a.test', 'sip:2002@b.test']);
  });

  it('clears everything', async () => {
    const h = historyOf(5);
    const { state } = setup((command, args) => (command === 'history:query' ? h.query(args) : command === 'history:clear' ? ok({ unseenMissed: 0, revision: 3 }) : ok(null)));
    state.open();
    await settle();
    expect(await state.clear()).toBe(true);
    expect(state.count).toBe(0);
    expect(state.hasMore).toBe(false);
  });
});
