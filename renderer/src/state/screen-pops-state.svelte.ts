// The screen-pops of live calls, by call id: who is calling (or being called), their recent calls
// and the CRM link. Main sends them with the state and as `calls:screenPop` events; they go when
// their call goes.
import type { Call, ErrorInfo, ScreenPop } from '../../../preload/contract.ts';
import type { RendererApi } from '../lib/api.ts';

export class ScreenPopsState {
  byCall = $state.raw<Readonly<Record<string, ScreenPop>>>({});
  /** Call ids whose card the user folded away (kept for the call's life). */
  collapsed = $state.raw<Readonly<Record<string, true>>>({});
  /** Per call id: the last "Open in CRM" that failed. */
  errors = $state.raw<Readonly<Record<string, ErrorInfo>>>({});
  readonly #api: RendererApi;
  /** Calls seen in `calls:changed`: a pop is dropped once its call was listed and then is not. */
  #listed: readonly string[] = [];

  constructor(api: RendererApi) {
    this.#api = api;
  }

  get(callId: string): ScreenPop | undefined {
    return this.byCall[callId];
  }

  replace(pops: readonly ScreenPop[]): void {
    this.byCall = Object.fromEntries(pops.map((p) => [p.callId, p]));
  }

  set(pop: ScreenPop): void {
    this.byCall = { ...this.byCall, [pop.callId]: pop };
  }

  /** The calls changed: pops (and their folding) of calls that are gone go too. */
  keep(calls: readonly Call[]): void {
    const ids = calls.map((c) => c.id);
    const gone = (id: string): boolean => !ids.includes(id) && this.#listed.includes(id);
    if (Object.keys(this.byCall).some(gone)) this.byCall = Object.fromEntries(Object.entries(this.byCall).filter(([id]) => !gone(id)));
    if (Object.keys(this.collapsed).some(gone)) this.collapsed = Object.fromEntries(Object.entries(this.collapsed).filter(([id]) => !gone(id)));
    if (Object.keys(this.errors).some(gone)) this.errors = Object.fromEntries(Object.entries(this.errors).filter(([id]) => !gone(id)));
    this.#listed = ids;
  }

  isCollapsed(callId: string): boolean {
    return this.collapsed[callId] === true;
  }

  toggle(callId: string): void {
    if (this.collapsed[callId]) {
      const { [callId]: _open, ...rest } = this.collapsed;
      this.collapsed = rest;
    } else {
      this.collapsed = { ...this.collapsed, [callId]: true };
    }
  }

  async openCrm(callId: string): Promise<boolean> {
    if (callId in this.errors) {
      const { [callId]: _cleared, ...rest } = this.errors;
      this.errors = rest;
    }
    const result = await this.#api.invoke('calls:openCrm', { callId });
    if (!result.ok) this.errors = { ...this.errors, [callId]: result.error };
    return result.ok;
  }
}
