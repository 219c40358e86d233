// The local CTI API and the webhooks as the settings page shows them: the API's status as main
// reports it, and its token, fetched only when the user asks to see or replace it.
import type { ApiStatus, ErrorInfo } from '../../../preload/contract.ts';
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
