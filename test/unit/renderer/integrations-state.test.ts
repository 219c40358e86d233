// WebhooksState behind the settings' webhook log, against a fake API: the log is grouped per
// webhook, and a test or retry that main refuses keeps its error for the page to show, even
// though the log is read again right after.
import { beforeAll, describe, expect, it } from 'vitest';
import type { WebhookDelivery } from '../../../preload/contract.ts';
import type { WebhooksState as WebhooksStateType } from '../../../renderer/src/state/integrations-state.svelte.ts';
import { fakeApi, importRuneModule, ok } from './history-support.ts';

let WebhooksState: typeof WebhooksStateType;

beforeAll(async () => {
  const mod = (await importRuneModule('renderer/src/state/integrations-state.svelte.ts')) as { WebhooksState: typeof WebhooksStateType };
  WebhooksState = mod.WebhooksState;
});

const delivery = (id: number, hookId: string): WebhookDelivery => ({
  id,
  hookId,
  eventType: 'Delivered',
  callId: `c${String(id)}`,
  createdAt: 1_760_000_000_000 + id,
  state: 'delivered',
  attempts: 1,
  nextAt: null,
  lastStatus: 200,
  lastError: null,
  finishedAt: 1_760_000_000_100 + id,
});

describe('WebhooksState', () => {
  it('groups the log per webhook; a refused test keeps its error; a good one clears it', async () => {
    let refuse = true;
    const { api } = fakeApi((command) => {
      if (command === 'webhooks:log') return ok({ deliveries: [delivery(3, 'crm'), delivery(2, 'tickets'), delivery(1, 'crm')], pending: { crm: 1 } });
      if (command === 'webhooks:test' && refuse) return { ok: false, error: { code: 'invalid-argument', message: 'no webhook crm' } };
      return ok(null);
    });
    const state = new WebhooksState(api);
    await state.test('crm');
    expect(state.error).toEqual({ code: 'invalid-argument', message: 'no webhook crm' });
    expect(state.deliveries.crm?.map((d) => d.id)).toEqual([3, 1]);
    expect(state.deliveries.tickets?.map((d) => d.id)).toEqual([2]);
    expect(state.pending).toEqual({ crm: 1 });
    expect(state.busy.crm).toBe(false);
    refuse = false;
    await state.test('crm');
    expect(state.error).toBeNull();
  });
});
