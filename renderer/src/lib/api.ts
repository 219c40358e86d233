// The one module through which the renderer reaches main. In Electron the preload exposes the
// contract on window[BRIDGE_KEY] and it is used as is; anywhere else the page was served by the
// web host and the same contract is carried over one WebSocket (preload/web-wire.ts).
import {
  BRIDGE_KEY,
  ErrorInfo,
  commands,
  events,
  type CommandArgs,
  type CommandName,
  type CommandResult,
  type EventName,
  type EventPayload,
  type HookswitchApi,
  type Result,
} from '../../../preload/contract.ts';
import { MAX_FRAME_BYTES, ServerFrame, WEB_API_PATH, WEB_TOKEN_PARAM, type ClientFrame } from '../../../preload/web-wire.ts';
import { z } from 'zod';

// zod probes for eval (new Function) to speed up parsing; under the strict CSP that probe only
// produces a violation report, so it is switched off.
z.config({ jitless: true });

export type { CommandArgs, CommandName, CommandResult, EventName, EventPayload, Result };

/** 'open': commands reach main. 'reconnecting': the web host's socket dropped; a retry is scheduled. */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The contract plus what the renderer needs to know about the channel itself. */
export interface RendererApi extends HookswitchApi {
  readonly host: 'electron' | 'web';
  readonly connection: ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
  /** After the channel came back from a drop: state must be fetched again, media:ready re-sent. */
  onReconnected(listener: () => void): () => void;
  close(): void;
}

/** What a command resolves to when it succeeded. */
export type ValueOf<C extends CommandName> = CommandResult<C>;

/** Narrows a command's Result to its success half. */
export function isOk<T>(result: Result<T>): result is { ok: true; value: T } {
  return result.ok;
}

function failure(code: ErrorInfo['code'], message: string): { ok: false; error: ErrorInfo } {
  return { ok: false, error: { code, message } };
}

// ---------------------------------------------------------------------------------------------
// Electron: the preload's bridge

function electronApi(bridge: HookswitchApi): RendererApi {
  return {
    host: 'electron',
    connection: 'open',
    invoke: (command, args) => bridge.invoke(command, args),
    on: (event, listener) => bridge.on(event, listener),
    onConnectionChange: () => () => {},
    onReconnected: () => () => {},
    close: () => {},
  };
}

// ---------------------------------------------------------------------------------------------
// Web host: one WebSocket, reconnected with backoff

/** The part of the DOM WebSocket this client uses; tests pass a fake. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
}
export type SocketFactory = (url: string) => SocketLike;

export interface WebApiOptions {
  url: string;
  createSocket: SocketFactory;
  /** First retry delay; doubles per failed attempt up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a command issued while disconnected waits for the socket before it fails. */
  queueTimeoutMs?: number;
}

const OPEN = 1;

interface Pending {
  command: CommandName;
  resolve: (result: Result<unknown>) => void;
}

interface Queued {
  frame: ClientFrame;
  pending: Pending;
  timer: ReturnType<typeof setTimeout>;
}

type Listener = (payload: never) => void;

export class WebApi implements RendererApi {
  readonly host = 'web' as const;
  connection: ConnectionState = 'connecting';

  private socket: SocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private queue: Queued[] = [];
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();
  private readonly reconnectListeners = new Set<() => void>();
  private attempts = 0;
  private everOpened = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly queueTimeoutMs: number;

  constructor(private readonly options: WebApiOptions) {
    this.initialBackoffMs = options.initialBackoffMs ?? 250;
    this.maxBackoffMs = options.maxBackoffMs ?? 5000;
    this.queueTimeoutMs = options.queueTimeoutMs ?? 5000;
    this.connect();
  }

  invoke<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<Result<CommandResult<C>>> {
    return new Promise((resolve) => {
      const id = this.nextId++;
      const frame: ClientFrame = { type: 'invoke', id, command, args };
      const pending: Pending = { command, resolve: resolve as (r: Result<unknown>) => void };
      if (this.closed) {
        resolve(failure('internal', 'api closed'));
      } else if (this.socket && this.socket.readyState === OPEN) {
        this.send(frame, pending);
      } else {
        const timer = setTimeout(() => {
          this.queue = this.queue.filter((q) => q.frame.id !== id);
          resolve(failure('internal', 'not connected to the host'));
        }, this.queueTimeoutMs);
        this.queue.push({ frame, pending, timer });
      }
    });
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    return () => this.connectionListeners.delete(listener);
  }

