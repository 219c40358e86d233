// Messages between WorkerHistoryStore (main's thread) and history-worker.ts. Both ends are ours
// and built together; errors travel as their fields and are rebuilt on the other side.
import type { HistoryErrorCode } from './history-errors.ts';
import type { EngineApi, EngineMethod } from './engine-api.ts';

export interface WorkerData {
  file: string;
}

export type WorkerRequest = {
  [M in EngineMethod]: { id: number; method: M; args: Parameters<EngineApi[M]> };
}[EngineMethod];

export interface WireError {
  name: string;
  message: string;
  code: HistoryErrorCode | null;
  field: string | null;
}

export type WorkerReply =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: WireError }
  | { kind: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string };
