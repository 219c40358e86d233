// The web host as a command, shared by web-host-cli.ts (`node dist/main/web-host.mjs`) and
// start.ts: [--port N] [--data-dir DIR] [--open|--no-open]; runs until Ctrl-C or SIGTERM. Prints
// exactly one line on stdout, the address with its token; logs go to stderr.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { createConsoleLogger, defaultRendererDir } from './host-support.ts';
import { openInChromium } from './open-browser.ts';
import { startWebHost } from './web-host.ts';
import type { WebHost } from './web-host.ts';

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

/** Starts the host, prints its address, opens Chromium when asked and stops cleanly on a signal. */
export async function runWebHostCli(argv: readonly string[], defaultOpen: boolean): Promise<WebHost> {
  const options = parseWebHostArgs(argv, defaultOpen);
  const logger = createConsoleLogger('info', 'web-host');
  const rendererDir = fileURLToPath(defaultRendererDir());
  if (!existsSync(join(rendererDir, 'index.html'))) {
    logger.warn(`no built renderer in ${rendererDir}; run \`npm run build\` first`);
  }
  const host = await startWebHost({ port: options.port, dataDir: options.dataDir, rendererDir, logger });
  console.log(`Hookswitch is running at ${host.url}`);
  if (options.open && openInChromium(host.url, host.dataDir) === null) {
    logger.info('no Chromium found; open the address above in a browser');
  }
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    // A second Ctrl-C means "now": do not wait for the PBX any longer.
    if (signals > 1) process.exit(130);
    logger.info(`${signal}: stopping`);
    host.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error('stop failed', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return host;
}
