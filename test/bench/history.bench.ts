// The call history at size: 1,000,000 calls and 100,000 contacts (test/support/history-data.ts,
// seeded) in one real SQLite file, built once per run. Prints `BENCH <name> <value> <unit>`
// lines; asserts nothing about speed. Also measures the store on main's thread against the
// store in a worker: round trips, and how long main's event loop stalls.
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ContactWrite, HistoryStore, StoreContactQuery, StoreHistoryQuery } from '../../main/core/history/history-store.ts';
import { silentLogger } from '../../main/core/ports.ts';
import { createHistoryStore, type HistoryStoreMode } from '../../main/host/history/create-history-store.ts';
import { checkMarker } from '../../main/host/history/history-file.ts';
import { bundleHistoryWorker, type Bundle } from '../support/history-bundle.ts';
import {
  ACCOUNTS,
  companyWords,
  firstNames,
  generateCalls,
  generateContacts,
  lastNames,
  noteWords,
  randomPhone,
  seededRandom,
  type GeneratedCall,
} from '../support/history-data.ts';
import { fillCalls } from '../support/history-fill.ts';
import { tempDir } from '../integration/history/history-fixture.ts';
import { bench, quantile, summary } from './report.ts';

const CALLS = 1_000_000;
const CONTACTS = 100_000;
const END_AT = Date.UTC(2025, 5, 30);

/** The longest time main's event loop went without running a 1 ms timer while `work` ran. */
async function longestStall<T>(work: () => Promise<T>): Promise<{ result: T; stallMs: number; totalMs: number }> {
  let last = performance.now();
  let worst = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    worst = Math.max(worst, now - last);
    last = now;
  }, 1);
  const start = performance.now();
  const result = await work();
  const totalMs = performance.now() - start;
  await new Promise((r) => setTimeout(r, 3));
  clearInterval(timer);
  return { result, stallMs: worst, totalMs };
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const start = performance.now();
  const result = await work();
  return { result, ms: performance.now() - start };
}

const anyKind = { kind: 'all', from: null, to: null, account: '' } as const;

function historyQuery(words: string[], digits = '', filter: StoreHistoryQuery['filter'] = anyKind): StoreHistoryQuery {
  return { words, digits, filter, beforeId: null, limit: 50 };
}

function slice(rng: () => number, word: string, min: number, max: number): string {
  const chars = Array.from(word);
  const len = Math.min(chars.length, min + Math.floor(rng() * (max - min + 1)));
  const at = Math.floor(rng() * (chars.length - len + 1));
  return chars.slice(at, at + len).join('');
}

/** What people type into the history's search box: names, companies, note words, numbers. */
function searchQueries(count: number, sampledDigits: readonly string[]): StoreHistoryQuery[] {
  const rng = seededRandom(11);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
  const out: StoreHistoryQuery[] = [];
  for (let i = 0; i < count; i += 1) {
    const r = rng();
    if (r < 0.25) out.push(historyQuery([slice(rng, pick(rng() < 0.5 ? lastNames : firstNames), 3, 7)]));
    else if (r < 0.4) out.push(historyQuery([pick(firstNames), pick(lastNames)]));
    else if (r < 0.55) out.push(historyQuery([slice(rng, pick(companyWords).split(' ')[0]!, 3, 6)]));
    else if (r < 0.7) out.push(historyQuery([pick(noteWords)]));
    else if (r < 0.9) {
      const d = pick(sampledDigits);
      const len = 3 + Math.floor(rng() * 8);
      out.push(historyQuery([], rng() < 0.7 ? d.slice(-len) : d.slice(0, len)));
    } else {
      const missed = rng() < 0.5;
      out.push(
        historyQuery([slice(rng, pick(lastNames), 3, 6)], '', missed ? { ...anyKind, kind: 'missed' } : { ...anyKind, from: END_AT - 90 * 86_400_000, to: null }),
      );
    }
  }
  return out.filter((q) => q.words.length > 0 || q.digits !== '');
}

