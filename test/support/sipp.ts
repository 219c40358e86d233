// sipp as a scripted SIP peer on UDP behind the test Kamailio: register a UDP contact, then run
// one of our scenarios (test/sipp/*.xml), each of which echoes Record-Route so in-dialog
// requests route back. Every sipp run is bounded and ended by PID.
import { mkdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertInNetns, udpListening } from './kamailio.ts';
import { runBounded, spawnBounded, type ExitInfo } from './process.ts';

const here = dirname(fileURLToPath(import.meta.url));
const scenarioDir = resolve(here, '..', 'sipp');
const tmpDir = resolve(here, '..', '..', 'tmp');

export type SippScenario =
  /** 100 Trying, then 486 Busy Here. */
  | 'uas-busy'
  /** 180, then 200 with a WebRTC-shaped SDP (signalling only); waits for BYE. */
  | 'uas-webrtc-answer'
  /** 200 with a plain SDP; takes re-INVITEs; answers REFER 202 and never NOTIFYs; waits for BYE. */
  | 'uas-refer-silent';

/** Scripted callers (test/sipp/uac-*.xml), each run with its -key values. */
export type SippCallerScenario =
  /** Calls, waits for the answer, REFERs to refer_to, answers the NOTIFYs up to a 2xx one, BYE. */
  | 'uac-transferor'
  /** The same, never answering a NOTIFY, BYE once they stop. */
  | 'uac-transferor-silent'
  /** Calls, waits for the answer, re-INVITE with P-Asserted-Identity, UPDATE with another, BYE. */
  | 'uac-identity'
  /** Calls, expects 302 with a SIP URI in the Contact, ACKs. */
  | 'uac-forwarded'
  /** PUBLISH message-summary for callee (new_count/old_count) to the presence server. */
  | 'uac-mwi-publish'
  /** An unsolicited NOTIFY message-summary to callee (new_count/old_count). */
  | 'uac-mwi-notify';

export interface SippScriptedCallerOptions {
  scenario: SippCallerScenario;
  /** Kamailio's UDP port on 127.0.0.1. */
  proxyUdpPort: number;
  /** Our UDP port. */
  port: number;
  /** The scenario's -key values (callee, from_user, refer_to, …). */
  keys: Record<string, string>;
  timeoutS?: number;
}

/** Runs one of the scripted callers; its result (exit code 0 when the scenario completed) comes in done. */
export function startSippScriptedCaller(options: SippScriptedCallerOptions): SippRun {
  assertInNetns('sipp');
  const timeoutS = options.timeoutS ?? 20;
  return runScenario(
    options.scenario,
    [
      `127.0.0.1:${options.proxyUdpPort}`,
      '-sf', join(scenarioDir, `${options.scenario}.xml`),
      '-s', options.keys['callee'] ?? 'callee',
      ...Object.entries(options.keys).flatMap(([k, v]) => ['-key', k, v]),
      '-i', '127.0.0.1', '-p', String(options.port),
      '-m', '1', '-timeout', String(timeoutS), '-timeout_error', '-nostdin',
    ],
    timeoutS,
  );
}

export interface SippCallerOptions {
  /** The extension called through the proxy. */
  callee: string;
  proxyUdpPort: number;
  /** Our UDP port. */
  port: number;
  /** The whole From value without tag, e.g. '"Bob" <sip:1699@127.0.0.1>'. */
  fromHeader: string;
  /** One extra header line, e.g. 'P-Asserted-Identity: <tel:+4930123>'. */
  extraHeader?: string;
  timeoutS?: number;
}

/**
 * A caller with identity headers of our choosing (what a sip.js phone cannot send, such as
 * escaped quotes or P-Asserted-Identity). It expects the call to be rejected with 486.
 */
export function startSippCallerRejected(options: SippCallerOptions): SippRun {
  assertInNetns('sipp');
  const timeoutS = options.timeoutS ?? 15;
  return runScenario(
    'uac-invite-rejected',
    [
      `127.0.0.1:${options.proxyUdpPort}`,
      '-sf', join(scenarioDir, 'uac-invite-rejected.xml'),
      '-s', options.callee,
      '-key', 'callee', options.callee,
      '-key', 'from_header', options.fromHeader,
      '-key', 'extra_header', options.extraHeader ?? 'X-Hookswitch-Test: 1',
      '-i', '127.0.0.1', '-p', String(options.port),
      '-m', '1', '-timeout', String(timeoutS), '-timeout_error', '-nostdin',
    ],
    timeoutS,
  );
}

