// Webhooks: every call event POSTed to the URLs IT configured, from a queue in the history
// database, so a receiver that is down, or a restart of Hookswitch, loses nothing.
//
// - Each event becomes one delivery per webhook that wants it, queued as the event itself. Its URL
//   and body are filled from the webhook's templates at each attempt (templates.ts encodes every
//   value for where it lands), so a URL corrected in the settings reaches the waiting deliveries;
//   a template that gives no request, or a secret that cannot be read, fails the attempt (and it
//   is retried) rather than sending something else.
// - A webhook's deliveries go out one at a time, oldest first: a receiver sees events in order.
//   A failed attempt is retried with exponential backoff (and the receiver's Retry-After); after
//   maxAgeMs the delivery is given up, marked failed in the log, and the next one goes.
// - Each request is signed when the webhook has a secret: X-Hookswitch-Signature is
//   `sha256=` + hex HMAC-SHA256(secret, X-Hookswitch-Timestamp + "." + body). Redirects are not
//   followed (the signed body must not travel elsewhere).
import { createHmac } from 'node:crypto';
import type { WebhookSettings } from '../../../preload/contract.ts';
import { messageOf } from '../errors.ts';
import type { DeliveryInsert, HistoryStore, StoredDelivery } from '../history/history-store.ts';
import { digitsOf } from '../numbers/phone-number.ts';
import type { Clock, Logger } from '../ports.ts';
import { CtiEvent } from './api-schema.ts';
import { emptyValues, EVENT_FIELDS, fillJson, fillUrl, type TemplateValues, type EventField } from './templates.ts';

export type DeliveryQueue = Pick<HistoryStore, 'queueDeliveries' | 'pendingHeads' | 'recordAttempt' | 'retryNow' | 'dropDeliveries' | 'deliveryLog'>;

export interface WebhookTiming {
  /** One attempt's bound, connection to last byte. */
  timeoutMs: number;
  /** The wait after the first failure; it doubles with each, up to maxRetryMs. */
  firstRetryMs: number;
  maxRetryMs: number;
  /** A delivery still failing this long after its event is given up. */
  maxAgeMs: number;
  /** Deliveries kept waiting per webhook; beyond it the oldest go. */
  maxPending: number;
}

export const DEFAULT_WEBHOOK_TIMING: WebhookTiming = {
  timeoutMs: 10_000,
  firstRetryMs: 1000,
  maxRetryMs: 5 * 60_000,
  maxAgeMs: 24 * 3600_000,
  maxPending: 10_000,
};

/** A receiver's Retry-After is honoured up to this. */
const MAX_RETRY_AFTER_MS = 3600_000;

export interface WebhooksOptions {
  clock: Clock;
  logger: Logger;
  random: () => number;
  settings: () => readonly WebhookSettings[];
  /** The webhook's signing secret, null when it has none; throws when it cannot be read. */
  secret: (hookId: string) => Promise<string | null>;
  queue: () => DeliveryQueue;
  newId: () => string;
  version: string;
  /** A delivery was queued, made or given up. */
  onChange: () => void;
  timing?: Partial<WebhookTiming>;
}

/** What an event gives the webhook templates. */
export function eventValues(event: CtiEvent): TemplateValues<EventField> {
  return {
    e164: event.remote.e164 ?? '',
    number: event.remote.number,
    digits: digitsOf(event.remote.number),
    name: event.contact?.name ?? event.remote.displayName,
    company: event.contact?.company ?? '',
    crmId: event.contact?.crmId ?? '',
    direction: event.direction,
    callId: event.callId,
    event: event.type,
    timestamp: event.timestamp,
    account: event.accountId,
    cause: event.cause?.reason ?? '',
  };
}

/** What the settings page's test delivery sends. */
interface TestEvent {
  type: 'Test';
  eventId: string;
  timestamp: string;
  message: string;
}

/** What a queued event (a call event, or the test) gives the templates; null when it is neither. */
function valuesOf(json: string): TemplateValues<EventField> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  const event = CtiEvent.safeParse(parsed);
  if (event.success) return eventValues(event.data);
  const test = parsed as Partial<TestEvent> | null;
  if (test?.type === 'Test' && typeof test.timestamp === 'string') return { ...emptyValues(EVENT_FIELDS), event: 'Test', timestamp: test.timestamp };
  return null;
}

