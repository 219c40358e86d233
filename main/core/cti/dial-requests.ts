// Numbers from outside, from arrival to the call: a link, `hookswitch dial`, or the dial shortcut
// hands over text; it becomes a dial request that is refused with a reason, confirmed by the user
// (settings clickToDial.confirm), or dialled at once. A request that may be dialled at once while
// the account is not registered yet (the link started the app) waits for the registration, for a
// bounded time. Every request the user did not act on stays listed until dismissed, so a number
// from outside is never dropped without a word.
import type { Call, ClickToDialSettings, DialRequest } from '../../../preload/contract.ts';
import { AppError, toErrorInfo } from '../errors.ts';
import { normalizeNumber } from '../numbers/phone-number.ts';
import type { NumberContext } from '../numbers/dial-plan.ts';
import { plainText } from '../plain-text.ts';
import type { Clock, Logger } from '../ports.ts';
import { parseDialTarget } from '../sip/dial-target.ts';
import { numberInText, parseDialArgument, parseDialLink, type OutsideNumber } from './dial-links.ts';

export type DialSource = DialRequest['source'];
/** How the text arrived: a link, a command-line argument (a number or a link), or free text. */
export type DialForm = 'link' | 'argument' | 'text';

/** Requests kept at once; beyond it the oldest goes. */
export const MAX_DIAL_REQUESTS = 8;
/** How long a request waits for the account to register before it is refused. */
export const REGISTRATION_WAIT_MS = 30_000;

export interface DialRequestsOptions {
  clock: Clock;
  logger: Logger;
  settings: () => ClickToDialSettings;
  numbers: () => NumberContext;
  /** The default account's SIP address (for numbers) and whether it can place a call now. */
  defaultAccount: () => { sipUri: string; ready: boolean } | null;
  dial: (target: string, accountId?: string) => Call;
  /** The name of the contact with this number, '' when none (never throws). */
  contactName: (target: string) => Promise<string>;
  onChange: (requests: DialRequest[]) => void;
  newId: () => string;
}

interface Entry {
  request: DialRequest;
  timer: unknown;
}

export class DialRequests {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: DialRequestsOptions) {}

  list(): DialRequest[] {
    return [...this.entries.values()].map((e) => structuredClone(e.request));
  }

  /** Takes a number from outside; resolves to the request as it stands (dialled requests are gone). */
  async submit(text: string, form: DialForm, source: DialSource): Promise<DialRequest | null> {
    const request: DialRequest = {
      id: this.options.newId(),
      source,
      text: plainText(text, 200),
      state: 'refused',
      target: '',
      numberDisplay: '',
      kind: null,
      contactName: '',
      error: null,
      at: this.options.clock.now(),
    };
    let found: OutsideNumber;
    try {
      found = this.find(text, form);
      const account = this.options.defaultAccount();
      // Checked as a call would be (the dial plan, the SIP URI), so a request never fails later for its form.
      const parsed = parseDialTarget(found.target, account?.sipUri || 'sip:check@localhost', this.options.numbers());
      request.target = found.target;
      request.kind = parsed.kind === 'address' && account !== null && !sameDomain(parsed.uri, account.sipUri) ? 'international' : parsed.kind;
      request.numberDisplay = parsed.kind === 'address' ? found.target : normalizeNumber(found.target, this.options.numbers().country).display;
    } catch (err) {
      request.error = toErrorInfo(err);
      this.options.logger.warn(`dial request from ${source} refused: ${request.error.message}`);
      this.add(request);
      return structuredClone(request);
    }
    request.contactName = await this.options.contactName(request.target).catch(() => '');
    if (this.mustConfirm(request)) {
      request.state = 'confirm';
      this.add(request);
      return structuredClone(request);
    }
    return this.dialOrWait(request);
  }

  /** The user confirmed: dial it on the account they picked (or the default). */
  confirm(id: string, accountId?: string): Call {
    const entry = this.entries.get(id);
    if (!entry || entry.request.state === 'refused') throw new AppError('invalid-argument', `no dial request ${id} to confirm`);
    const call = this.options.dial(entry.request.target, accountId);
    this.remove(id);
    return call;
  }

  dismiss(id: string): void {
    this.remove(id);
  }

  /** An account's registration changed: requests waiting for it are dialled now. */
  accountsChanged(): void {
    if (!this.options.defaultAccount()?.ready) return;
    for (const entry of [...this.entries.values()]) {
      if (entry.request.state === 'waiting') void this.dialOrWait(entry.request);
    }
  }

  dispose(): void {
    for (const entry of this.entries.values()) this.options.clock.clearTimeout(entry.timer);
    this.entries.clear();
  }

  private find(text: string, form: DialForm): OutsideNumber {
    if (form === 'link') return parseDialLink(text);
    if (form === 'argument') return parseDialArgument(text);
    return numberInText(text, this.options.numbers());
  }

  private mustConfirm(request: DialRequest): boolean {
    const policy = this.options.settings().confirm;
    if (policy === 'always') return true;
    if (policy === 'never') return false;
    return !(request.kind === 'extension' || request.kind === 'national' || request.kind === 'address');
  }

  private dialOrWait(request: DialRequest): DialRequest | null {
    if (!this.options.defaultAccount()?.ready) {
      if (request.state !== 'waiting') {
        request.state = 'waiting';
        this.add(request, () => {
          request.state = 'refused';
          request.error = { code: 'not-registered', message: 'the account did not register in time to dial this number' };
          this.changed();
        });
      }
      return structuredClone(request);
    }
    this.remove(request.id);
    try {
      this.options.dial(request.target);
      return null;
    } catch (err) {
      request.state = 'refused';
      request.error = toErrorInfo(err);
      this.add(request);
      return structuredClone(request);
    }
  }

  private add(request: DialRequest, onWaitOver?: () => void): void {
    const previous = this.entries.get(request.id);
    if (previous) this.options.clock.clearTimeout(previous.timer);
    const timer = onWaitOver ? this.options.clock.setTimeout(onWaitOver, REGISTRATION_WAIT_MS) : null;
    this.entries.set(request.id, { request, timer });
    while (this.entries.size > MAX_DIAL_REQUESTS) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest, false);
    }
    this.changed();
  }

  private remove(id: string, notify = true): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.options.clock.clearTimeout(entry.timer);
    this.entries.delete(id);
    if (notify) this.changed();
  }

  private changed(): void {
    this.options.onChange(this.list());
  }
}

function hostOf(uri: string): string {
  return /@([^;:>]+)/.exec(uri)?.[1]?.toLowerCase() ?? '';
}

function sameDomain(a: string, b: string): boolean {
  return hostOf(a) !== '' && hostOf(a) === hostOf(b);
}