export interface SippRegisterOptions {
  user: string;
  /** Kamailio's UDP port on 127.0.0.1. */
  proxyUdpPort: number;
  /** The contact port sipp registers (and where a UAS will listen). */
  localPort: number;
  /** Seconds; 0 removes the binding. */
  expires?: number;
}

/** REGISTERs user@127.0.0.1 with contact 127.0.0.1:localPort over UDP; resolves on the 200. */
export async function sippRegister(options: SippRegisterOptions): Promise<void> {
  assertInNetns('sipp');
  const res = await runBounded(
    'sipp',
    [
      `127.0.0.1:${options.proxyUdpPort}`,
      '-sf', join(scenarioDir, 'register.xml'),
      '-s', options.user,
      '-key', 'expires', String(options.expires ?? 120),
      '-i', '127.0.0.1', '-p', String(options.localPort),
      '-m', '1', '-timeout', '5', '-timeout_error', '-nostdin',
    ],
    { timeoutMs: 8000 },
  );
  if (res.code !== 0) {
    throw new Error(`sipp REGISTER ${options.user} failed (exit ${String(res.code)}, timedOut ${String(res.timedOut)}):\n${res.output.slice(-2000)}`);
  }
}

export interface SippUasOptions {
  scenario: SippScenario;
  /** The user sipp pretends to be (its Contact user). */
  user: string;
  /** UDP port to listen on; the one registered with sippRegister. */
  port: number;
  /** sipp's own scenario timeout in seconds (it fails if the call did not complete). */
  timeoutS?: number;
}

export interface SippResult extends ExitInfo {
  /** The SIP messages sipp sent and received. */
  messages: string;
  screen: string;
}

export interface SippRun {
  readonly pid: number;
  /** Resolves when sipp has run its one call (or failed, or was stopped). */
  readonly done: Promise<SippResult>;
  stop(): Promise<void>;
}

export type SippUas = SippRun;

let sippCounter = 0;

/** Runs one scenario with message tracing; the trace comes back in SippResult.messages. */
function runScenario(name: string, args: string[], timeoutS: number): SippRun {
  mkdirSync(tmpDir, { recursive: true });
  sippCounter += 1;
  const messageFile = join(tmpDir, `sipp-${process.pid}-${sippCounter}-${name}-messages.log`);
  const proc = spawnBounded('sipp', [...args, '-trace_msg', '-message_file', messageFile], { timeoutMs: (timeoutS + 5) * 1000 });
  const done = proc.exited.then((info) => {
    const messages = existsSync(messageFile) ? readFileSync(messageFile, 'utf8') : '';
    if (process.env.HOOKSWITCH_KEEP_TEST_LOGS !== '1') rmSync(messageFile, { force: true });
    return { ...info, messages, screen: proc.output() };
  });
  return {
    pid: proc.pid,
    done,
    async stop() {
      await proc.stop(1000);
    },
  };
}

/** Starts a one-call UAS and resolves once its UDP port is bound. */
export async function startSippUas(options: SippUasOptions): Promise<SippUas> {
  assertInNetns('sipp');
  const timeoutS = options.timeoutS ?? 20;
  const run = runScenario(
    options.scenario,
    [
      '-sf', join(scenarioDir, `${options.scenario}.xml`),
      '-s', options.user,
      '-i', '127.0.0.1', '-p', String(options.port),
      '-m', '1', '-timeout', String(timeoutS), '-timeout_error', '-nostdin',
    ],
    timeoutS,
  );
  // An object, because the compiler cannot see the callback set it.
  const state = { exited: false };
  void run.done.then(() => {
    state.exited = true;
  });
  const deadline = Date.now() + 5000;
  while (!udpListening(options.port)) {
    if (state.exited || Date.now() > deadline) {
      await run.stop();
      const res = await run.done;
      throw new Error(`sipp ${options.scenario} did not bind udp ${options.port}:\n${res.screen.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 30));
  }
  return run;
}
