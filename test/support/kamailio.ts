// A real Kamailio 5.6 (registrar + proxy, optional digest auth and BLF presence) for one test
// file: its own ports, its own run directory, foreground process ended by PID. It refuses to
// run outside the loopback-only network namespace of test/in-netns.sh, so no test leaks packets.
import { cpSync, chownSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBounded, spawnBounded, type BoundedProcess } from './process.ts';

const here = dirname(fileURLToPath(import.meta.url));
const configFile = join(here, 'kamailio.cfg');

/** Default bound on one Kamailio's life: longer than any test file, short enough to never linger. */
const KAMAILIO_MAX_LIFE_MS = 10 * 60_000;
const READY_TIMEOUT_MS = 8_000;

export interface KamailioOptions {
  /** Digest auth for WS clients, password "pw" + user. */
  auth?: boolean;
  /** Dialog-event presence (BLF) and message-summary (MWI). */
  presence?: boolean;
  /** Follow a callee's 3xx to its Contact, as a PBX does with call forwarding. */
  redirects?: boolean;
  /** debug=3 in Kamailio's log. */
  debug?: boolean;
  /** Fixed ports; by default free ones are picked so test files never collide. */
  wsPort?: number;
  udpPort?: number;
  /** Hard bound on its life, enforced by coreutils `timeout` even if the test process dies. */
  maxLifeMs?: number;
}

export interface Kamailio {
  /** e.g. ws://127.0.0.1:40123 */
  readonly wsUrl: string;
  readonly wsPort: number;
  readonly udpPort: number;
  /** PID of the current Kamailio main process (changes after restart()). */
  readonly pid: number;
  readonly runDir: string;
  /**
   * SIGTERM, SIGKILL after a bound; idempotent and final. The run directory is removed unless
   * HOOKSWITCH_KEEP_TEST_LOGS=1 (log() still answers from memory).
   */
  stop(): Promise<void>;
  /** SIGKILL the whole process group at once: the server "goes away" without a goodbye. */
  kill(): Promise<void>;
  /** Starts again on the same ports (after kill() or stop()). */
  restart(): Promise<void>;
  /** Everything Kamailio logged since the first start, across restarts. */
  log(): string;
  /** Requests Kamailio received, from the "hsw-req" line the config logs for each one. */
  requests(): ReceivedRequest[];
}

export interface ReceivedRequest {
  method: string;
  ruri: string;
  proto: string;
  source: string;
  fromUser: string;
}

export function assertInNetns(what: string): void {
  if (process.env.HOOKSWITCH_IN_NETNS !== '1') {
    throw new Error(
      `${what} runs only inside a loopback-only network namespace, so that no test sends a packet ` +
        `beyond 127.0.0.1. Run it as: bash test/in-netns.sh npx vitest run --project integration`,
    );
  }
}

/** A port nothing listens on right now (the OS picks it; TCP). */
export async function freeTcpPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('no port'));
        return;
      }
      srv.close(() => {
        resolvePort(addr.port);
      });
    });
  });
}

/** A UDP port nothing is bound to right now. */
export async function freeUdpPort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const sock = createSocket('udp4');
    sock.once('error', reject);
    sock.bind(0, '127.0.0.1', () => {
      const port = sock.address().port;
      sock.close(() => {
        resolvePort(port);
      });
    });
  });
}

let runCounter = 0;

