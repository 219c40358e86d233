// The one way hosts get a history store. Where the queries run was measured, not guessed
// (test/bench/history.bench.ts; numbers in ARCHITECTURE.md): see DEFAULT_MODE.
import type { HistoryStore } from '../../core/history/history-store.ts';
import type { Logger } from '../../core/ports.ts';
import { InThreadHistoryStore } from './in-thread-history-store.ts';
import { withFallback } from './fallback-history-store.ts';
import { WorkerHistoryStore } from './worker-history-store.ts';

export type HistoryStoreMode = 'worker' | 'in-thread';

export interface HistoryStoreOptions {
  /** The SQLite file; hosts pass `<userData>/history.sqlite`. */
  file: string;
  logger: Logger;
  /** Where the engine runs; the default is DEFAULT_MODE. */
  mode?: HistoryStoreMode;
  /**
   * The bundled worker entry. Default: history-worker.mjs beside the running bundle (esbuild puts
   * it in dist/main); code run from sources (tests) passes its own build.
   */
  workerUrl?: URL;
}

/**
 * A worker thread. Measured at 1M calls / 100k contacts (test/bench/history.bench.ts): a round
 * trip costs ~0.2 ms more than a call on main's thread (screen-pop lookup p50 0.2 -> 0.4 ms,
 * searches the same), while on main's thread the slow operations stall its event loop, and with
 * it SIP, IPC and the headset: ~230 ms for a 1-2 character search with no match, ~200 ms per
 * import batch, ~0.9 s to read all contacts, ~2.4 s for the weekly full-file check at start. In
 * the worker main stalls at most ~1 ms for all of them (~0.3 s to receive all 100k contacts).
 * 'in-thread' stays for child processes and tools that have no reason for a thread.
 */
export const DEFAULT_MODE: HistoryStoreMode = 'worker';

export function createHistoryStore(options: HistoryStoreOptions): HistoryStore {
  const mode = options.mode ?? DEFAULT_MODE;
  if (mode === 'in-thread') return new InThreadHistoryStore(options.file, options.logger);
  const worker = new WorkerHistoryStore(options.file, options.logger, options.workerUrl ?? new URL('./history-worker.mjs', import.meta.url));
  // A worker that cannot start (the file missing from a package) must not cost the history.
  return withFallback(worker, () => new InThreadHistoryStore(options.file, options.logger), options.logger);
}
