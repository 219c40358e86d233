// Message waiting (MWI, RFC 3842): a SUBSCRIBE to the account's own message-summary once it is
// registered, and the NOTIFYs that follow, or unsolicited NOTIFYs (many PBXs send those without a
// subscription). The body is caller-supplied text: read leniently, bounded, never trusted further.
import { Subscriber, SubscriptionState } from 'sip.js';
import type { Notification, UserAgent } from 'sip.js';
import type { AccountStatus } from '../../../preload/contract.ts';
import { messageOf } from '../errors.ts';
import { plainText } from '../plain-text.ts';
import type { Logger } from '../ports.ts';

export type Voicemail = NonNullable<AccountStatus['voicemail']>;

const MAX_COUNT = 100_000;

function count(text: string | undefined): number {
  const n = Number.parseInt(text ?? '0', 10);
  return Number.isFinite(n) ? Math.min(Math.max(n, 0), MAX_COUNT) : 0;
}

/** The message-summary body, or null when it is not one (no Messages-Waiting line). */
export function parseMessageSummary(body: string): Voicemail | null {
  const lines = body.slice(0, 8192).split(/\r?\n/);
  let waiting: boolean | null = null;
  let messageAccount: string | null = null;
  let newMessages = 0;
  let oldMessages = 0;
  for (const line of lines) {
    const m = /^\s*([A-Za-z-]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const name = (m[1] ?? '').toLowerCase();
    const value = m[2] ?? '';
    if (name === 'messages-waiting') waiting = /^yes$/i.test(value);
    else if (name === 'message-account') messageAccount = plainText(value, 512) || null;
    else if (name === 'voice-message') {
      // "new/old (urgent-new/urgent-old)"
      const counts = /^(-?\d+)\s*\/\s*(-?\d+)/.exec(value);
      newMessages = count(counts?.[1]);
      oldMessages = count(counts?.[2]);
    }
  }
  if (waiting === null) return null;
  return { waiting, newMessages, oldMessages, messageAccount };
}

export interface MessageWaitingOptions {
  logger: Logger;
  onChange: (voicemail: Voicemail) => void;
  /** SUBSCRIBE expiry asked for; sip.js refreshes before it runs out. */
  expiresS?: number;
}

export class MessageWaiting {
  private subscriber: Subscriber | null = null;

  constructor(private readonly options: MessageWaitingOptions) {}

  /** Subscribes on this user agent (again: after a reconnect the server may have forgotten it). */
  subscribe(ua: UserAgent): void {
    this.stop();
    const target = ua.configuration.uri;
    const subscriber = new Subscriber(ua, target, 'message-summary', { expires: this.options.expiresS ?? 3600 });
    subscriber.delegate = {
      onNotify: (notification) => {
        this.onNotify(notification);
      },
    };
    subscriber.stateChange.addListener((state) => {
      // A server without MWI answers 489 or 404: it may still send unsolicited NOTIFYs.
      if (state === SubscriptionState.Terminated && this.subscriber === subscriber) this.subscriber = null;
    });
    this.subscriber = subscriber;
    subscriber.subscribe().catch((err: unknown) => {
      this.options.logger.info(`voicemail: SUBSCRIBE not sent: ${messageOf(err)}`);
    });
  }

  /** A NOTIFY: a message-summary is taken (200), anything else is not ours (489 Bad Event). */
  onNotify(notification: Notification): void {
    const event = (notification.request.getHeader('Event') ?? '').split(';')[0]?.trim().toLowerCase();
    if (event !== 'message-summary') {
      notification.reject({ statusCode: 489 }).catch(() => undefined);
      return;
    }
    notification.accept().catch((err: unknown) => {
      this.options.logger.debug(`voicemail: NOTIFY not answered: ${messageOf(err)}`);
    });
    const summary = parseMessageSummary(notification.request.body);
    if (summary === null) {
      this.options.logger.warn('voicemail: a message-summary NOTIFY without Messages-Waiting was ignored');
      return;
    }
    this.options.onChange(summary);
  }

  stop(): void {
    const subscriber = this.subscriber;
    this.subscriber = null;
    if (!subscriber) return;
    subscriber.dispose().catch((err: unknown) => {
      this.options.logger.debug(`voicemail: unsubscribing failed: ${messageOf(err)}`);
    });
  }
}
