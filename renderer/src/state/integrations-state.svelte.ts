// The local CTI API and the webhooks as the settings page shows them: the API's status as main
// reports it, and its token, fetched only when the user asks to see or replace it.
import type { ApiStatus, ErrorInfo, WebhookDelivery } from '../../../preload/contract.ts';
import type { RendererApi } from '../lib/api.ts';

export class ApiState {
  status = $state<ApiStatus>({ state: 'off', port: null, error: null });
  /** The token once the user asked to see it; null while hidden. */
  token = $state<string | null>(null);
  error = $state<ErrorInfo | null>(null);
  busy = $state(false);
  readonly #api: RendererApi;

  constructor(api: RendererApi) {
    this.#api = api;
  }

  async reveal(regenerate = false): Promise<void> {
    this.busy = true;
    this.error = null;
    try {
      const result = await this.#api.invoke('api:token', { regenerate });
      if (result.ok) this.token = result.value.token;
      else this.error = result.error;
    } finally {
      this.busy = false;
    }
  }

  hide(): void {
    this.token = null;
  }
}

/** Each webhook's recent deliveries, refreshed when main says a delivery changed. */
export class WebhooksState {
  deliveries = $state<Record<string, WebhookDelivery[]>>({});
  pending = $state<Record<string, number>>({});
  /** Bumped by main on every queued, made or given-up delivery. */
  revision = $state(0);
  error = $state<ErrorInfo | null>(null);
  busy = $state<Record<string, boolean>>({});
  readonly #api: RendererApi;

  constructor(api: RendererApi) {
    this.#api = api;
  }

  async refresh(): Promise<void> {
    const result = await this.#api.invoke('webhooks:log', { hookId: null, limit: 200 });
    if (!result.ok) {
      this.error = result.error;
      return;
    }
    const byHook: Record<string, WebhookDelivery[]> = {};
    for (const d of result.value.deliveries) (byHook[d.hookId] ??= []).push(d);
    this.deliveries = byHook;
    this.pending = result.value.pending;
    this.error = null;
  }

  test(hookId: string): Promise<void> {
    return this.#run(hookId, () => this.#api.invoke('webhooks:test', { hookId }));
  }

  retry(hookId: string): Promise<void> {
    return this.#run(hookId, () => this.#api.invoke('webhooks:retry', { hookId }));
  }

  async #run(hookId: string, command: () => Promise<{ ok: boolean; error?: ErrorInfo }>): Promise<void> {
    this.busy[hookId] = true;
    try {
      const result = await command();
      await this.refresh();
      // After the refresh, which clears the error it had: a refused test or retry stays said.
      if (!result.ok) this.error = result.error ?? null;
    } finally {
      this.busy[hookId] = false;
    }
  }
}
