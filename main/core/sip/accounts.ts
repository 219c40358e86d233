// Every configured SIP account, registered at once: one Registration (user agent, WebSocket,
// backoff) per account, created when an account appears in the settings and stopped when it
// leaves them. The list is published whole, in the settings' order.
import type { Core, Invitation, SessionDescriptionHandlerFactory } from 'sip.js';
import type { AccountSettings, AccountStatus } from '../../../preload/contract.ts';
import { AppError, messageOf } from '../errors.ts';
import type { Clock, Logger } from '../ports.ts';
import { isAccountConfigured } from '../settings/settings-defaults.ts';
import type { CoreTiming } from '../timing.ts';
import { Registration } from './registration.ts';

export interface AccountsOptions {
  clock: Clock;
  logger: Logger;
  timing: CoreTiming;
  random: () => number;
  userAgentString: string;
  sessionDescriptionHandlerFactory: SessionDescriptionHandlerFactory;
  /** The stored password of an account, or null. */
  password: (accountId: string) => Promise<string | null>;
  onStatuses: (statuses: AccountStatus[]) => void;
  onInvite: (invitation: Invitation, accountId: string) => void;
  /** An account registered again after its connection had been lost, or proven after a network change. */
  onRecovered: (accountId: string) => void;
  /** An account's connection was lost. */
  onConnectionLost: (accountId: string) => void;
  /** The account has calls in progress. */
  hasLiveCalls: (accountId: string) => boolean;
  /** An UPDATE arrived on one account's connection; true when it was taken (see Registration). */
  onUpdate: (message: Core.IncomingRequestMessage, reply: (statusCode: number) => void) => boolean;
  /** An account is about to get a new user agent (or go away): its calls cannot continue. */
  onReplaced: (accountId: string) => Promise<void>;
}

/** Which accounts register now: those that changed (a save), or those that say so at start. */
export type RegisterWhen = 'if-changed' | 'on-start';

export class Accounts {
  private readonly registrations = new Map<string, Registration>();
  /** Settings order. */
  private order: string[] = [];
  private stopped = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: AccountsOptions) {}

  statuses(): AccountStatus[] {
    return this.order.flatMap((id) => {
      const r = this.registrations.get(id);
      return r ? [r.status] : [];
    });
  }

  /** The account's registration, or no-such-account. */
  get(accountId: string): Registration {
    const r = this.registrations.get(accountId);
    if (!r) throw new AppError('no-such-account', `no account ${accountId.slice(0, 40)}`);
    return r;
  }

  has(accountId: string): boolean {
    return this.registrations.has(accountId);
  }

  /** The account outgoing calls use when none is named: the first registered, else the first. */
  defaultAccountId(): string | null {
    const registered = this.order.find((id) => this.registrations.get(id)?.isRegistered);
    return registered ?? this.order[0] ?? null;
  }

  /** The account whose address of record this is (history call-backs), or null. */
  byAor(aor: string): string | null {
    return this.order.find((id) => this.registrations.get(id)?.status.aor === aor) ?? null;
  }

  register(accountId: string): AccountStatus {
    return this.get(accountId).register();
  }

  unregister(accountId: string): Promise<AccountStatus> {
    return this.get(accountId).unregister();
  }

  /**
   * Takes the accounts from settings, one after another so two saves never race: new ones get a
   * registration, removed ones are stopped, changed ones get a new user agent (their calls end
   * first). `when` says which register now.
   */
  apply(accounts: readonly AccountSettings[], when: RegisterWhen): Promise<void> {
    const run = this.queue.then(() => this.applyNow(accounts, when));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(accounts: readonly AccountSettings[], when: RegisterWhen): Promise<void> {
    if (this.stopped) return;
    const ids = new Set(accounts.map((a) => a.id));
    let removed = false;
    for (const [id, registration] of [...this.registrations]) {
      if (ids.has(id)) continue;
      await this.options.onReplaced(id);
      await registration.stop();
      this.registrations.delete(id);
      removed = true;
    }
    const order = accounts.map((a) => a.id);
    const reordered = order.join('\n') !== this.order.join('\n');
    this.order = order;
    // A new account publishes itself when it is configured; a removal or a new order is told here.
    if (removed || (reordered && order.every((id) => this.registrations.has(id)))) this.publish();
    for (const account of accounts) {
      const registration = this.registrations.get(account.id) ?? this.create(account.id);
      const password = await this.options.password(account.id);
      if (!registration.isCurrent(account, password)) await this.options.onReplaced(account.id);
      const wasFailed = registration.status.state === 'failed';
      const changed = await registration.configure(account, password);
      if (!isAccountConfigured(account)) continue;
      const register = when === 'on-start' ? account.registerOnStart : changed || wasFailed;
      if (register) registration.register();
    }
  }

  /** Each account re-registers at once (resume, back online). */
  networkChanged(reason: 'resume' | 'online'): void {
    for (const r of this.registrations.values()) r.networkChanged(reason);
  }

  /** Unregisters every account (bounded each) and stops their user agents. */
  stop(): Promise<void> {
    const run = this.queue.then(async () => {
      this.stopped = true;
      await Promise.all([...this.registrations.values()].map((r) => r.stop()));
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private create(accountId: string): Registration {
    const { options } = this;
    const registration = new Registration({
      accountId,
      clock: options.clock,
      logger: options.logger,
      timing: options.timing,
      random: options.random,
      userAgentString: options.userAgentString,
      sessionDescriptionHandlerFactory: options.sessionDescriptionHandlerFactory,
      onStatus: () => {
        this.publish();
      },
      onInvite: (invitation) => {
        options.onInvite(invitation, accountId);
      },
      onRecovered: () => {
        options.onRecovered(accountId);
      },
      onConnectionLost: () => {
        options.onConnectionLost(accountId);
      },
      hasLiveCalls: () => options.hasLiveCalls(accountId),
      onUpdate: options.onUpdate,
    });
    this.registrations.set(accountId, registration);
    return registration;
  }

  private publish(): void {
    try {
      this.options.onStatuses(this.statuses());
    } catch (err) {
      this.options.logger.error(`accounts: publishing statuses failed: ${messageOf(err)}`);
    }
  }
}