/** The request a queued event makes with the webhook's settings as they are now, or why it cannot. */
export function webhookRequest(hook: Pick<WebhookSettings, 'url' | 'bodyTemplate'>, eventJson: string): { url: string; body: string } | { problem: string } {
  const values = valuesOf(eventJson);
  if (values === null) return { problem: 'the queued event is damaged' };
  const url = fillUrl(hook.url, values, EVENT_FIELDS);
  if (url === null) return { problem: 'the URL template gives no http(s) address' };
  const body = hook.bodyTemplate === '' ? eventJson : fillJson(hook.bodyTemplate, values, EVENT_FIELDS);
  if (body === null) return { problem: 'the body template gives no JSON' };
  return { url, body };
}

/** The signature header's value for a body sent at `timestamp` (seconds). */
export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Why an attempt failed, in a few words for the log. */
function failureText(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timeout';
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  // fetch refuses some ports outright ("bad port"): its cause has a message and no code.
  if (code === '' && typeof cause?.message === 'string' && cause.message !== '') return cause.message.slice(0, 200);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  if (code.startsWith('ERR_TLS') || code.includes('CERT')) return `TLS: ${code}`;
  return code !== '' ? code : messageOf(err).slice(0, 200);
}

export class Webhooks {
  private readonly timing: WebhookTiming;
  /** Queue writes, in event order. */
  private writes: Promise<void> = Promise.resolve();
  private readonly busy = new Set<string>();
  private readonly timers = new Map<string, unknown>();
  private readonly inFlight = new Set<Promise<void>>();
  private started = false;
  private stopped = false;

  constructor(private readonly options: WebhooksOptions) {
    this.timing = { ...DEFAULT_WEBHOOK_TIMING, ...options.timing };
  }

  start(): void {
    this.started = true;
    this.kick();
  }

  /** A call event: queued for every enabled webhook that wants it. */
  event(event: CtiEvent): void {
    const json = JSON.stringify(event);
    const createdAt = this.options.clock.now();
    const items: DeliveryInsert[] = this.options
      .settings()
      .filter((hook) => hook.enabled && (hook.events.length === 0 || hook.events.includes(event.type)))
      .map((hook) => ({ hookId: hook.id, eventId: event.eventId, eventType: event.type, callId: event.callId, event: json, createdAt }));
    if (items.length > 0) this.enqueue(items);
  }

  /** A test delivery for one webhook, through the queue like any event. */
  async test(hookId: string): Promise<void> {
    if (!this.options.settings().some((h) => h.id === hookId)) return;
    const eventId = this.options.newId();
    const test: TestEvent = { type: 'Test', eventId, timestamp: new Date(this.options.clock.now()).toISOString(), message: 'A test delivery from Hookswitch.' };
    this.enqueue([{ hookId, eventId, eventType: 'Test', callId: '', event: JSON.stringify(test), createdAt: this.options.clock.now() }]);
    await this.writes;
  }

  async retry(hookId: string): Promise<void> {
    await this.options.queue().retryNow(hookId, this.options.clock.now());
    this.clearTimer(hookId);
    void this.pump(hookId);
  }

  /** The settings changed: deliveries of removed webhooks are dropped; enabled ones go on. */
  settingsChanged(): void {
    const keep = this.options.settings().map((h) => h.id);
    this.writes = this.writes
      .then(async () => {
        const dropped = await this.options.queue().dropDeliveries(keep, this.options.clock.now());
        if (dropped > 0) {
          this.options.logger.info(`webhooks: ${dropped} waiting deliveries of removed webhooks dropped`);
          this.options.onChange();
        }
      })
      .catch((err: unknown) => {
        this.options.logger.warn(`webhooks: dropping deliveries of removed webhooks failed: ${messageOf(err)}`);
      });
    for (const id of this.timers.keys()) if (!keep.includes(id)) this.clearTimer(id);
    void this.writes.then(() => {
      this.kick();
    });
  }