function shortQueries(count: number): StoreHistoryQuery[] {
  const rng = seededRandom(13);
  const out: StoreHistoryQuery[] = [];
  for (let i = 0; i < count; i += 1) {
    const name = Array.from(firstNames[Math.floor(rng() * firstNames.length)] ?? 'ab');
    if (rng() < 0.2) out.push(historyQuery([], String(Math.floor(rng() * 100))));
    else out.push(historyQuery([name.slice(0, 1 + Math.floor(rng() * 2)).join('')]));
  }
  return out;
}

function contactQueries(count: number, sampledDigits: readonly string[]): StoreContactQuery[] {
  const rng = seededRandom(17);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;
  const out: StoreContactQuery[] = [];
  for (let i = 0; i < count; i += 1) {
    const r = rng();
    if (r < 0.4) out.push({ words: [pick(lastNames).slice(0, 2 + Math.floor(rng() * 4))], digits: '', after: null, limit: 50 });
    else if (r < 0.6) out.push({ words: [pick(firstNames).slice(0, 3), pick(lastNames).slice(0, 3)], digits: '', after: null, limit: 50 });
    else if (r < 0.8) out.push({ words: [pick(companyWords).slice(0, 4)], digits: '', after: null, limit: 50 });
    else out.push({ words: [], digits: pick(sampledDigits).slice(-(4 + Math.floor(rng() * 7))), after: null, limit: 50 });
  }
  return out;
}

