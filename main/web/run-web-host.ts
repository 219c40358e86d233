// The web host as a command, shared by web-host-cli.ts (`node dist/main/web-host.mjs`) and
// start.ts: [--port N] [--data-dir DIR] [--open|--no-open]; runs until Ctrl-C or SIGTERM. Prints
// exactly one line on stdout, the address with its token (stdout belongs to the user who started
// it); logs go to stderr. This is the web host process's composition root.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../core/ports.ts';
import { createConsoleLogger } from '../host/console-logger.ts';
import { defaultRendererDir } from '../host/package-paths.ts';
import { keepRunningOnUncaughtErrors } from '../host/process-guards.ts';
import { openInChromium, writeLauncherPage } from './open-browser.ts';
import { startWebHost } from './web-host.ts';
import type { WebHost, WebHostOptions } from './web-host.ts';

export interface WebHostCliOptions {
  port: number;
  dataDir: string | undefined;
  open: boolean;
}

export function parseWebHostArgs(argv: readonly string[], defaultOpen: boolean): WebHostCliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      open: { type: 'boolean' },
      'no-open': { type: 'boolean' },
    },
    strict: true,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, not ${values.port ?? ''}`);
  const open = values['no-open'] ? false : values.open ? true : defaultOpen;
  return { port, dataDir: values['data-dir'], open };
}

/** The parts of `process` the command uses; tests pass an EventEmitter with an exit(). */
export interface CliProcess {
  on(event: 'uncaughtException', listener: (err: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  on(event: 'SIGINT' | 'SIGTERM', listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: 'uncaughtException', listener: (err: Error) => void): unknown;
  off(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
  exit(code: number): void;
}

/** What the command reaches outside itself; the defaults are the real ones. */
export interface WebHostCliEnvironment {
  process: CliProcess;
  logger: Logger;
  /** The one stdout line. */
  print(line: string): void;
  /** Opens the launcher page's file:// URL in a browser; null when there is none. */
  openApp(appUrl: string, dataDir: string): number | null;
  /** Extra options for startWebHost (tests: rendererDir, createCore). */
  hostOptions?: Omit<WebHostOptions, 'port' | 'dataDir' | 'logger'>;
}

function defaultEnvironment(): WebHostCliEnvironment {
  return {
    process,
    logger: createConsoleLogger('info', 'web-host'),
    print: (line) => {
      console.log(line);
    },
    openApp: openInChromium,
  };
}

/** Starts the host, prints its address, opens Chromium when asked and stops cleanly on a signal. */
export async function runWebHostCli(
  argv: readonly string[],
  defaultOpen: boolean,
  environment: Partial<WebHostCliEnvironment> = {},
): Promise<WebHost> {
  const env = { ...defaultEnvironment(), ...environment };
  const { logger } = env;
  const options = parseWebHostArgs(argv, defaultOpen);
  // Before anything can fail in a callback: the host must outlive one bug in one call.
  keepRunningOnUncaughtErrors(env.process, logger);
  const rendererDir = env.hostOptions?.rendererDir ?? fileURLToPath(defaultRendererDir());
  if (!existsSync(join(rendererDir, 'index.html'))) {
    logger.warn(`no built renderer in ${rendererDir}; run \`npm run build\` first`);
  }
  const host = await startWebHost({ ...env.hostOptions, port: options.port, dataDir: options.dataDir, rendererDir, logger });
  env.print(`Hookswitch is running at ${host.url}`);
  if (options.open) await openLauncher(host, env);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    // A second Ctrl-C means "now": do not wait for the PBX any longer.
    if (signals > 1) {
      env.process.exit(130);
      return;
    }
    logger.info(`${signal}: stopping`);
    host.stop().then(
      () => {
        env.process.exit(0);
      },
      (err: unknown) => {
        logger.error('stop failed', err);
        env.process.exit(1);
      },
    );
  };
  env.process.on('SIGINT', onSignal);
  env.process.on('SIGTERM', onSignal);
  return host;
}

/** Best effort, like the browser itself: the printed address still works when this fails. */
async function openLauncher(host: WebHost, env: WebHostCliEnvironment): Promise<void> {
  let appUrl: string;
  try {
    appUrl = await writeLauncherPage(host.dataDir, host.url);
  } catch (err) {
    env.logger.warn('could not write the launcher page; open the address above in a browser', err);
    return;
  }
  if (env.openApp(appUrl, host.dataDir) === null) env.logger.info('no Chromium found; open the address above in a browser');
}
