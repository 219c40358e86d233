// Child processes for tests (Kamailio, sipp, ss): each one has a hard deadline, is ended by its
// PID and keeps its output, so a hung server can never outlive the test run nor hide its log.
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the deadline passed and the process was killed for it. */
  timedOut: boolean;
}

export interface BoundedProcessOptions {
  /** Hard limit: SIGKILL by PID once this many ms have passed. */
  timeoutMs: number;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Also append all output here (kept after the test for post-mortems). */
  logFile?: string;
  /**
   * Put the child in a process group of its own and signal the whole group, so workers it
   * forked (Kamailio's children) die with it instead of holding its sockets open.
   */
  group?: boolean;
}

export interface BoundedProcess {
  readonly pid: number;
  /** The program, as given to spawnBounded. */
  readonly command: string;
  readonly exited: Promise<ExitInfo>;
  /** Whether the process (group leader) has not exited yet. */
  running(): boolean;
  /** Everything written to stdout and stderr so far, interleaved as it arrived. */
  output(): string;
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL if still alive after graceMs; resolves when it has exited. */
  stop(graceMs?: number): Promise<ExitInfo>;
}

/** Kept only to bound memory if a process is very chatty; the log file keeps everything. */
const MAX_KEPT_OUTPUT = 4 * 1024 * 1024;

const live = new Set<BoundedProcess>();

export function spawnBounded(command: string, args: readonly string[], options: BoundedProcessOptions): BoundedProcess {
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.group === true,
  });
  if (child.pid === undefined) {
    throw new Error(`could not start ${command}`);
  }
  const pid = child.pid;
  let out = '';
  let exitInfo: ExitInfo | null = null;
  let timedOut = false;

  const onData = (chunk: Buffer): void => {
    const text = chunk.toString('utf8');
    if (out.length < MAX_KEPT_OUTPUT) out += text;
    if (options.logFile) appendFileSync(options.logFile, text);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);

  const sendSignal = (sig: NodeJS.Signals): void => {
    try {
      // A negative PID addresses the group this child leads (only when we created one).
      process.kill(options.group === true ? -pid : pid, sig);
    } catch {
      // already gone
    }
  };

  const deadline = setTimeout(() => {
    timedOut = true;
    sendSignal('SIGKILL');
  }, options.timeoutMs);
  deadline.unref();

  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (err) => {
      out += `\n[spawn error] ${err.message}\n`;
    });
    child.once('close', (code, sig) => {
      clearTimeout(deadline);
      exitInfo = { code, signal: sig, timedOut };
      live.delete(handle);
      resolve(exitInfo);
    });
  });

  const handle: BoundedProcess = {
    pid,
    command,
    exited,
    running: () => exitInfo === null,
    output: () => out,
    signal: sendSignal,
    async stop(graceMs = 3000) {
      if (exitInfo) return exitInfo;
      sendSignal('SIGTERM');
      const killTimer = setTimeout(() => {
        sendSignal('SIGKILL');
      }, graceMs);
      const info = await exited;
      clearTimeout(killTimer);
      // Group members may outlive the leader briefly; make sure none keeps a socket.
      if (options.group === true) sendSignal('SIGKILL');
      return info;
    },
  };
  live.add(handle);
  return handle;
}

export interface RunResult extends ExitInfo {
  output: string;
}

/** Runs a command to completion under a hard deadline. */
export async function runBounded(command: string, args: readonly string[], options: BoundedProcessOptions): Promise<RunResult> {
  const proc = spawnBounded(command, args, options);
  const info = await proc.exited;
  return { ...info, output: proc.output() };
}

/** Every bounded process still running, for a last-resort cleanup in afterAll. */
export function liveProcesses(): BoundedProcess[] {
  return [...live];
}

/**
 * Bounded waiting, the same discipline as bounded processes: polls `check` until it returns a
 * value other than undefined/false, or throws after timeoutMs naming what it waited for.
 */
export async function pollUntil<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
  intervalMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/**
 * What a test file must undo, registered as each thing starts, so afterAll undoes exactly what
 * beforeAll managed to start (in reverse order), even when beforeAll failed halfway. Ends with
 * stopAllProcesses, so no child outlives the file.
 */
export class Cleanup {
  private readonly steps: { what: string; fn: () => Promise<void> }[] = [];

  add(what: string, fn: () => Promise<void>): void {
    this.steps.push({ what, fn });
  }

  async run(): Promise<void> {
    const failures: string[] = [];
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step.fn();
      } catch (err) {
        failures.push(`${step.what}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await stopAllProcesses();
    if (failures.length > 0) throw new Error(`cleanup failed:\n${failures.join('\n')}`);
  }
}

/** Kills by PID every bounded process this test file started that is still running. */
export async function stopAllProcesses(graceMs = 2000): Promise<void> {
  await Promise.all(liveProcesses().map((p) => p.stop(graceMs)));
}
