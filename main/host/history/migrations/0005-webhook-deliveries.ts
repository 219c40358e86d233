// The webhooks' durable queue and delivery log (main/core/cti/webhooks.ts): one row per event per
// webhook (the event as JSON; its request is built when it is sent), delivered in order per webhook. Waiting rows are found through a partial index; the log
// reads newest first per webhook.
import type { Migration } from './migration.ts';

export const webhookDeliveries: Migration = {
  version: 5,
  name: 'webhook deliveries',
  up(db) {
    db.exec(`
      CREATE TABLE webhook_deliveries (
        id INTEGER PRIMARY KEY,
        hook_id TEXT NOT NULL,
        event_id TEXT NOT NULL,
        event_type TEXT NOT NULL,
        call_id TEXT NOT NULL,
        event TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed', 'dropped')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at INTEGER,
        last_status INTEGER,
        last_error TEXT,
        finished_at INTEGER
      );
      CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (hook_id, id) WHERE state = 'pending';
      CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (hook_id, id);
      CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (finished_at) WHERE state <> 'pending';
    `);
  },
};
