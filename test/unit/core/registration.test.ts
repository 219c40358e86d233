// The registration state machine, driven through createCore's handlers against a scripted
// SIP-over-WebSocket server on 127.0.0.1 (no Kamailio needed for these paths).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountStatus } from '../../../preload/contract.ts';
import type { AccountStatus as AccountStatusType } from '../../../preload/contract.ts';
import { Registration } from '../../../main/core/sip/registration.ts';
import { systemClock } from '../../../main/core/ports.ts';
import { defaultTiming } from '../../../main/core/timing.ts';
import { FIXED_SDP, FakeClock, RecordingLogger, settingsWith, sleep, TEST_ACCOUNT_ID } from './support/fakes.ts';
import { FakeSipServer, header } from './support/fake-sip-server.ts';
import type { SipMessage } from './support/fake-sip-server.ts';
import { makeCore } from './support/core-harness.ts';
import type { Harness, HarnessOptions } from './support/core-harness.ts';

let server: FakeSipServer;
const cores: Harness[] = [];

function account(extra: Partial<Parameters<typeof settingsWith>[0]> = {}): HarnessOptions['settings'] {
  return settingsWith({ wsUrl: server.url, sipUri: 'sip:1001@127.0.0.1', ...extra });
}

function start(options: HarnessOptions): Harness {
  const h = makeCore(options);
  cores.push(h);
  return h;
}

beforeEach(async () => {
  server = await FakeSipServer.start();
});

afterEach(async () => {
  for (const h of cores.splice(0)) await h.core.stop();
  await server.stop();
});