export async function startKamailio(options: KamailioOptions = {}): Promise<Kamailio> {
  assertInNetns('The Kamailio test harness');
  const udpPort = options.udpPort ?? (await freeUdpPort());
  let wsPort = options.wsPort ?? (await freeTcpPort());
  while (wsPort === udpPort && options.wsPort === undefined) wsPort = await freeTcpPort();

  runCounter += 1;
  // Under the system temp folder, not the checkout: Kamailio drops to nobody, who may not be able
  // to traverse the folder a clone lives in (/root, a home directory with mode 0700).
  const runDir = mkdtempSync(join(tmpdir(), `hookswitch-kamailio-${String(runCounter)}-`));
  const logFile = join(runDir, 'kamailio.log');

  const defines: string[] = [`UDP_PORT=${udpPort}`, `WS_PORT=${wsPort}`];
  if (options.auth) defines.push('WITH_AUTH');
  if (options.debug) defines.push('WITH_DEBUG');
  if (options.redirects) defines.push('WITH_REDIRECT');
  if (options.presence) {
    // pua needs a loadable db_url even though every table stays in memory.
    cpSync('/usr/share/kamailio/dbtext/kamailio', join(runDir, 'dbtext'), { recursive: true });
    defines.push('WITH_PRESENCE', `PRESENCE_SERVER="sip:127.0.0.1:${udpPort}"`, `DB_URL="text://${join(runDir, 'dbtext')}"`);
  }
  const defineArgs = defines.flatMap((d) => ['-A', d]);

  // Never run a network server as root; inside `unshare -r` "root" is fake and nobody is
  // unmapped, so in-netns.sh asks us to keep the user there.
  const userArgs: string[] = [];
  if (process.getuid?.() === 0 && process.env.HOOKSWITCH_KAMAILIO_NO_DROP !== '1') {
    const uid = lookupId('/etc/passwd', 'nobody') ?? 65534;
    const gid = lookupId('/etc/group', 'nogroup') ?? 65534;
    chownRecursive(runDir, uid, gid);
    userArgs.push('-u', 'nobody', '-g', existsGroup('nogroup') ? 'nogroup' : String(gid));
  }

  const check = await runBounded('kamailio', ['-c', '-f', configFile, ...defineArgs], { timeoutMs: 10_000 });
  if (check.code !== 0) {
    throw new Error(`kamailio.cfg does not parse with [${defines.join(' ')}]:\n${check.output.slice(-3000)}`);
  }

  const args = [
    '-f', configFile, ...defineArgs, ...userArgs,
    // -DD: stay in the foreground (no daemon, so its whole process group is ours to signal);
    // -E: log to stderr, which we collect.
    '-DD', '-E', '-m', '64', '-M', '8', '-Y', runDir, '-w', runDir,
  ];

  let proc: BoundedProcess | null = null;
  let stopped = false;
  let logBefore = '';

  const maxLifeS = Math.ceil((options.maxLifeMs ?? KAMAILIO_MAX_LIFE_MS) / 1000);
  let mainPid = -1;
  const launch = async (): Promise<void> => {
    // `timeout` bounds Kamailio even if this test process is killed before its afterAll runs;
    // our own deadline (a little later) backs it up while we live.
    const p = spawnBounded('timeout', ['-k', '3', String(maxLifeS), 'kamailio', ...args], {
      timeoutMs: (maxLifeS + 5) * 1000,
      group: true,
      logFile,
      cwd: runDir,
    });
    proc = p;
    await waitUntilListening(p, udpPort, wsPort);
    mainPid = childPid(p.pid) ?? p.pid;
  };

  const currentLog = (): string => logBefore + (proc ? proc.output() : '');

  const end = async (how: 'stop' | 'kill'): Promise<void> => {
    const p = proc;
    if (!p) return;
    if (how === 'kill') {
      p.signal('SIGKILL');
      await p.exited;
    } else {
      await p.stop(3000);
    }
    logBefore += p.output() + `\n--- kamailio ${mainPid} ${how === 'kill' ? 'killed' : 'stopped'} ---\n`;
    proc = null;
  };

  try {
    await launch();
  } catch (err) {
    await end('kill');
    throw err;
  }

  return {
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    wsPort,
    udpPort,
    runDir,
    get pid() {
      return proc ? mainPid : -1;
    },
    async stop() {
      stopped = true;
      await end('stop');
      if (process.env.HOOKSWITCH_KEEP_TEST_LOGS !== '1') rmSync(runDir, { recursive: true, force: true });
    },
    kill: () => end('kill'),
    async restart() {
      if (stopped) throw new Error('this Kamailio was stopped for good; start a new one');
      await end('stop');
      try {
        await launch();
      } catch (err) {
        await end('kill');
        throw err;
      }
    },
    log: currentLog,
    requests: () => parseRequests(currentLog()),
  };
}

const REQUEST_LINE = /hsw-req (\S+) (\S+) (\w+):([\d.]+:\d+) from=(\S*)/g;

export function parseRequests(log: string): ReceivedRequest[] {
  const out: ReceivedRequest[] = [];
  for (const m of log.matchAll(REQUEST_LINE)) {
    out.push({ method: m[1] ?? '', ruri: m[2] ?? '', proto: m[3] ?? '', source: m[4] ?? '', fromUser: m[5] ?? '' });
  }
  return out;
}

async function waitUntilListening(proc: BoundedProcess, udpPort: number, wsPort: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!proc.running()) {
      throw new Error(`kamailio exited during start:\n${proc.output().slice(-3000)}`);
    }
    if (udpListening(udpPort) && (await tcpAccepts(wsPort))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`kamailio did not listen on udp ${udpPort} / tcp ${wsPort} within ${READY_TIMEOUT_MS} ms:\n${proc.output().slice(-3000)}`);
}

/** /proc/net/udp lists the sockets of this network namespace; local address 127.0.0.1 = 0100007F. */
export function udpListening(port: number): boolean {
  const want = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  try {
    return readFileSync('/proc/net/udp', 'utf8')
      .split('\n')
      .some((line) => line.trim().split(/\s+/)[1] === want);
  } catch {
    return false;
  }
}

export function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolveOk) => {
    const sock = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      sock.destroy();
      resolveOk(ok);
    };
    sock.setTimeout(500, () => {
      done(false);
    });
    sock.once('connect', () => {
      done(true);
    });
    sock.once('error', () => {
      done(false);
    });
  });
}

/** The (single) child of pid, here Kamailio's main process under `timeout`. */
function childPid(pid: number): number | undefined {
  try {
    const first = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

function lookupId(file: string, name: string): number | null {
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const parts = line.split(':');
      if (parts[0] === name && parts[2] !== undefined) return Number(parts[2]);
    }
  } catch {
    // no such file: fall back to the conventional id
  }
  return null;
}

function existsGroup(name: string): boolean {
  return lookupId('/etc/group', name) !== null;
}

function chownRecursive(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) chownRecursive(child, uid, gid);
    else chownSync(child, uid, gid);
  }
}
