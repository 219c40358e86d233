// Durability: a child process writes call records through the store and is SIGKILLed (by PID) at
// random moments, again and again on the same file. After each kill every write it reported as
// committed is on disk (or the one after it, committed but not yet reported), and the file passes
// `PRAGMA integrity_check`. The next run then closes what the killed one left in progress.
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bundleForNode, type Bundle } from '../../support/history-bundle.ts';
import { seededRandom } from '../../support/history-data.ts';
import { tempDir } from './history-fixture.ts';
import { stateAt, STEPS, type RecordState } from './durability-steps.ts';

const KILLS = 24;
const BUDGET_MS = 50_000;

interface Reported {
  id: number;
  callId: string;
  step: number;
}

interface Row {
  call_id: string;
  display_name: string;
  started_at: number;
  answered_at: number | null;
  ended_at: number | null;
  duration_s: number | null;
  outcome: string;
  notes: string;
}

let child: Bundle;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  child = await bundleForNode('test/integration/history/durability-child.ts', 'durability-child');
  dir = await tempDir();
});

afterAll(async () => {
  await child.dispose();
  await dir.remove();
});

/** Runs the child until it has written for `runMs` after opening, then SIGKILLs it by PID. */
function runAndKill(file: string, run: number, runMs: number): Promise<{ reported: Reported[]; closedStale: number; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child.file, file, String(run)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = proc.pid;
    if (pid === undefined) {
      reject(new Error('child did not start'));
      return;
    }
    let out = '';
    let err = '';
    let closedStale = -1;
    const hardStop = setTimeout(() => process.kill(pid, 'SIGKILL'), 15_000);
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (closedStale < 0) {
        const m = /^OPEN (\d+)\n/.exec(out);
        if (m) {
          closedStale = Number(m[1]);
          setTimeout(() => process.kill(pid, 'SIGKILL'), runMs);
        }
      }
    });
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    proc.on('error', reject);
    proc.on('exit', (_code, signal) => {
      clearTimeout(hardStop);
      if (signal !== 'SIGKILL') {
        reject(new Error(`child ended by itself (${String(signal)}): ${err}`));
        return;
      }
      // A line cut by the kill was never fully reported: only whole lines count.
      const lines = out.split('\n').slice(1, -1);
      resolve({ reported: lines.map((l) => JSON.parse(l) as Reported), closedStale, signal });
    });
  });
}

function matches(row: Row, s: RecordState): boolean {
  return (
    row.display_name === s.displayName &&
    row.started_at === s.startedAt &&
    row.answered_at === s.answeredAt &&
    row.ended_at === s.endedAt &&
    row.duration_s === s.durationS &&
    row.notes === s.notes &&
    (row.outcome === s.outcome || (s.outcome === 'in-progress' && row.outcome !== 'in-progress'))
  );
}

it(`keeps every committed write across ${String(KILLS)} SIGKILLs`, async () => {
  const file = path.join(dir.dir, 'history.sqlite');
  const rng = seededRandom(7);
  const last = new Map<number, Reported>();
  const started = Date.now();
  let kills = 0;
  let writes = 0;
  let stalePending = 0;
  for (let run = 0; run < KILLS && Date.now() - started < BUDGET_MS; run += 1) {
    const { reported, closedStale } = await runAndKill(file, run, Math.floor(rng() * 400));
    kills += 1;
    writes += reported.length;
    // The records the previous run left in progress were closed when this run opened.
    if (run > 0) expect(closedStale).toBe(stalePending);
    for (const r of reported) last.set(r.id, r);

    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const get = db.prepare<[number], Row>('SELECT call_id, display_name, started_at, answered_at, ended_at, duration_s, outcome, notes FROM calls WHERE id = ?');
      for (const r of last.values()) {
        const row = get.get(r.id);
        expect(row, `record ${String(r.id)} (${r.callId}) step ${String(r.step)}`).toBeDefined();
        if (row === undefined) continue;
        expect(row.call_id).toBe(r.callId);
        // The last reported state, or the next one: committed, killed before it was printed.
        const ok = matches(row, stateAt(r.callId, r.step)) || (r.step + 1 < STEPS && matches(row, stateAt(r.callId, r.step + 1)));
        expect(ok, `record ${String(r.id)} (${r.callId}) at step ${String(r.step)}: ${JSON.stringify(row)}`).toBe(true);
      }
      stalePending = (db.prepare("SELECT count(*) AS n FROM calls WHERE outcome = 'in-progress'").get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  expect(kills).toBeGreaterThanOrEqual(20);
  expect(writes).toBeGreaterThan(kills);
  console.log(`durability: ${String(kills)} kills, ${String(writes)} reported writes, ${String(last.size)} records, ${String(Date.now() - started)} ms`);
}, 70_000);
