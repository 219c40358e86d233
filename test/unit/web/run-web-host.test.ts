// The web host command (run-web-host.ts), the web host process's composition root: what it prints,
// what it hands the browser, that it outlives an uncaught error, and that a signal stops it.
import { EventEmitter } from 'node:events';
import { mkdtemp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CoreOptions } from '../../../main/core/core.ts';
import type { Logger } from '../../../main/core/ports.ts';
import { LAUNCHER_PAGE } from '../../../main/web/open-browser.ts';
import { runWebHostCli } from '../../../main/web/run-web-host.ts';
import type { WebHost } from '../../../main/web/web-host.ts';
import { createFakeCore } from '../app/fake-core.ts';
import type { FakeCore } from '../app/fake-core.ts';

class FakeProcess extends EventEmitter {
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
}

function recordingLogger(): Logger & { errors: string[]; infos: string[] } {
  const errors: string[] = [];
  const infos: string[] = [];
  return { debug() {}, info: (msg: string) => infos.push(msg), warn() {}, error: (msg: string) => errors.push(msg), errors, infos };
}

let dir: string;
let rendererDir: string;
let host: WebHost | null;
let core: FakeCore;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hookswitch-cli-'));
  rendererDir = join(dir, 'renderer');
  await mkdir(rendererDir);
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Hookswitch</title>');
  host = null;
});
afterEach(async () => {
  await host?.stop();
  await rm(dir, { recursive: true, force: true });
});

async function run(argv: string[], proc: FakeProcess, logger: Logger, opened: { appUrl: string; dataDir: string }[] = []) {
  const printed: string[] = [];
  host = await runWebHostCli(['--port', '0', '--data-dir', join(dir, 'data'), ...argv], false, {
    process: proc,
    logger,
    print: (line) => printed.push(line),
    openApp: (appUrl, dataDir) => {
      opened.push({ appUrl, dataDir });
      return 4242;
    },
    hostOptions: {
      rendererDir,
      stopTimeoutMs: 200,
      createCore: (options: CoreOptions) => {
        core = createFakeCore(options);
        return core;
      },
    },
  });
  return { host, printed, opened };
}

describe('web host command', () => {
  it('prints one line with the address, token included (stdout is the user\'s own)', async () => {
    const { host: running, printed, opened } = await run(['--no-open'], new FakeProcess(), recordingLogger());
    expect(printed).toEqual([`Hookswitch is running at ${running.url}`]);
    expect(printed[0]).toContain(running.token);
    expect(opened).toEqual([]);
  });

  it('hands the browser a file:// launcher page, never the token', async () => {
    const { host: running, opened } = await run(['--open'], new FakeProcess(), recordingLogger());
    expect(opened).toHaveLength(1);
    const { appUrl, dataDir } = opened[0]!;
    expect(dataDir).toBe(running.dataDir);
    expect(appUrl).toMatch(/^file:\/\//);
    expect(appUrl).not.toContain(running.token);
    const page = fileURLToPath(appUrl);
    expect(page).toBe(join(running.dataDir, LAUNCHER_PAGE));
    expect((await stat(page)).mode & 0o777).toBe(0o600);
    expect((await stat(running.dataDir)).mode & 0o777).toBe(0o700);
    expect(await readFile(page, 'utf8')).toContain(`location.replace(${JSON.stringify(running.url)})`);
  });

  it('logs an uncaught error with its stack and keeps serving', async () => {
    const proc = new FakeProcess();
    const logger = recordingLogger();
    const { host: running } = await run(['--no-open'], proc, logger);
    expect(proc.listenerCount('uncaughtException')).toBe(1);
    expect(proc.listenerCount('unhandledRejection')).toBe(1);

    const thrown = new Error('boom in a sip.js callback');
    proc.emit('uncaughtException', thrown, 'uncaughtException');
    proc.emit('unhandledRejection', new Error('nobody awaited this'), Promise.resolve());
    expect(logger.errors).toEqual([
      `uncaught exception (the process keeps running): ${thrown.stack ?? ''}`,
      expect.stringMatching(/^unhandled promise rejection \(the process keeps running\): Error: nobody awaited this\n\s+at /),
    ]);
    expect(proc.exits).toEqual([]);
    const page = await fetch(`http://127.0.0.1:${running.port}/`);
    expect(page.status).toBe(200);
    await page.text();
  });

  it('stops the core on SIGTERM, then exits 0', async () => {
    const proc = new FakeProcess();
    await run(['--no-open'], proc, recordingLogger());
    proc.emit('SIGTERM', 'SIGTERM');
    await vi.waitFor(() => {
      expect(proc.exits).toEqual([0]);
    });
    expect(core.stopped).toBe(1);
  });
});
