// A connection that dies without a FIN (a laptop moved to another network, a sleeping NAT) must be
// noticed long before the next REGISTER refresh. Here Kamailio answers the core's keep-alives
// (a double CRLF over the WebSocket), and then is frozen with SIGSTOP: its socket stays open,
// the kernel still acknowledges every byte, and nothing answers any more.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKamailio, type Kamailio } from '../support/kamailio.ts';
import { Cleanup } from '../support/process.ts';
import { startCore, type CoreFixture } from './core-fixture.ts';

const KEEP_ALIVE_INTERVAL_MS = 300;
const KEEP_ALIVE_TIMEOUT_MS = 300;

/** The process group of `pid`, from /proc (fields after the command name: state, ppid, pgrp). */
function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const group = Number(fields[2]);
  if (!Number.isInteger(group) || group <= 1) throw new Error(`no process group for ${pid}: ${stat.slice(0, 120)}`);
  return group;
}

describe('connection liveness against Kamailio', () => {
  let kam: Kamailio;
  let core: CoreFixture;
  let frozenGroup: number | null = null;
  const cleanup = new Cleanup();

  const thaw = (): void => {
    if (frozenGroup === null) return;
    process.kill(-frozenGroup, 'SIGCONT');
    frozenGroup = null;
  };

  beforeAll(async () => {
    kam = await startKamailio();
    cleanup.add('kamailio', () => kam.stop());
    // Undone before Kamailio is stopped (cleanup runs in reverse): never leave it frozen.
    cleanup.add('thaw kamailio', () => {
      thaw();
      return Promise.resolve();
    });
    core = await startCore({
      timing: {
        keepAliveIntervalMs: KEEP_ALIVE_INTERVAL_MS,
        keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
        connectTimeoutMs: 1000,
        registerTimeoutMs: 1000,
      },
    });
    cleanup.add('core', () => core.stop());
    await core.registerAs({ wsUrl: kam.wsUrl, user: '1801' });
  });

  afterAll(() => cleanup.run());

  it('Kamailio answers the keep-alives: the registration stays on its one connection', async () => {
    const registeredAt = Date.now();
    await new Promise((r) => setTimeout(r, 8 * KEEP_ALIVE_INTERVAL_MS));
    const since = core.accountHistory().filter((h) => h.at >= registeredAt);
    expect(since.map((h) => h.status.state)).toEqual([]);
    expect(core.account().state).toBe('registered');
    expect(kam.requests().filter((r) => r.method === 'REGISTER' && r.fromUser === '1801')).toHaveLength(1);
  });

  it('a frozen server is noticed within one interval and one timeout, and the account registers again once it is back', async () => {
    frozenGroup = processGroupOf(kam.pid);
    const frozenAt = Date.now();
    process.kill(-frozenGroup, 'SIGSTOP');
    const waiting = await core.waitForAccount('waiting-to-retry', (s) => s.state === 'waiting-to-retry', 5000);
    const noticedMs = Date.now() - frozenAt;
    console.log(`a silent connection was noticed after ${noticedMs} ms`);
    expect(noticedMs).toBeLessThan(KEEP_ALIVE_INTERVAL_MS + KEEP_ALIVE_TIMEOUT_MS + 700);
    expect(waiting.error?.code).toBe('unreachable');
    expect(waiting.error?.detail).toMatch(/keep-alive/);

    await new Promise((r) => setTimeout(r, 1500));
    expect(core.account().state).not.toBe('registered');
    thaw();
    const thawedAt = Date.now();
    await core.waitForAccount('registered again', (s) => s.state === 'registered', 10_000);
    console.log(`registered again ${Date.now() - thawedAt} ms after the server came back`);
    expect(core.account()).toMatchObject({ error: null, attempts: 0 });
    expect(core.violations).toEqual([]);
  });
});
