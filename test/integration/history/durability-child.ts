// Run by durability.test.ts as a plain Node process (bundled): writes call records through the
// store on its own thread, an insert and four updates each, and prints one line per committed
// write, synchronously, only after the store has returned. It is SIGKILLed at random moments.
import { writeSync } from 'node:fs';
import { silentLogger } from '../../../main/core/ports.ts';
import { createHistoryStore } from '../../../main/host/history/create-history-store.ts';
import { stateAt, STEPS } from './durability-steps.ts';

const [file, runArg] = process.argv.slice(2);
if (file === undefined || runArg === undefined) throw new Error('usage: durability-child <file> <run>');
const run = Number(runArg);
// Never outlives a test that forgot it.
setTimeout(() => process.exit(3), 20_000).unref();

const store = createHistoryStore({ file, logger: silentLogger, mode: 'in-thread' });
const opened = await store.open();
writeSync(1, `OPEN ${String(opened.closedStale)}\n`);
for (let n = 0; ; n += 1) {
  const callId = `run${String(run)}-call${String(n)}`;
  const first = stateAt(callId, 0);
  const id = await store.insertCall({
    callId,
    direction: 'incoming',
    account: 'sip:agent@pbx.example.com',
    remoteUri: 'sip:+15551234567@pbx.example.com',
    number: '+1 555 123 4567',
    e164: '+15551234567',
    digits: '15551234567',
    displayName: first.displayName,
    startedAt: first.startedAt,
  });
  writeSync(1, `${JSON.stringify({ id, callId, step: 0 })}\n`);
  for (let step = 1; step < STEPS; step += 1) {
    const s = stateAt(callId, step);
    if (step === 3) await store.wrapUp(id, { notes: s.notes, tags: ['durable'] });
    else await store.updateCall(id, { displayName: s.displayName, answeredAt: s.answeredAt, endedAt: s.endedAt, durationS: s.durationS, outcome: s.outcome });
    writeSync(1, `${JSON.stringify({ id, callId, step })}\n`);
  }
}
