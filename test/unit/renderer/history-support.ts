// What the history, contacts and screen-pop state tests share: compiling a `.svelte.ts` rune
// module as Vite would (the unit project has no Svelte plugin), a fake API that records commands
// and answers from a function (or holds answers back), and timers the test fires by hand.
import fs from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { compileModule } from 'svelte/compiler';
import type { CallRecord, CommandArgs, CommandName, CommandResult, EventName, EventPayload, Result } from '../../../preload/contract.ts';
import type { RendererApi } from '../../../renderer/src/lib/api.ts';

export const root = path.resolve(import.meta.dirname, '..', '..', '..');

/** Compiles a `.svelte.ts` rune module to plain JS under tmp/ and imports it. */
export async function importRuneModule(relativePath: string): Promise<unknown> {
  const file = path.join(root, relativePath);
  const js = transformSync(fs.readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022' }).code;
  const compiled = compileModule(js, { filename: path.basename(file), generate: 'client' }).js.code;
  // Relative imports point back at the sources, which Vitest transforms as usual.
  const absolute = compiled.replace(/from\s+(["'])(\.{1,2}\/[^"']+)\1/g, (_m, q: string, spec: string) => `from ${q}${path.resolve(path.dirname(file), spec)}${q}`);
  const dir = path.join(root, 'tmp', 'rune-modules');
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `${path.basename(file, '.ts')}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}.js`);
  fs.writeFileSync(out, absolute);
  try {
    return (await import(out)) as unknown;
  } finally {
    fs.rmSync(out, { force: true });
  }
}

export interface Invoked {
  command: CommandName;
  args: unknown;
}
export type Answer = (command: CommandName, args: never) => Result<unknown> | Promise<Result<unknown>>;

export interface FakeApi {
  api: RendererApi;
  invoked: Invoked[];
  /** Commands of one name, their arguments in order. */
  calls<C extends CommandName>(command: C): CommandArgs<C>[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
}

export function fakeApi(answer: Answer): FakeApi {
  const invoked: Invoked[] = [];
  const listeners = new Map<string, Set<(p: never) => void>>();
  const api = {
    host: 'web',
    connection: 'open',
    invoke<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<Result<CommandResult<C>>> {
      invoked.push({ command, args });
      return Promise.resolve(answer(command, args as never)) as Promise<Result<CommandResult<C>>>;
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    onConnectionChange: () => () => {},
    onReconnected: () => () => {},
    close: () => {},
  } satisfies RendererApi;
  return {
    api,
    invoked,
    calls: <C extends CommandName>(command: C) => invoked.filter((i) => i.command === command).map((i) => i.args as CommandArgs<C>),
    emit: (event, payload) => {
      for (const l of listeners.get(event) ?? []) (l as (p: unknown) => void)(payload);
    },
  };
}

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

/** Lets pending promise callbacks run (several rounds, for chains of awaits). */
export async function settle(rounds = 10): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
}

/** Timers the test fires itself: `fire()` runs every pending one, as time passing would. */
export function manualTimers(): { setTimer: (fn: () => void, ms: number) => unknown; clearTimer: (h: unknown) => void; pending: () => number[]; fire: () => void } {
  let next = 1;
  const timers = new Map<number, { fn: () => void; ms: number }>();
  return {
    setTimer: (fn, ms) => {
      const id = next++;
      timers.set(id, { fn, ms });
      return id;
    },
    clearTimer: (h) => {
      timers.delete(h as number);
    },
    pending: () => [...timers.values()].map((t) => t.ms),
    fire: () => {
      const due = [...timers.entries()];
      timers.clear();
      for (const [, t] of due) t.fn();
    },
  };
}

const T0 = new Date(2025, 2, 12, 15, 0).getTime();

/** A history row; `id` also sets its time (higher ids are newer, one hour apart). */
export function callRecord(id: number, patch: Partial<CallRecord> = {}): CallRecord {
  const startedAt = T0 - (1000 - id) * 3_600_000;
  return {
    id,
    callId: `c${id}`,
    direction: 'incoming',
    account: 'sip:1001@pbx.test',
    remoteUri: `sip:${1000 + id}@pbx.test`,
    number: String(1000 + id),
    e164: null,
    numberDisplay: String(1000 + id),
    displayName: `Caller ${id}`,
    startedAt,
    answeredAt: startedAt + 3000,
    endedAt: startedAt + 63_000,
    durationS: 60,
    outcome: 'answered',
    disposition: '',
    notes: '',
    tags: [],
    transferTarget: null,
    unseen: false,
    contact: null,
    ...patch,
  };
}
