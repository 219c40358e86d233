// Both hosts' last line of defence (main/host/process-guards.ts): an error nobody caught is logged
// with its stack and the process keeps running. Checked on an emitter, then in a real Node process.
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../../main/core/ports.ts';
import { describeError, keepRunningOnUncaughtErrors } from '../../../main/host/process-guards.ts';

function recordingLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return { debug() {}, info() {}, warn() {}, error: (msg: string) => errors.push(msg), errors };
}

describe('keepRunningOnUncaughtErrors', () => {
  it('logs an uncaught exception and an unhandled rejection with their stacks', () => {
    const proc = new EventEmitter();
    const logger = recordingLogger();
    keepRunningOnUncaughtErrors(proc, logger);
    const thrown = new Error('boom in a sip.js callback');
    proc.emit('uncaughtException', thrown, 'uncaughtException');
    proc.emit('unhandledRejection', new TypeError('nobody awaited this'), Promise.resolve());
    proc.emit('unhandledRejection', { code: 42 }, Promise.resolve());
    expect(logger.errors).toHaveLength(3);
    expect(logger.errors[0]).toBe(`uncaught exception (the process keeps running): ${thrown.stack ?? ''}`);
    expect(logger.errors[0]).toMatch(/\n\s+at /);
    expect(logger.errors[1]).toMatch(/^unhandled promise rejection \(the process keeps running\): TypeError: nobody awaited this\n\s+at /);
    expect(logger.errors[2]).toBe('unhandled promise rejection (the process keeps running): non-error value: {"code":42}');
  });

  it('installs one listener of each kind and removes them again', () => {
    const proc = new EventEmitter();
    const remove = keepRunningOnUncaughtErrors(proc, recordingLogger());
    expect(proc.listenerCount('uncaughtException')).toBe(1);
    expect(proc.listenerCount('unhandledRejection')).toBe(1);
    remove();
    expect(proc.listenerCount('uncaughtException')).toBe(0);
    expect(proc.listenerCount('unhandledRejection')).toBe(0);
  });

  it('never throws itself: a broken log or a closed stderr must not end the process', () => {
    const proc = new EventEmitter();
    const broken: Logger = {
      debug() {},
      info() {},
      warn() {},
      error() {
        throw new Error('EPIPE while logging');
      },
    };
    keepRunningOnUncaughtErrors(proc, broken);
    expect(() => proc.emit('uncaughtException', new Error('x'))).not.toThrow();
    const logger = recordingLogger();
    keepRunningOnUncaughtErrors(proc, logger);
    proc.emit('uncaughtException', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(logger.errors).toEqual([]);
  });

  it('describes values that are not errors', () => {
    expect(describeError('text')).toBe('non-error value: "text"');
    expect(describeError(undefined)).toBe('non-error value: undefined');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeError(cyclic)).toBe('non-error value: [object Object]');
  });
});

describe('in a real Node process', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hookswitch-guards-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps running after a throw in a callback and a rejection nobody handled', async () => {
    const root = resolve(import.meta.dirname, '..', '..', '..');
    const entry = [
      "import { keepRunningOnUncaughtErrors } from './main/host/process-guards.ts';",
      "const write = (msg) => { process.stderr.write(msg + '\\n'); };",
      'keepRunningOnUncaughtErrors(process, { debug() {}, info() {}, warn: write, error: write });',
      "setTimeout(() => { throw new Error('boom in a callback'); }, 0);",
      "void Promise.reject(new Error('nobody awaited this'));",
      "setTimeout(() => { console.log('still running'); }, 100);",
    ].join('\n');
    const bundle = await build({
      stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: 'probe.ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    const script = join(dir, 'probe.mjs');
    await writeFile(script, bundle.outputFiles[0]!.text);

    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, 10_000);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolveExit) => {
      child.on('exit', (exitCode) => {
        resolveExit(exitCode);
      });
    });
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(stdout).toBe('still running\n');
    expect(stderr).toMatch(/uncaught exception \(the process keeps running\): Error: boom in a callback\n\s+at /);
    expect(stderr).toMatch(/unhandled promise rejection \(the process keeps running\): Error: nobody awaited this\n\s+at /);
  });
});
