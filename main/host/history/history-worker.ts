// The worker entry (bundled to dist/main/history-worker.mjs): one HistoryEngine, driven by
// WorkerHistoryStore's messages, one at a time in arrival order. Log lines go back to the host's
// logger on main's thread.
import { format } from 'node:util';
import { parentPort, workerData } from 'node:worker_threads';
import type { Logger } from '../../core/ports.ts';
import { HistoryStoreError } from './history-errors.ts';
import { HistoryEngine } from './history-engine.ts';
import type { WireError, WorkerData, WorkerReply, WorkerRequest } from './worker-protocol.ts';

const port = parentPort;
if (port === null) throw new Error('history-worker runs only as a worker thread');
const { file } = workerData as WorkerData;

const post = (reply: WorkerReply): void => {
  port.postMessage(reply);
};
const log =
  (level: 'debug' | 'info' | 'warn' | 'error') =>
  (msg: string, ...rest: unknown[]): void => {
    post({ kind: 'log', level, message: format(msg, ...rest) });
  };
const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
const engine = new HistoryEngine(file, logger);

function toWire(err: unknown): WireError {
  if (err instanceof HistoryStoreError) return { name: err.name, message: err.message, code: err.code, field: err.field ?? null };
  if (err instanceof Error) return { name: err.name, message: err.message, code: null, field: null };
  return { name: 'Error', message: String(err), code: null, field: null };
}

function run(request: WorkerRequest): unknown {
  const method = engine[request.method].bind(engine) as (...args: unknown[]) => unknown;
  return method(...request.args);
}

port.on('message', (request: WorkerRequest) => {
  try {
    post({ kind: 'result', id: request.id, ok: true, value: run(request) });
  } catch (err) {
    engine.noteError(err);
    post({ kind: 'result', id: request.id, ok: false, error: toWire(err) });
  }
  if (request.method === 'close') port.close();
});