describe('registration', () => {
  it('registers, asking for a 300 s binding, and publishes every state on the way', async () => {
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    const states = h.events.accountStatuses().map((s) => s.state);
    expect(states).toEqual(['unregistered', 'connecting', 'registering', 'registered']);
    for (const s of h.events.accountStatuses()) expect(AccountStatus.safeParse(s).success).toBe(true);
    const reg = server.requests('REGISTER')[0]!;
    expect(header(reg, 'contact')).toMatch(/;expires=300$/);
    expect(h.core.getState().accounts[0]!).toMatchObject({ state: 'registered', aor: 'sip:1001@127.0.0.1', error: null, attempts: 0 });
  });

  it('does not register at start when registerOnStart is off, and does on account:register', async () => {
    const h = start({ settings: account({ registerOnStart: false }) });
    await h.core.start();
    await sleep(100);
    expect(h.core.getState().accounts[0]!.state).toBe('unregistered');
    expect(server.requests('REGISTER')).toHaveLength(0);
    await h.core.handlers['accounts:register']({ accountId: TEST_ACCOUNT_ID }, { id: 'r' });
    await h.events.untilAccount('registered');
  });

  it('fails with invalid-ws-url and never retries when the server address is not ws(s)://', async () => {
    const h = start({ settings: settingsWith({ wsUrl: 'http://127.0.0.1:1', sipUri: 'sip:1001@127.0.0.1' }) });
    await h.core.start();
    await h.events.untilAccount('failed');
    const before = h.events.accountStatuses().length;
    await sleep(300);
    expect(h.events.accountStatuses()).toHaveLength(before);
    expect(h.core.getState().accounts[0]!).toMatchObject({ state: 'failed', error: { code: 'invalid-ws-url' }, retryAt: null });
  });

  it('fails with invalid-sip-uri and never retries when the address of record is not a SIP URI', async () => {
    const h = start({ settings: account({ sipUri: 'sip:no-user-part' }) });
    await h.core.start();
    await h.events.untilAccount('failed');
    await sleep(300);
    expect(h.core.getState().accounts[0]!).toMatchObject({ state: 'failed', error: { code: 'invalid-sip-uri' }, retryAt: null });
    expect(server.connections).toHaveLength(0);
  });

  it('answers a challenge once with the password and registers', async () => {
    server.onRequest = (req, s) => {
      if (req.method === 'REGISTER' && header(req, 'authorization') === undefined) s.challenge(req);
      else s.defaultHandler(req);
    };
    const h = start({ settings: account({ authUser: 'u1001' }), password: 'secret' });
    await h.core.start();
    await h.events.untilAccount('registered');
    const creds = server.credentialedRegisters();
    expect(creds).toHaveLength(1);
    expect(header(creds[0]!, 'authorization')).toMatch(/username="u1001"/);
  });

  it('wrong password: exactly one credentialed REGISTER, then failed wrong-credentials, never retried', async () => {
    server.onRequest = (req, s) => {
      if (req.method === 'REGISTER') s.challenge(req);
      else s.defaultHandler(req);
    };
    const h = start({ settings: account(), password: 'wrong' });
    await h.core.start();
    await h.events.untilAccount('failed');
    expect(h.core.getState().accounts[0]!.error).toEqual({ code: 'wrong-credentials', status: 401 });
    // Many backoff periods later (retryMaxMs is 100 ms here) nothing more was sent.
    await sleep(600);
    expect(server.credentialedRegisters()).toHaveLength(1);
    expect(server.requests('REGISTER')).toHaveLength(2);
    expect(h.core.getState().accounts[0]!.state).toBe('failed');
  });

  it('a network change does not retry after wrong credentials; the user can', async () => {
    server.onRequest = (req, s) => {
      if (req.method === 'REGISTER') s.challenge(req, { status: 407 });
      else s.defaultHandler(req);
    };
    const h = start({ settings: account(), password: 'wrong' });
    await h.core.start();
    await h.events.untilAccount('failed');
    expect(h.core.getState().accounts[0]!.error).toEqual({ code: 'wrong-credentials', status: 407 });
    h.core.networkChanged('online');
    h.core.networkChanged('resume');
    await sleep(200);
    expect(server.requests('REGISTER')).toHaveLength(2);
    server.onRequest = (req, s) => {
      s.defaultHandler(req);
    };
    const status = await h.core.handlers['accounts:register']({ accountId: TEST_ACCOUNT_ID }, { id: 'r' });
    expect(status.error).toBeNull();
    await h.events.untilAccount('registered');
  });

  it('403 Forbidden is wrong-credentials at once', async () => {
    server.onRequest = (req, s) => {
      if (req.method === 'REGISTER') s.reply(req, 403, 'Forbidden');
    };
    const h = start({ settings: account(), password: 'pw' });
    await h.core.start();
    await h.events.untilAccount('failed');
    expect(h.core.getState().accounts[0]!.error).toEqual({ code: 'wrong-credentials', status: 403 });
    await sleep(300);
    expect(server.requests('REGISTER')).toHaveLength(1);
  });

  it('registers without a password where the PBX does not challenge', async () => {
    const h = start({ settings: account({ authUser: '1001' }) });
    await h.core.start();
    await h.events.untilAccount('registered');
    expect(h.core.getState().settings.passwordsStored.includes(TEST_ACCOUNT_ID)).toBe(false);
  });

  it('no password and a challenge: failed no-password, without sending credentials', async () => {
    server.onRequest = (req, s) => {
      if (req.method === 'REGISTER') s.challenge(req);
    };
    const h = start({ settings: account({ authUser: '1001' }) });
    await h.core.start();
    await h.events.untilAccount('failed');
    expect(h.core.getState().accounts[0]!.error).toEqual({ code: 'no-password', status: 401 });
    await sleep(300);
    expect(server.requests('REGISTER')).toHaveLength(1);
    expect(server.credentialedRegisters()).toHaveLength(0);
  });

  it('503 waits and retries with backoff, then registers', async () => {
    let n = 0;
    server.onRequest = (req, s) => {
      if (req.method === 'REGISTER' && n++ < 2) s.reply(req, 503, 'Service Unavailable');
      else s.defaultHandler(req);
    };
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    const waits = h.events.accountStatuses().filter((s) => s.state === 'waiting-to-retry');
    expect(waits.map((w) => w.attempts)).toEqual([1, 2]);
    expect(waits[0]!.error).toEqual({ code: 'rejected', status: 503 });
    expect(waits[0]!.retryAt).toBeGreaterThan(0);
    expect(h.core.getState().accounts[0]!).toMatchObject({ attempts: 0, error: null });
  });

  it('423 Interval Too Brief: registers again with the Min-Expires asked for, and stays registered', async () => {
    server.onRequest = (req, s) => {
      if (req.method === 'REGISTER' && /;expires=300$/.test(header(req, 'contact') ?? '')) {
        s.reply(req, 423, 'Interval Too Brief', { headers: ['Min-Expires: 600'] });
      } else s.defaultHandler(req);
    };
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    // Longer than the REGISTER bound (400 ms here): nothing is left waiting to time out.
    await sleep(600);
    expect(h.events.accountStatuses().map((st) => st.state)).toEqual(['unregistered', 'connecting', 'registering', 'registered']);
    expect(h.core.getState().accounts[0]!).toMatchObject({ state: 'registered', error: null, attempts: 0 });
    const registers = server.requests('REGISTER');
    expect(registers).toHaveLength(2);
    expect(header(registers[1]!, 'contact')).toMatch(/;expires=600$/);
    expect(server.connections).toHaveLength(1);
  });

  it('other 4xx are rejected for good (404), with the status', async () => {
    server.onRequest = (req, s) => {
      if (req.method === 'REGISTER') s.reply(req, 404, 'Not Found');
    };
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('failed');
    expect(h.core.getState().accounts[0]!.error).toEqual({ code: 'rejected', status: 404 });
    await sleep(300);
    expect(server.requests('REGISTER')).toHaveLength(1);
  });

  it('an unanswered REGISTER is a timeout: the socket is dropped and the attempt retried', async () => {
    let n = 0;
    server.onRequest = (req, s) => {
      if (req.method === 'REGISTER' && n++ === 0) return; // silence
      s.defaultHandler(req);
    };
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered', 3000);
    const wait = h.events.accountStatuses().find((s) => s.state === 'waiting-to-retry');
    expect(wait?.error?.code).toBe('timeout');
    expect(server.connections.length).toBe(2);
  });

  it('a server that answers garbage: bad-response, retried with capped backoff, never a hot loop', async () => {
    server.onRequest = (req) => {
      req.conn.send('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    };
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.until('bad-response', () => h.core.getState().accounts[0]!.error?.code === 'bad-response');
    await sleep(1000);
    const status = h.core.getState().accounts[0]!;
    expect(['waiting-to-retry', 'connecting', 'registering']).toContain(status.state);
    expect(status.attempts).toBeGreaterThan(2);
    // With attempts capped at 100 ms apart here, one second allows about ten, never hundreds.
    expect(server.connections.length).toBeLessThan(20);
    const waits = h.events.accountStatuses().filter((s) => s.state === 'waiting-to-retry');
    for (const w of waits) expect(w.error?.code).toBe('bad-response');
  });

  it.each([
    ['a header that makes the SIP parser throw', ['CSeq: banana']],
    ['a 200 OK without our binding', ['Contact: <sip:someone-else@127.0.0.1>;expires=300']],
  ])('a REGISTER answered with %s is bad-response, and the process survives', async (_what, headers) => {
    let n = 0;
    server.onRequest = (req, s) => {
      if (req.method === 'REGISTER' && n++ === 0) s.reply(req, 200, 'OK', { headers });
      else s.defaultHandler(req);
    };
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered', 3000);
    const wait = h.events.accountStatuses().find((st) => st.state === 'waiting-to-retry');
    expect(wait?.error?.code).toBe('bad-response');
  });

  it('a non-SIP text frame while registered is ignored, not fatal', async () => {
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    server.broadcast('\u0000\u0001 not sip at all');
    server.broadcast('SIP/2.0 200 OK\r\nbroken');
    server.broadcast('OPTIONS sip:x@y SIP/2.0\r\nCSeq: banana\r\n\r\n');
    await sleep(100);
    expect(h.core.getState().accounts[0]!.state).toBe('registered');
  });

  it('the server goes away and comes back: waiting-to-retry (unreachable), then registered again', async () => {
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    await server.stop();
    await h.events.untilAccount('waiting-to-retry');
    expect(h.core.getState().accounts[0]!.error?.code).toBe('unreachable');
    await sleep(250);
    const back = Date.now();
    await server.restart();
    await h.events.untilAccount('registered', 3000);
    expect(Date.now() - back).toBeLessThan(1000);
    expect(server.requests('REGISTER').length).toBeGreaterThanOrEqual(2);
  });

  it('networkChanged skips the backoff', async () => {
    const h = start({ settings: account(), timing: { retryInitialMs: 60_000, retryMaxMs: 60_000 } });
    await h.core.start();
    await h.events.untilAccount('registered');
    await server.stop();
    await h.events.untilAccount('waiting-to-retry');
    expect(h.core.getState().accounts[0]!.retryAt! - Date.now()).toBeGreaterThan(50_000);
    await server.restart();
    h.core.networkChanged('resume');
    await h.events.untilAccount('registered', 2000);
  });

  it('networkChanged while registered proves the registration with a fresh REGISTER', async () => {
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    const before = server.requests('REGISTER').length;
    h.core.networkChanged('online');
    await h.events.until('second REGISTER', () => server.requests('REGISTER').length > before, 2000);
    await sleep(50);
    expect(h.core.getState().accounts[0]!.state).toBe('registered');
  });

  it('networkChanged while registered on a dead socket reconnects', async () => {
    let silent = false;
    server.onRequest = (req, s) => {
      if (!silent) s.defaultHandler(req);
    };
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    silent = true; // a socket that no longer carries anything
    h.core.networkChanged('resume');
    await h.events.untilAccount('waiting-to-retry', 2000);
    expect(h.core.getState().accounts[0]!.error?.code).toBe('timeout');
    silent = false;
    await h.events.untilAccount('registered', 3000);
  });

  it('account:unregister sends expires=0, ends unregistered and stops retrying', async () => {
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    const status = await h.core.handlers['accounts:unregister']({ accountId: TEST_ACCOUNT_ID }, { id: 'r' });
    expect(status.state).toBe('unregistered');
    const last = server.requests('REGISTER').at(-1)!;
    expect(header(last, 'contact')).toMatch(/expires=0/);
    server.dropConnections();
    await sleep(300);
    expect(h.core.getState().accounts[0]!.state).toBe('unregistered');
  });

  it('stop() unregisters, and is bounded when the server stays silent', async () => {
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    server.onRequest = () => undefined;
    const t0 = Date.now();
    await h.core.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(header(server.requests('REGISTER').at(-1)!, 'contact')).toMatch(/expires=0/);
  });

  it('saving a changed account registers with the new one', async () => {
    const other = await FakeSipServer.start();
    try {
      const h = start({ settings: account() });
      await h.core.start();
      await h.events.untilAccount('registered');
      const next = settingsWith({ wsUrl: other.url, sipUri: 'sip:1002@127.0.0.1' });
      await h.core.handlers['settings:save']({ settings: next, passwords: { [TEST_ACCOUNT_ID]: 'pw' } }, { id: 'r' });
      await h.events.until('registered at the new server', () => other.requests('REGISTER').length > 0 && h.core.getState().accounts[0]!.state === 'registered');
      expect(h.core.getState().accounts[0]!.aor).toBe('sip:1002@127.0.0.1');
      // The old binding was removed before the switch.
      expect(header(server.requests('REGISTER').at(-1)!, 'contact')).toMatch(/expires=0/);
    } finally {
      await other.stop();
    }
  });

  it('saving unchanged settings does not re-register', async () => {
    const h = start({ settings: account() });
    await h.core.start();
    await h.events.untilAccount('registered');
    const n = server.requests('REGISTER').length;
    await h.core.handlers['settings:save']({ settings: account({ dtmfMode: 'info' })! }, { id: 'r' });
    await sleep(100);
    expect(server.requests('REGISTER')).toHaveLength(n);
  });
});

describe('backoff on the core clock', () => {
  it('retries after 0.5, 1 s, then every 2 s while the server is unreachable (the defaults)', async () => {
    const closed = await FakeSipServer.start();
    const url = closed.url;
    await closed.stop();
    const clock = new FakeClock();
    const h = start({
      settings: settingsWith({ wsUrl: url, sipUri: 'sip:1001@127.0.0.1' }),
      clock,
      random: () => 0.5,
      timing: { retryInitialMs: defaultTiming.retryInitialMs, retryMaxMs: defaultTiming.retryMaxMs, retryJitter: defaultTiming.retryJitter },
    });
    await h.core.start();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 7; attempt++) {
      await h.events.until(`attempt ${attempt}`, () => h.core.getState().accounts[0]!.attempts === attempt);
      const status = h.core.getState().accounts[0]!;
      expect(status.state).toBe('waiting-to-retry');
      expect(status.error?.code).toBe('unreachable');
      delays.push(status.retryAt! - clock.now());
      clock.advance(status.retryAt! - clock.now());
    }
    expect(delays).toEqual([500, 1000, 2000, 2000, 2000, 2000, 2000]);
  });

  it('retries every second at most while a call waits to be recovered', async () => {
    const closed = await FakeSipServer.start();
    const url = closed.url;
    await closed.stop();
    const clock = new FakeClock();
    let liveCalls = true;
    const statuses: AccountStatusType[] = [];
    const registration = new Registration({
      accountId: TEST_ACCOUNT_ID,
      clock,
      logger: new RecordingLogger(),
      timing: { ...defaultTiming, retryMaxMs: 4000 },
      random: () => 0.5,
      userAgentString: 'Hookswitch/test',
      sessionDescriptionHandlerFactory: () => {
        throw new Error('no media in this test');
      },
      onStatus: (status) => statuses.push(status),
      onInvite: () => undefined,
      hasLiveCalls: () => liveCalls,
    });
    try {
      await registration.configure(settingsWith({ wsUrl: url, sipUri: 'sip:1001@127.0.0.1' }).accounts[0]!, null);
      registration.register();
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 6; attempt++) {
        if (attempt === 4) liveCalls = false;
        await until(() => statuses.at(-1)?.attempts === attempt && statuses.at(-1)?.state === 'waiting-to-retry');
        const retryAt = statuses.at(-1)!.retryAt!;
        delays.push(retryAt - clock.now());
        clock.advance(retryAt - clock.now());
      }
      // With a call waiting: 0.5, then 1 s; once the calls are gone the backoff grows again.
      expect(delays).toEqual([500, 1000, 1000, 4000, 4000, 4000]);
    } finally {
      await registration.stop();
    }
  });

});

