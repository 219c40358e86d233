// USB headsets and desk phones as main sees them, plus what the device page does with them: the
// live input values, the LEDs the user is trying and the last failed action per device.
import type { ErrorInfo, HeadsetInputEvent, HeadsetOutput, HeadsetView } from '../../../preload/contract.ts';
import type { RendererApi } from '../lib/api.ts';
import { applyInput, downloadText, keepDevices, withOutput, type DownloadPort, type LiveInputs } from '../lib/headsets.ts';

export class HeadsetsState {
  // Raw state: every change replaces the object, so no deep proxies are needed.
  list = $state.raw<HeadsetView[]>([]);
  live = $state.raw<LiveInputs>({});
  /**
   * Per in-use device id: the outputs its switches show as on. Main's `trying` is the truth (a call
   * change gives the LEDs back to the calls); while the user's own changes are on their way, the
   * switches show those instead, so fast clicks build on each other rather than on an older list.
   */
  trying = $state.raw<Readonly<Record<string, HeadsetOutput[]>>>({});
  /** Per device id: the last try or export that failed. */
  errors = $state.raw<Readonly<Record<string, ErrorInfo>>>({});
  /** Device ids with an export in flight. */
  exporting = $state.raw<Readonly<Record<string, boolean>>>({});
  readonly #api: RendererApi;
  #fromMain: Readonly<Record<string, HeadsetOutput[]>> = {};
  /** `headsets:try` commands not answered yet, per device id (bookkeeping, not shown). */
  readonly #inFlight: Record<string, number> = {};

  constructor(api: RendererApi) {
    this.#api = api;
  }

  replace(list: HeadsetView[]): void {
    this.list = list;
    const inUse = list.filter((v) => v.status === 'in-use');
    this.#fromMain = Object.fromEntries(inUse.filter((v) => v.trying.length > 0).map((v) => [v.id, v.trying]));
    const shown: Record<string, HeadsetOutput[]> = {};
    for (const { id } of inUse) {
      const outputs = id in this.#inFlight ? this.trying[id] : this.#fromMain[id];
      if (outputs && outputs.length > 0) shown[id] = outputs;
    }
    this.trying = shown;
    this.live = keepDevices(this.live, list);
    this.errors = keepDevices(this.errors, list);
  }

  input(event: HeadsetInputEvent): void {
    this.live = applyInput(this.live, event);
  }

  /** Switches one output of one device and sends the whole set that is now on. */
  async tryOutput(id: string, name: HeadsetOutput, lit: boolean): Promise<void> {
    const outputs = withOutput(this.trying[id] ?? [], name, lit);
    this.#setTrying(id, outputs);
    this.#inFlight[id] = (this.#inFlight[id] ?? 0) + 1;
    let result: Awaited<ReturnType<RendererApi['invoke']>>;
    try {
      result = await this.#api.invoke('headsets:try', { id, outputs });
    } finally {
      const left = (this.#inFlight[id] ?? 1) - 1;
      if (left > 0) this.#inFlight[id] = left;
      else Reflect.deleteProperty(this.#inFlight, id);
    }
    if (result.ok) {
      this.#clearError(id);
      return;
    }
    this.errors = { ...this.errors, [id]: result.error };
    // Back to what main shows, unless another change is still on its way.
    if (!(id in this.#inFlight)) this.#setTrying(id, this.#fromMain[id] ?? []);
  }

  /** Gives every device's LEDs back to the calls (the page closes). */
  releaseAll(): void {
    const ids = Object.keys(this.trying);
    this.trying = {};
    for (const id of ids) void this.#api.invoke('headsets:try', { id, outputs: [] });
  }

  async exportBundle(id: string, port: DownloadPort): Promise<boolean> {
    this.exporting = { ...this.exporting, [id]: true };
    this.#clearError(id);
    try {
      const result = await this.#api.invoke('headsets:supportBundle', { id });
      if (!result.ok) {
        this.errors = { ...this.errors, [id]: result.error };
        return false;
      }
      downloadText(port, result.value.fileName, result.value.json);
      return true;
    } catch {
      this.errors = { ...this.errors, [id]: { code: 'internal', message: 'download failed' } };
      return false;
    } finally {
      const { [id]: _done, ...rest } = this.exporting;
      this.exporting = rest;
    }
  }

  #setTrying(id: string, outputs: HeadsetOutput[]): void {
    if (outputs.length > 0) {
      this.trying = { ...this.trying, [id]: outputs };
    } else if (id in this.trying) {
      const { [id]: _off, ...rest } = this.trying;
      this.trying = rest;
    }
  }

  #clearError(id: string): void {
    if (!(id in this.errors)) return;
    const { [id]: _cleared, ...rest } = this.errors;
    this.errors = rest;
  }
}