  onReconnected(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'closed');
    this.failAll('api closed');
    this.setConnection('closed');
  }

  private send(frame: ClientFrame, pending: Pending): void {
    this.pending.set(frame.id, pending);
    try {
      this.socket?.send(JSON.stringify(frame));
    } catch (err) {
      this.pending.delete(frame.id);
      pending.resolve(failure('internal', `send failed: ${String(err)}`));
    }
  }

  private connect(): void {
    this.retryTimer = null;
    if (this.closed) return;
    let socket: SocketLike;
    try {
      socket = this.options.createSocket(this.options.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempts = 0;
      this.setConnection('open');
      const queued = this.queue;
      this.queue = [];
      for (const q of queued) {
        clearTimeout(q.timer);
        this.send(q.frame, q.pending);
      }
      if (reconnected) for (const l of [...this.reconnectListeners]) l();
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.receive(ev.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.failAll('connection to the host lost');
      this.scheduleRetry();
    };
    // An error is always followed by close; the close handler does the work.
    socket.onerror = () => {};
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    this.setConnection('reconnecting');
    const base = Math.min(this.maxBackoffMs, this.initialBackoffMs * 2 ** this.attempts);
    this.attempts++;
    // Jitter so that many clients do not hammer a restarted host in step.
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.retryTimer = setTimeout(() => { this.connect(); }, delay);
  }

  private failAll(message: string): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.resolve(failure('internal', message));
  }

  private setConnection(state: ConnectionState): void {
    if (this.connection === state) return;
    this.connection = state;
    for (const l of [...this.connectionListeners]) l(state);
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string' || data.length > MAX_FRAME_BYTES) return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const parsed = ServerFrame.safeParse(json);
    if (!parsed.success) return;
    const frame = parsed.data;
    if (frame.type === 'result') {
      const pending = this.pending.get(frame.id);
      if (!pending) return;
      this.pending.delete(frame.id);
      pending.resolve(checkResult(pending.command, frame.result));
      return;
    }
    if (!isEventName(frame.event)) return;
    const payload = events[frame.event].safeParse(frame.payload);
    if (!payload.success) return;
    for (const l of [...(this.listeners.get(frame.event) ?? [])]) {
      try {
        (l as (p: unknown) => void)(payload.data);
      } catch (err) {
        console.error(`listener for ${frame.event} failed`, err);
      }
    }
  }
}

type ResultEnvelope = Extract<ServerFrame, { type: 'result' }>['result'];

function isEventName(name: string): name is EventName {
  return Object.hasOwn(events, name);
}

/** Checks a result envelope against the contract, so the UI only ever sees contract shapes. */
function checkResult(command: CommandName, result: ResultEnvelope): Result<unknown> {
  if (result.ok) {
    const value = commands[command].result.safeParse(result.value);
    return value.success ? { ok: true, value: value.data } : failure('internal', `unexpected result for ${command}`);
  }
  const error = ErrorInfo.safeParse(result.error);
  return error.success ? { ok: false, error: error.data } : failure('internal', result.error.message);
}

// ---------------------------------------------------------------------------------------------
// The web host's per-run token

const TOKEN_KEY = 'hookswitch.token';

export interface TokenPlace {
  location: Pick<Location, 'hash' | 'pathname' | 'search'>;
  history: Pick<History, 'replaceState' | 'state'>;
  storage: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * The token arrives once in the URL fragment (#token=…). It moves to sessionStorage, so a reload
 * keeps working, and leaves the visible URL, so it is not copied or bookmarked with it.
 */
export function takeWebToken(place: TokenPlace): string | null {
  const hash = place.location.hash.startsWith('#') ? place.location.hash.slice(1) : place.location.hash;
  const fromHash = new URLSearchParams(hash).get(WEB_TOKEN_PARAM);
  if (fromHash) {
    place.storage.setItem(TOKEN_KEY, fromHash);
    place.history.replaceState(place.history.state, '', place.location.pathname + place.location.search);
    return fromHash;
  }
  return place.storage.getItem(TOKEN_KEY);
}

export function webApiUrl(location: Pick<Location, 'protocol' | 'host'>, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token === null ? '' : `?${WEB_TOKEN_PARAM}=${encodeURIComponent(token)}`;
  return `${scheme}//${location.host}${WEB_API_PATH}${query}`;
}

// ---------------------------------------------------------------------------------------------

function bridgeOf(win: Window): HookswitchApi | null {
  const bridge: unknown = Reflect.get(win, BRIDGE_KEY);
  if (typeof bridge === 'object' && bridge !== null && 'invoke' in bridge && 'on' in bridge) {
    return bridge as HookswitchApi;
  }
  return null;
}

/** The API for this page: the preload's bridge when there is one, the web host's socket otherwise. */
export function connectApi(win: Window = window): RendererApi {
  const bridge = bridgeOf(win);
  if (bridge) return electronApi(bridge);
  const token = takeWebToken({ location: win.location, history: win.history, storage: win.sessionStorage });
  return new WebApi({
    url: webApiUrl(win.location, token),
    createSocket: (url) => new WebSocket(url),
  });
}