  log(hookId: string | null, limit: number): ReturnType<DeliveryQueue['deliveryLog']> {
    return this.options.queue().deliveryLog(hookId, limit);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const id of [...this.timers.keys()]) this.clearTimer(id);
    await this.writes;
    await Promise.allSettled([...this.inFlight]);
  }

  private enqueue(items: DeliveryInsert[]): void {
    this.writes = this.writes
      .then(async () => {
        await this.options.queue().queueDeliveries(items, this.timing.maxPending);
        this.options.onChange();
        for (const id of new Set(items.map((i) => i.hookId))) void this.pump(id);
      })
      .catch((err: unknown) => {
        this.options.logger.error(`webhooks: queueing ${items.length} deliveries failed: ${messageOf(err)}`);
      });
  }

  /** Starts every webhook with waiting deliveries. */
  private kick(): void {
    if (!this.started || this.stopped) return;
    this.options
      .queue()
      .pendingHeads()
      .then((heads) => {
        for (const id of new Set(heads.map((h) => h.hookId))) void this.pump(id);
      })
      .catch((err: unknown) => {
        this.options.logger.warn(`webhooks: reading the queue failed: ${messageOf(err)}`);
      });
  }

  /** Sends one webhook's deliveries in order until none is due; then waits for the next retry. */
  private async pump(hookId: string): Promise<void> {
    if (!this.started || this.stopped || this.busy.has(hookId)) return;
    this.busy.add(hookId);
    try {
      for (;;) {
        // stop() may have come while the last attempt was under way.
        if (this.halted()) return;
        const hook = this.options.settings().find((h) => h.id === hookId);
        if (!hook?.enabled) return;
        const head = (await this.options.queue().pendingHeads()).find((h) => h.hookId === hookId);
        if (!head) return;
        // No wait is ever set longer than the longest backoff or Retry-After: a longer one means the
        // clock was set back, and the delivery is due now.
        const wait = (head.nextAt ?? 0) - this.options.clock.now();
        if (wait > 0 && wait <= this.longestWaitMs()) {
          this.schedule(hookId, wait);
          return;
        }
        const attempt = this.attempt(hook, head);
        this.inFlight.add(attempt);
        try {
          await attempt;
        } finally {
          this.inFlight.delete(attempt);
        }
      }
    } catch (err) {
      this.options.logger.warn(`webhooks: ${hookId}: ${messageOf(err)}`);
      this.schedule(hookId, this.timing.firstRetryMs);
    } finally {
      this.busy.delete(hookId);
    }
  }

  private async attempt(hook: WebhookSettings, head: StoredDelivery): Promise<void> {
    const { clock, logger } = this.options;
    const sentAt = clock.now();
    const timestamp = Math.floor(sentAt / 1000);
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'User-Agent': `Hookswitch/${this.options.version}`,
      'X-Hookswitch-Event': head.eventType,
      'X-Hookswitch-Delivery': head.eventId,
      'X-Hookswitch-Timestamp': String(timestamp),
    };
    let status: number | null = null;
    let error: string | null = null;
    let retryAfterMs = 0;
    const request = webhookRequest(hook, head.event);
    let secret: string | null = null;
    try {
      // A webhook with a secret never goes out unsigned: a secret store that fails fails the attempt.
      secret = await this.options.secret(hook.id);
    } catch (err) {
      error = `the signing secret could not be read (${messageOf(err).slice(0, 100)})`;
    }
    if ('problem' in request) error = request.problem;
    else if (error === null) {
      if (secret !== null && secret !== '') headers['X-Hookswitch-Signature'] = signature(secret, timestamp, request.body);
      try {
        const response = await fetch(request.url, { method: 'POST', headers, body: request.body, redirect: 'manual', signal: AbortSignal.timeout(this.timing.timeoutMs) });
        status = response.status;
        retryAfterMs = Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Number(response.headers.get('retry-after') ?? '0') * 1000) || 0);
        await response.body?.cancel().catch(() => undefined);
        if (status < 200 || status > 299) error = `HTTP ${status}`;
      } catch (err) {
        error = failureText(err);
      }
    }
    const now = clock.now();
    const attempts = head.attempts + 1;
    if (error === null) {
      await this.options.queue().recordAttempt(head.id, { at: now, delivered: true, status, error: null, nextAt: null });
    } else {
      const backoff = Math.min(this.timing.firstRetryMs * 2 ** (attempts - 1), this.timing.maxRetryMs) * (0.8 + 0.4 * this.options.random());
      const nextAt = now + Math.max(backoff, retryAfterMs);
      const giveUp = nextAt - head.createdAt > this.timing.maxAgeMs;
      if (giveUp) logger.warn(`webhooks: ${hook.id}: gave up on ${head.eventType} ${head.eventId} after ${attempts} attempts (${error})`);
      await this.options.queue().recordAttempt(head.id, { at: now, delivered: false, status, error, nextAt: giveUp ? null : Math.round(nextAt) });
    }
    this.options.onChange();
  }

  /** The longest a delivery is ever told to wait: the backoff's cap with its jitter, or a Retry-After. */
  private longestWaitMs(): number {
    return Math.max(this.timing.maxRetryMs * 1.2, MAX_RETRY_AFTER_MS) + 1000;
  }

  private halted(): boolean {
    return this.stopped;
  }

  private schedule(hookId: string, ms: number): void {
    this.clearTimer(hookId);
    this.timers.set(
      hookId,
      this.options.clock.setTimeout(() => {
        this.timers.delete(hookId);
        void this.pump(hookId);
      }, ms),
    );
  }

  private clearTimer(hookId: string): void {
    const timer = this.timers.get(hookId);
    if (timer !== undefined) this.options.clock.clearTimeout(timer);
    this.timers.delete(hookId);
  }
}
