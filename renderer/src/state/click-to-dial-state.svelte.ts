// Numbers from outside (links, `hookswitch dial`, the dial shortcut) as main holds them, and the
// desktop's side of it for the settings page: which program opens links, and the shortcut.
import type { DesktopStatus, DialRequest, ErrorInfo, LinkScheme } from '../../../preload/contract.ts';
import type { RendererApi } from '../lib/api.ts';

export class DialRequestsState {
  list = $state<DialRequest[]>([]);
  /** The last failed confirm per request (the call could not be placed). */
  errors = $state<Record<string, ErrorInfo>>({});
  busy = $state<Record<string, boolean>>({});
  readonly #api: RendererApi;

  constructor(api: RendererApi) {
    this.#api = api;
  }

  replace(list: DialRequest[]): void {
    this.list = list;
    const ids = list.map((r) => r.id);
    if (Object.keys(this.errors).some((id) => !ids.includes(id))) {
      this.errors = Object.fromEntries(Object.entries(this.errors).filter(([id]) => ids.includes(id)));
    }
  }

  /** Dials the request's number (on the account picked, or the default); true once the call exists. */
  async confirm(requestId: string, accountId: string | null): Promise<boolean> {
    this.busy[requestId] = true;
    try {
      const result = await this.#api.invoke('dial:confirm', accountId === null ? { requestId } : { requestId, accountId });
      if (!result.ok) this.errors[requestId] = result.error;
      return result.ok;
    } finally {
      this.busy[requestId] = false;
    }
  }

  async dismiss(requestId: string): Promise<void> {
    const result = await this.#api.invoke('dial:dismiss', { requestId });
    if (result.ok) this.list = this.list.filter((r) => r.id !== requestId);
  }
}

export class DesktopState {
  status = $state<DesktopStatus | null>(null);
  error = $state<ErrorInfo | null>(null);
  /** The scheme whose "make default" is in flight. */
  busy = $state<LinkScheme | null>(null);
  readonly #api: RendererApi;

  constructor(api: RendererApi) {
    this.#api = api;
  }

  async refresh(): Promise<void> {
    const result = await this.#api.invoke('desktop:status', undefined);
    if (result.ok) this.status = result.value;
    else this.error = result.error;
  }

  async makeDefault(scheme: LinkScheme): Promise<void> {
    this.busy = scheme;
    this.error = null;
    try {
      const result = await this.#api.invoke('desktop:makeDefaultHandler', { scheme });
      if (result.ok) this.status = result.value;
      else this.error = result.error;
    } finally {
      this.busy = null;
    }
  }
}
