// Fakes for the core's ports: in-memory settings file and secret store, an event sink that
// records, a media engine that answers at once, a clock that moves only when told.
import type {
  AccountSettings,
  AccountStatus,
  CallState,
  EventName,
  EventPayload,
  MediaOp,
  MediaRequest,
  MediaResult,
  Settings,
} from '../../../../preload/contract.ts';
import type { Clock, EventSink, Logger, MediaEngine, SecretStore, SettingsFile } from '../../../../main/core/ports.ts';
import { defaultAccount, defaultSettings } from '../../../../main/core/settings/settings-defaults.ts';

export class MemorySettingsFile implements SettingsFile {
  text: string | null;
  readonly writes: string[] = [];
  readonly movedAside: string[] = [];

  constructor(text: string | null = null) {
    this.text = text;
  }

  read(): Promise<string | null> {
    return Promise.resolve(this.text);
  }

  write(text: string): Promise<void> {
    this.text = text;
    this.writes.push(text);
    return Promise.resolve();
  }

  moveAside(): Promise<string> {
    if (this.text === null) return Promise.reject(new Error('nothing to move'));
    this.movedAside.push(this.text);
    this.text = null;
    return Promise.resolve(`/tmp/settings.json.corrupt-${this.movedAside.length}`);
  }
}

export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();
  unavailable = false;

  get(key: string): Promise<string | null> {
    if (this.unavailable) return Promise.reject(new Error('keychain locked'));
    return Promise.resolve(this.values.get(key) ?? null);
  }

  set(key: string, value: string): Promise<void> {
    if (this.unavailable) return Promise.reject(new Error('keychain locked'));
    this.values.set(key, value);
    return Promise.resolve();
  }

  delete(key: string): Promise<void> {
    if (this.unavailable) return Promise.reject(new Error('keychain locked'));
    this.values.delete(key);
    return Promise.resolve();
  }
}

export interface Emitted {
  event: EventName;
  payload: unknown;
  to?: string;
}

type Waiter = { check: () => boolean; resolve: () => void };

export class RecordingEvents implements EventSink {
  readonly emitted: Emitted[] = [];
  /** Called for emitTo, e.g. to play a renderer's media engine. */
  onEmitTo: ((senderId: string, event: EventName, payload: unknown) => void) | null = null;
  private waiters: Waiter[] = [];

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emitted.push({ event, payload: structuredClone(payload) });
    this.wake();
  }

  emitTo<E extends EventName>(senderId: string, event: E, payload: EventPayload<E>): void {
    this.emitted.push({ event, payload: structuredClone(payload), to: senderId });
    this.onEmitTo?.(senderId, event, payload);
    this.wake();
  }

  all<E extends EventName>(event: E): EventPayload<E>[] {
    return this.emitted.filter((e) => e.event === event && e.to === undefined).map((e) => e.payload as EventPayload<E>);
  }

  last<E extends EventName>(event: E): EventPayload<E> | undefined {
    return this.all(event).at(-1);
  }

  /** Resolves once `check` holds (checked after every event and every 10 ms); rejects after `ms`. */
  until(what: string, check: () => boolean, ms = 5000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        check,
        resolve: () => {
          clearTimeout(timer);
          clearInterval(poll);
          resolve();
        },
      };
      const poll = setInterval(() => {
        if (!check()) return;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        waiter.resolve();
      }, 10);
      const timer = setTimeout(() => {
        clearInterval(poll);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}; last events: ${JSON.stringify(this.emitted.slice(-4))}`));
      }, ms);
      this.waiters.push(waiter);
    });
  }

  /** One account's statuses as 'accounts:changed' told them, a repeated one (another account changed) dropped. */
  accountStatuses(accountId = TEST_ACCOUNT_ID): AccountStatus[] {
    const out: AccountStatus[] = [];
    for (const list of this.all('accounts:changed')) {
      const status = list.find((a) => a.accountId === accountId);
      if (status && JSON.stringify(status) !== JSON.stringify(out.at(-1))) out.push(status);
    }
    return out;
  }

  lastAccount(accountId = TEST_ACCOUNT_ID): AccountStatus | undefined {
    return this.last('accounts:changed')?.find((a) => a.accountId === accountId);
  }

  /** Waits until the account reaches `state` (the latest accounts:changed). */
  untilAccount(state: string, ms = 5000, accountId = TEST_ACCOUNT_ID): Promise<void> {
    return this.until(`account ${accountId} ${state}`, () => this.lastAccount(accountId)?.state === state, ms);
  }

  /** Waits until the call list's first call is in `state`. */
  untilCall(state: CallState, ms = 5000): Promise<void> {
    return this.until(`call ${state}`, () => this.last('calls:changed')?.[0]?.state === state, ms);
  }

  private wake(): void {
    const ready = this.waiters.filter((w) => w.check());
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }
}

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

/** Time moves only through advance(); timers run in due order. */
export class FakeClock implements Clock {
  private current: number;
  private timers: Timer[] = [];
  private nextId = 1;

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Delays of the timers now pending, from now. */
  pendingDelays(): number[] {
    return this.timers.map((t) => t.at - this.current).sort((a, b) => a - b);
  }

  advance(ms: number): void {
    const until = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.current = due.at;
      due.fn();
    }
    this.current = until;
  }
}

export const FIXED_SDP = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 9 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=sendrecv',
  '',
].join('\r\n');

/** What a media engine answers to each op when nothing else is said. */
export function defaultMediaResult(request: MediaRequest): unknown {
  switch (request.op) {
    case 'getDescription': {
      const hold = request.options?.hold === true;
      return { body: hold ? FIXED_SDP.replace('a=sendrecv', 'a=sendonly') : FIXED_SDP, contentType: 'application/sdp' };
    }
    case 'sendDtmf':
      return true;
    default:
      return null;
  }
}

/** A MediaEngine that answers at once (or as `answer` says) and records every request. */
export class FakeMediaEngine implements MediaEngine {
  available = true;
  readonly requests: MediaRequest[] = [];
  answer: (request: MediaRequest) => Promise<unknown> = (request) => Promise.resolve(defaultMediaResult(request));

  request<O extends MediaOp>(request: Extract<MediaRequest, { op: O }>): Promise<MediaResult<O>> {
    this.requests.push(structuredClone(request));
    return this.answer(request) as Promise<MediaResult<O>>;
  }

  ops(): MediaOp[] {
    return this.requests.map((r) => r.op);
  }
}

export class RecordingLogger implements Logger {
  readonly lines: { level: string; msg: string }[] = [];
  debug(msg: string): void {
    this.lines.push({ level: 'debug', msg });
  }
  info(msg: string): void {
    this.lines.push({ level: 'info', msg });
  }
  warn(msg: string): void {
    this.lines.push({ level: 'warn', msg });
  }
  error(msg: string): void {
    this.lines.push({ level: 'error', msg });
  }
}

/** The id of the one account most tests configure. */
export const TEST_ACCOUNT_ID = 'main';

/** Default settings with one account (TEST_ACCOUNT_ID) made of `account`. */
export function settingsWith(account: Partial<AccountSettings>): Settings {
  return { ...defaultSettings(), accounts: [{ ...defaultAccount(TEST_ACCOUNT_ID), ...account }] };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