describe('history at 1M calls / 100k contacts', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let worker: Bundle;
  let bigFile: string;
  let emptyFile: string;
  let contacts: ContactWrite[];
  const sampledDigits: string[] = [];
  const sampledCalls: GeneratedCall[] = [];

  const store = (mode: HistoryStoreMode, file: string): HistoryStore =>
    createHistoryStore({ file, logger: silentLogger, mode, workerUrl: worker.url });

  beforeAll(async () => {
    dir = await tempDir();
    worker = await bundleHistoryWorker();
    bigFile = path.join(dir.dir, 'history.sqlite');
    emptyFile = path.join(dir.dir, 'empty.sqlite');
    contacts = generateContacts(CONTACTS, 1);
  });

  afterAll(async () => {
    await worker.dispose();
    await dir.remove();
  });

  it('imports 100,000 contacts (store part), on main’s thread and in the worker', async () => {
    for (const mode of ['in-thread', 'worker'] as const) {
      const file = mode === 'in-thread' ? bigFile : path.join(dir.dir, 'import-worker.sqlite');
      const s = store(mode, file);
      await s.open();
      const { stallMs, totalMs } = await longestStall(() => s.importContacts(contacts, () => undefined));
      await s.close();
      const suffix = mode === 'in-thread' ? '' : '_worker';
      bench(`contacts_store_import_100k${suffix}`, totalMs, 'ms');
      bench(`main_stall_import_100k_${mode === 'in-thread' ? 'in_thread' : 'worker'}`, stallMs, 'ms');
    }
  });

  it('builds the 1M-call file', () => {
    const start = performance.now();
    const rng = seededRandom(5);
    const sampling = function* (): Generator<GeneratedCall> {
      for (const call of generateCalls({ count: CALLS, contacts, endAt: END_AT, seed: 2 })) {
        if (rng() < 0.002) {
          sampledCalls.push(call);
          if (call.insert.digits.length >= 7) sampledDigits.push(call.insert.digits);
        }
        yield call;
      }
    };
    const n = fillCalls(bigFile, sampling());
    bench('history_fill_1m', performance.now() - start, 'ms');
    bench('history_rows', n, 'calls');
    bench('db_size_1m', statSync(bigFile).size / 1024 / 1024, 'MB');
  });

  it('opens the 1M-row file vs an empty one', async () => {
    const e = store('in-thread', emptyFile);
    await e.open();
    await e.close();
    for (const mode of ['in-thread', 'worker'] as const) {
      const opens = async (file: string) => {
        const times: number[] = [];
        for (let i = 0; i < 3; i += 1) {
          const s = store(mode, file);
          times.push((await timed(() => s.open())).ms);
          await s.close();
        }
        return quantile(times, 0.5);
      };
      const empty = await opens(emptyFile);
      const big = await opens(bigFile);
      const suffix = mode === 'in-thread' ? '' : '_worker';
      bench(`startup_empty${suffix}`, empty, 'ms');
      bench(`startup_extra_with_1m_rows${suffix}`, big - empty, 'ms');
    }
    // The start that reads every page (weekly, after a crash, after a corrupt page was met).
    writeFileSync(checkMarker(bigFile), 'bench');
    const s = store('in-thread', bigFile);
    const full = await timed(() => s.open());
    await s.close();
    bench('startup_extra_with_1m_rows_full_check', full.ms, 'ms');
  });

  it('searches, looks up and pages on main’s thread', async () => {
    const s = store('in-thread', bigFile);
    await s.open();
    try {
      const queries = searchQueries(500, sampledDigits);
      for (const q of queries.slice(0, 20)) await s.queryCalls(q); // warm the page cache
      const times: number[] = [];
      const pageTimes: number[] = [];
      let hits = 0;
      let slowest = { ms: 0, q: '' };
      for (const q of queries) {
        const { result, ms } = await timed(() => s.queryCalls(q));
        times.push(ms);
        hits += result.rows.length;
        if (ms > slowest.ms) slowest = { ms, q: JSON.stringify({ w: q.words, d: q.digits, k: q.filter.kind, f: q.filter.from }) };
        const last = result.rows.at(-1);
        if (result.hasMore && last !== undefined) pageTimes.push((await timed(() => s.queryCalls({ ...q, beforeId: last.id }))).ms);
      }
      summary('history_search', times);
      bench('history_search_queries', times.length, 'queries');
      bench('history_search_avg_rows', hits / times.length, 'rows');
      console.log(`slowest search: ${slowest.q} ${slowest.ms.toFixed(2)} ms`);
      summary('history_search_next_page', pageTimes);

      const short = shortQueries(100);
      const shortTimes: number[] = [];
      for (const q of short) shortTimes.push((await timed(() => s.queryCalls(q))).ms);
      summary('history_search_short', shortTimes);
      const filters: StoreHistoryQuery[] = [
        historyQuery([]),
        historyQuery([], '', { ...anyKind, kind: 'missed' }),
        historyQuery([], '', { ...anyKind, kind: 'outgoing', account: ACCOUNTS[1] }),
        historyQuery([], '', { ...anyKind, from: END_AT - 7 * 86_400_000, to: null }),
        historyQuery([], '', { ...anyKind, from: END_AT - 800 * 86_400_000, to: END_AT - 790 * 86_400_000 }),
        historyQuery(['invoice'], '', { kind: 'missed', from: END_AT - 365 * 86_400_000, to: END_AT - 300 * 86_400_000, account: ACCOUNTS[1] }),
      ];
      const filterTimes: number[] = [];
      for (let i = 0; i < 10; i += 1) for (const q of filters) filterTimes.push((await timed(() => s.queryCalls(q))).ms);
      summary('history_filter_only', filterTimes);
      // Deep paging: 40 pages back from the newest.
      let beforeId: number | null = null;
      const deep: number[] = [];
      for (let i = 0; i < 40; i += 1) {
        const { result, ms } = await timed(() => s.queryCalls({ ...historyQuery(['smith']), beforeId }));
        deep.push(ms);
        beforeId = result.rows.at(-1)?.id ?? null;
      }
      summary('history_search_deep_paging', deep);

      const rng = seededRandom(19);
      const lookups: number[] = [];
      for (let i = 0; i < 1000; i += 1) {
        const r = rng();
        let e164: string | null;
        let digits: string;
        if (r < 0.7) {
          const call = sampledCalls[Math.floor(rng() * sampledCalls.length)]!;
          ({ e164, digits } = call.insert);
        } else if (r < 0.9) {
          const c = contacts[Math.floor(rng() * contacts.length)]!;
          ({ e164, digits } = c.numbers[0]!);
        } else {
          ({ e164, digits } = randomPhone(rng));
        }
        lookups.push((await timed(() => s.lookupNumber(e164, digits, `live-${String(i)}`, 5))).ms);
      }
      summary('screen_pop_lookup', lookups);

      const cq = contactQueries(300, sampledDigits);
      const contactTimes: number[] = [];
      for (const q of cq) contactTimes.push((await timed(() => s.queryContacts(q))).ms);
      summary('contact_search', contactTimes);

      const writes: number[] = [];
      for (let i = 0; i < 50; i += 1) {
        const call = sampledCalls[i % sampledCalls.length]!;
        writes.push(
          (
            await timed(async () => {
              const id = await s.insertCall({ ...call.insert, callId: `bench-${String(i)}`, startedAt: END_AT + i * 1000 });
              await s.updateCall(id, { answeredAt: END_AT + i * 1000 + 500 });
              await s.updateCall(id, { endedAt: END_AT + i * 1000 + 900, durationS: 0.4, outcome: 'answered' });
            })
          ).ms / 3,
        );
      }
      summary('call_write_synchronous_full', writes);
    } finally {
      await s.close();
    }
  });

  it('compares main’s thread with the worker: round trips and event-loop stalls', async () => {
    const queries = searchQueries(300, sampledDigits);
    const broad: { name: string; q: StoreHistoryQuery }[] = [
      { name: 'short_no_match', q: historyQuery(['qx']) },
      { name: 'short_broad', q: historyQuery(['an']) },
      { name: 'missed_rare_word', q: historyQuery(['zürich'], '', { ...anyKind, kind: 'missed', account: ACCOUNTS[1] }) },
      { name: 'contacts_broad', q: historyQuery(['mar']) },
    ];
    for (const mode of ['in-thread', 'worker'] as const) {
      const s = store(mode, bigFile);
      await s.open();
      const name = mode === 'in-thread' ? 'in_thread' : 'worker';
      try {
        for (const q of queries.slice(0, 20)) await s.queryCalls(q);
        const lookups: number[] = [];
        const searches: number[] = [];
        for (const [i, q] of queries.entries()) {
          searches.push((await timed(() => s.queryCalls(q))).ms);
          const call = sampledCalls[i % sampledCalls.length]!;
          lookups.push((await timed(() => s.lookupNumber(call.insert.e164, call.insert.digits, null, 5))).ms);
        }
        bench(`roundtrip_lookup_${name}_p50`, quantile(lookups, 0.5), 'ms');
        bench(`roundtrip_lookup_${name}_p95`, quantile(lookups, 0.95), 'ms');
        bench(`roundtrip_search_${name}_p50`, quantile(searches, 0.5), 'ms');
        bench(`roundtrip_search_${name}_p95`, quantile(searches, 0.95), 'ms');
        for (const b of broad) {
          const { stallMs, totalMs } = await longestStall(() => s.queryCalls(b.q));
          bench(`main_stall_search_${b.name}_${name}`, stallMs, 'ms');
          bench(`search_${b.name}_${name}`, totalMs, 'ms');
        }
        const all = await longestStall(() => s.allContacts());
        bench(`main_stall_all_contacts_${name}`, all.stallMs, 'ms');
        // What the export asks for: the CSV, built where the store runs.
        const csv = await longestStall(() => s.contactsCsv());
        bench(`main_stall_contacts_csv_${name}`, csv.stallMs, 'ms');
        bench(`contacts_csv_${name}`, csv.totalMs, 'ms');
      } finally {
        await s.close();
      }
    }
    const open = await longestStall(async () => {
      const s = store('in-thread', bigFile);
      await s.open();
      await s.close();
    });
    bench('main_stall_open_1m_in_thread', open.stallMs, 'ms');
    const openWorker = await longestStall(async () => {
      const s = store('worker', bigFile);
      await s.open();
      await s.close();
    });
    bench('main_stall_open_1m_worker', openWorker.stallMs, 'ms');
  });
});