describe('incoming INVITEs', () => {
  it('a call handler that throws gets the INVITE answered 500, and the process lives on', async () => {
    const logger = new RecordingLogger();
    const statuses: AccountStatusType[] = [];
    const registration = new Registration({
      accountId: TEST_ACCOUNT_ID,
      clock: systemClock,
      logger,
      timing: { ...defaultTiming, registerTimeoutMs: 1000 },
      random: () => 0.5,
      userAgentString: 'Hookswitch/test',
      sessionDescriptionHandlerFactory: () => {
        throw new Error('no media in this test');
      },
      onStatus: (status) => statuses.push(status),
      onInvite: () => {
        throw new Error('a bug in call handling');
      },
    });
    try {
      await registration.configure(account()!.accounts[0]!, null);
      registration.register();
      await until(() => statuses.at(-1)?.state === 'registered');
      const responses: SipMessage[] = [];
      server.onResponse = (res) => responses.push(res);
      const dialog = server.invite({ sdp: FIXED_SDP });
      await until(() => responses.some((r) => r.status === 500 && header(r, 'call-id') === dialog.callId));
      expect(logger.lines.some((l) => l.level === 'error' && /INVITE/.test(l.msg))).toBe(true);
      // Still registered, and the next INVITE is handled the same way.
      expect(registration.status.state).toBe('registered');
      const second = server.invite({ sdp: FIXED_SDP });
      await until(() => responses.some((r) => r.status === 500 && header(r, 'call-id') === second.callId));
    } finally {
      await registration.stop();
    }
  });
});

describe('connection liveness', () => {
  const quick = { keepAliveIntervalMs: 100, keepAliveTimeoutMs: 100 };

  it('keep-alives that are answered leave the registration alone', async () => {
    const h = start({ settings: account(), timing: quick });
    await h.core.start();
    await h.events.untilAccount('registered');
    await until(() => server.keepAlives >= 3, 3000);
    expect(h.core.getState().accounts[0]!.state).toBe('registered');
    expect(server.connections).toHaveLength(1);
    expect(h.events.accountStatuses().map((st) => st.state)).toEqual(['unregistered', 'connecting', 'registering', 'registered']);
  });

  it('a connection that goes silent (no FIN) is noticed within interval + timeout, and the account reconnects', async () => {
    const h = start({ settings: account(), timing: quick });
    await h.core.start();
    await h.events.untilAccount('registered');
    await until(() => server.keepAlives >= 2, 3000); // answered: the server is known to answer them
    server.answerKeepAlives = false;
    const silentAt = Date.now();
    await h.events.untilAccount('waiting-to-retry', 2000);
    // One interval for the next keep-alive, one timeout for its answer, plus scheduling slack.
    expect(Date.now() - silentAt).toBeLessThan(800);
    expect(h.core.getState().accounts[0]!.error).toMatchObject({ code: 'unreachable', detail: expect.stringMatching(/keep-alive/) as string });
    server.answerKeepAlives = true;
    await h.events.untilAccount('registered', 3000);
    expect(server.connections).toHaveLength(2);
  });

  it('a server that has never answered a keep-alive is not judged by them', async () => {
    server.answerKeepAlives = false;
    const h = start({ settings: account(), timing: quick });
    await h.core.start();
    await h.events.untilAccount('registered');
    await until(() => server.keepAlives >= 3, 3000);
    await sleep(150);
    expect(h.core.getState().accounts[0]!.state).toBe('registered');
    expect(server.connections).toHaveLength(1);
  });

  it('keeps one keep-alive timer only while registered (every 20 s, 10 s for the answer), none after stop', async () => {
    const clock = new FakeClock();
    const h = start({ settings: account(), clock, timing: { keepAliveIntervalMs: 20_000, keepAliveTimeoutMs: 10_000 } });
    await h.core.start();
    await h.events.untilAccount('registered');
    expect(clock.pendingDelays()).toEqual([20_000]);
    clock.advance(20_000);
    await until(() => server.keepAlives === 1);
    expect(clock.pendingDelays()).toEqual([10_000]);
    await sleep(50); // the answer arrives over the socket
    clock.advance(10_000);
    expect(h.core.getState().accounts[0]!.state).toBe('registered');
    // The next one goes 20 s after the last.
    expect(clock.pendingDelays()).toEqual([10_000]);
    clock.advance(10_000);
    await until(() => server.keepAlives === 2);
    // Not registered (the server dropped us): no keep-alive, only the retry.
    server.dropConnections();
    await h.events.untilAccount('waiting-to-retry');
    expect(clock.pendingDelays()).toHaveLength(1);
    expect(clock.pendingDelays()[0]).toBeLessThan(1000);
    clock.advance(clock.pendingDelays()[0]!);
    await h.events.untilAccount('registered');
    expect(clock.pendingDelays()).toEqual([20_000]);
    await h.core.stop();
    expect(clock.pendingDelays()).toEqual([]);
  });
});

/** Polls `check` every 10 ms; rejects after `ms`. */
async function until(check: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}
