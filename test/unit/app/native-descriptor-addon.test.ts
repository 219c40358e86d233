// The real HID descriptor addon as `npm ci` built it (native/build.mjs, after test/install-deps.sh
// installed libudev-dev). No USB device exists here, so this proves the build, the loading, the
// argument checks, the failures and that a storm of calls cannot crash the process; real devices
// and the Windows and macOS builds are proven elsewhere (README). Not skipped when the addon is
// missing: a missing addon fails here, loudly.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ADDON_PATH_IN_PACKAGE,
  defaultAddonFile,
  loadNativeHidAddon,
  type NativeHidAddon,
} from '../../../main/app/hid/native-descriptor-source.ts';
import { loadFixture } from '../hid/fixtures.ts';

const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
const nativeDir = path.join(repoRoot, 'native');
const addonFile = path.join(repoRoot, ...ADDON_PATH_IN_PACKAGE);

/** The raw module, as JavaScript sees it (argument checks need calls TypeScript would refuse). */
interface RawAddon {
  enumerate(): Promise<unknown>;
  readDescriptor(...args: unknown[]): Promise<unknown>;
  hidapiVersion: unknown;
}

// The app's own loader, from the package root, as the Electron host runs it.
const loaded = loadNativeHidAddon();
let addon: NativeHidAddon;
let raw: RawAddon;
if (loaded.ok) {
  addon = loaded.addon;
  // The same module object (require caches it), untyped for calls TypeScript would refuse.
  raw = createRequire(import.meta.url)(addonFile) as RawAddon;
}

// Every test that needs the addon fails (not skips) with the reason when it was not built.
function requireBuiltAddon(): void {
  if (!loaded.ok) {
    throw new Error(`${loaded.reason}\nBuild it with \`npm run install\` (needs libudev-dev: sudo test/install-deps.sh).`);
  }
}

async function rejection(promise: Promise<unknown>): Promise<Error & { code?: unknown; path?: unknown; hidError?: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`rejected with a non-Error: ${String(error)}`);
  }
  throw new Error('expected a rejection');
}

describe('HID descriptor addon (built by npm ci)', () => {
  beforeEach(requireBuiltAddon);

  it('is found from the package root and loads with the bundled hidapi', () => {
    expect(defaultAddonFile()).toBe(addonFile);
    expect(raw.hidapiVersion).toBe('0.15.0');
    expect(Object.keys(raw).sort()).toEqual(['enumerate', 'hidapiVersion', 'readDescriptor']);
  });

  it('enumerates: an array of complete entries (empty here: no hidraw device on this machine)', async () => {
    const listed = await raw.enumerate();
    expect(Array.isArray(listed)).toBe(true);
    const entries = listed as Record<string, unknown>[];
    for (const device of entries) {
      expect(Object.keys(device).sort()).toEqual(['interfaceNumber', 'manufacturer', 'path', 'product', 'productId', 'usage', 'usagePage', 'vendorId']);
      for (const key of ['path', 'product', 'manufacturer']) expect(typeof device[key]).toBe('string');
      for (const key of ['vendorId', 'productId', 'usagePage', 'usage', 'interfaceNumber']) expect(typeof device[key]).toBe('number');
    }
    // The typed view drops nothing the addon listed.
    expect(await addon.enumerate()).toHaveLength(entries.length);
  });

  it('rejects a path that does not exist with an Error naming the path and hidapi’s reason', async () => {
    const error = await rejection(addon.readDescriptor('/dev/does-not-exist'));
    expect(error.constructor).toBe(Error);
    expect(error.message).toContain('/dev/does-not-exist');
    expect(error.message).toMatch(/^cannot open HID device \/dev\/does-not-exist: .*No such file or directory/);
    expect(error.code).toBe('HID_OPEN_FAILED');
    expect(error.path).toBe('/dev/does-not-exist');
    expect(error.hidError).toEqual(expect.stringContaining('No such file or directory'));
  });

  it('rejects a device that is not HID (hidapi opens it, finds no descriptor ioctl and closes it)', async () => {
    const error = await rejection(addon.readDescriptor('/dev/null'));
    expect(error.code).toBe('HID_OPEN_FAILED');
    expect(error.message).toContain('/dev/null');
    expect(error.message).toMatch(/not a HIDRAW device/);
  });

  it.each([
    ['a number', [42], 'ERR_INVALID_ARG_TYPE', /must be a string/],
    ['nothing', [], 'ERR_INVALID_ARG_TYPE', /must be a string/],
    ['null', [null], 'ERR_INVALID_ARG_TYPE', /must be a string/],
    ['an object', [{ toString: () => '/dev/null' }], 'ERR_INVALID_ARG_TYPE', /must be a string/],
    ['an empty string', [''], 'ERR_INVALID_ARG_VALUE', /must not be empty/],
    ['a path over 4096 bytes', ['/dev/' + 'x'.repeat(4092)], 'ERR_INVALID_ARG_VALUE', /longer than 4096 bytes/],
    ['a path with a NUL inside', ['/dev/null\0/etc/passwd'], 'ERR_INVALID_ARG_VALUE', /NUL/],
  ])('refuses %s with a TypeError, as a rejection', async (_what, args, code, message) => {
    const error = await rejection(raw.readDescriptor(...args));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it('accepts a path of exactly 4096 bytes (multi-byte characters counted as bytes)', async () => {
    const euro = '\u20ac'; // three bytes in UTF-8
    const error = await rejection(raw.readDescriptor('/' + euro.repeat(1365)));
    expect(error).not.toBeInstanceOf(TypeError);
    expect(error.code).toBe('HID_OPEN_FAILED');
    const tooLong = await rejection(raw.readDescriptor('//' + euro.repeat(1365)));
    expect(tooLong).toBeInstanceOf(TypeError);
  });

  it('settles every one of many concurrent calls, each with its own outcome', async () => {
    const calls: Promise<string>[] = [];
    for (let i = 0; i < 150; i++) {
      const missing = `/dev/does-not-exist-${i}`;
      calls.push(
        rejection(addon.readDescriptor(missing)).then((e) => (e.message.includes(missing) && e.code === 'HID_OPEN_FAILED' ? 'missing' : `wrong: ${e.message}`)),
      );
      if (i % 10 === 0) calls.push(addon.enumerate().then((d) => (Array.isArray(d) ? 'listed' : 'wrong: not an array')));
      if (i % 15 === 0) calls.push(rejection(raw.readDescriptor(i)).then((e) => (e instanceof TypeError ? 'refused' : `wrong: ${e.message}`)));
      if (i % 25 === 0) calls.push(rejection(addon.readDescriptor('/dev/null')).then((e) => (e.code === 'HID_OPEN_FAILED' ? 'not-hid' : `wrong: ${e.message}`)));
    }
    const outcomes = await Promise.all(calls);
    expect(outcomes.filter((o) => o.startsWith('wrong'))).toEqual([]);
    expect(outcomes.filter((o) => o === 'missing')).toHaveLength(150);
    expect(outcomes.filter((o) => o === 'listed')).toHaveLength(15);
    expect(outcomes.filter((o) => o === 'refused')).toHaveLength(10);
    expect(outcomes.filter((o) => o === 'not-hid')).toHaveLength(6);
  });

  it('works in worker threads at the same time, and a worker that exits mid-request takes nothing down', async () => {
    const source = `
      const { parentPort, workerData } = require('node:worker_threads');
      const addon = require(workerData.file);
      const calls = [];
      for (let i = 0; i < 40; i++) calls.push(addon.readDescriptor('/dev/does-not-exist-w' + i).catch((e) => e.code));
      calls.push(addon.enumerate().then((d) => Array.isArray(d) ? 'listed' : 'wrong'));
      if (workerData.exitEarly) { for (let i = 0; i < 40; i++) addon.readDescriptor('/dev/null').catch(() => {}); process.exit(0); }
      Promise.all(calls).then((codes) => parentPort.postMessage(codes));
    `;
    const run = (exitEarly: boolean): Promise<unknown> =>
      new Promise((resolve, reject) => {
        const worker = new Worker(source, { eval: true, workerData: { file: addonFile, exitEarly } });
        let result: unknown = 'exited';
        worker.on('message', (m: unknown) => {
          result = m;
        });
        worker.on('error', reject);
        worker.on('exit', () => {
          resolve(result);
        });
      });
    const [a, b, early] = await Promise.all([run(false), run(false), run(true), addon.enumerate()]);
    const expected = [...Array.from({ length: 40 }, () => 'HID_OPEN_FAILED'), 'listed'];
    expect(a).toEqual(expected);
    expect(b).toEqual(expected);
    expect(early).toBe('exited');
    // The main thread's addon still answers after a worker's environment went away.
    expect((await rejection(addon.readDescriptor('/dev/does-not-exist'))).code).toBe('HID_OPEN_FAILED');
  });
});

describe('HID descriptor addon reading a descriptor (hidraw stood in by native/test/fake-hidraw.c)', () => {
  // No hidraw device exists here, so a preloaded ioctl answers hidraw's descriptor requests for
  // files named fake-hidraw*: the addon, hidapi's open, read and close all run for real.
  let dir: string;
  let outcome: Record<string, { hex: string; isBuffer: boolean } | { code: string; message: string; hidError: string }>;
  const jabra = loadFixture('jabra-evolve-link-ms');
  const bt700 = loadFixture('plantronics-bt700');
  const oversized = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);

  beforeEach(requireBuiltAddon);
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'fake-hidraw-'));
    if (!loaded.ok) return;
    const shim = path.join(dir, 'fake-hidraw.so');
    const compiled = spawnSync('cc', ['-shared', '-fPIC', '-o', shim, path.join(nativeDir, 'test', 'fake-hidraw.c'), '-ldl'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(compiled.error, 'cc must be installed (node-gyp needs it too)').toBeUndefined();
    expect(compiled.status, compiled.stderr).toBe(0);
    writeFileSync(path.join(dir, 'fake-hidraw-jabra'), jabra);
    writeFileSync(path.join(dir, 'fake-hidraw-bt700'), bt700);
    writeFileSync(path.join(dir, 'fake-hidraw-oversized'), oversized);
    writeFileSync(path.join(dir, 'fake-hidraw-empty'), new Uint8Array(0));
    writeFileSync(path.join(dir, 'fake-hidraw-broken'), jabra);
    const script = `
      const addon = require(process.argv[1]);
      const dir = process.argv[2];
      const settle = (p) => p.then(
        (b) => ({ hex: Buffer.from(b).toString('hex'), isBuffer: Buffer.isBuffer(b) }),
        (e) => ({ code: e.code, message: e.message, hidError: e.hidError }));
      const names = ['jabra', 'bt700', 'oversized', 'empty', 'broken'];
      const flood = [];
      for (let i = 0; i < 60; i++) flood.push(settle(addon.readDescriptor(dir + '/fake-hidraw-' + (i % 2 ? 'jabra' : 'bt700'))));
      Promise.all([...names.map((n) => settle(addon.readDescriptor(dir + '/fake-hidraw-' + n))), Promise.all(flood)]).then((all) => {
        const out = {};
        names.forEach((n, i) => (out[n] = all[i]));
        out.flood = { hex: all[names.length].map((r, i) => (r.hex === undefined ? 'failed' : i % 2 ? 'jabra:' + r.hex : 'bt700:' + r.hex)).join(','), isBuffer: true };
        process.stdout.write(JSON.stringify(out));
      });
    `;
    const ran = spawnSync(process.execPath, ['-e', script, addonFile, dir], {
      encoding: 'utf8',
      timeout: 30_000,
      env: { ...process.env, LD_PRELOAD: shim },
    });
    expect(ran.status, ran.stderr).toBe(0);
    outcome = JSON.parse(ran.stdout) as typeof outcome;
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

  it('resolves to a Buffer holding exactly the device’s descriptor', () => {
    expect(outcome.jabra).toEqual({ hex: hex(jabra), isBuffer: true });
    expect(outcome.bt700).toEqual({ hex: hex(bt700), isBuffer: true });
  });

  it('gives each of many concurrent reads its own device’s bytes', () => {
    const expected = Array.from({ length: 60 }, (_, i) => (i % 2 ? `jabra:${hex(jabra)}` : `bt700:${hex(bt700)}`)).join(',');
    expect(outcome.flood).toEqual({ hex: expected, isBuffer: true });
  });

  it('stops at HID_API_MAX_REPORT_DESCRIPTOR_SIZE (4096 bytes) and returns an empty descriptor as empty', () => {
    expect(outcome.oversized).toEqual({ hex: hex(oversized.subarray(0, 4096)), isBuffer: true });
    expect(outcome.empty).toEqual({ hex: '', isBuffer: true });
  });

  it('rejects a device whose descriptor cannot be read with the path and hidapi’s reason', () => {
    const broken = path.join(dir, 'fake-hidraw-broken');
    expect(outcome.broken).toEqual({
      code: 'HID_DESCRIPTOR_FAILED',
      message: `cannot read the report descriptor of HID device ${broken}: ioctl(GRDESC): Input/output error`,
      hidError: 'ioctl(GRDESC): Input/output error',
    });
  });
});

describe('hidapi strings to UTF-8 (native/src/wide-to-utf8.c)', () => {
  // Compiled here with the host's 32-bit wchar_t (Linux, macOS) and with -fshort-wchar, which is
  // Windows' UTF-16 wchar_t: both branches of the converter run on this machine.
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wide-utf8-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function run(flags: string[]): Map<string, string> {
    const binary = path.join(dir, `check${flags.join('')}`);
    const compiled = spawnSync(
      'cc',
      ['-std=c99', '-Wall', '-Wextra', '-Werror', ...flags, '-o', binary, path.join(nativeDir, 'test', 'wide-to-utf8-check.c'), path.join(nativeDir, 'src', 'wide-to-utf8.c')],
      { encoding: 'utf8', timeout: 30_000 },
    );
    expect(compiled.error, 'cc must be installed (node-gyp needs it too)').toBeUndefined();
    expect(compiled.stderr).toBe('');
    expect(compiled.status).toBe(0);
    const ran = spawnSync(binary, [], { encoding: 'utf8', timeout: 10_000 });
    expect(ran.status).toBe(0);
    return new Map(
      ran.stdout
        .trim()
        .split('\n')
        .map((line) => {
          const [name = '', hex = ''] = line.split('\t');
          return [name, hex];
        }),
    );
  }

  const utf8 = (text: string): string => Buffer.from(text, 'utf8').toString('hex');
  const shared: [string, string][] = [
    ['null', ''],
    ['empty', ''],
    ['ascii', utf8('Jabra EVOLVE LINK MS')],
    ['latin1', utf8('Sennheiser Communications éü')],
    ['bmp', utf8('耳机 €')],
    ['astral', utf8('\u{1F4DE} call')],
    ['lone_high', utf8('A\uFFFD')],
    ['lone_low', utf8('\uFFFDb')],
    ['high_then_letter', utf8('\uFFFDc')],
  ];

  it('converts UTF-32 wchar_t (Linux, macOS), replacing what is not a code point', () => {
    const out = run([]);
    expect(out.get('wchar_bits')).toBe('32');
    for (const [name, hex] of shared) expect([name, out.get(name)]).toEqual([name, hex]);
    expect(out.get('beyond_unicode')).toBe(utf8('\uFFFDd'));
    expect(out.get('negative')).toBe(utf8('\uFFFDe'));
  });

  it('converts UTF-16 wchar_t (Windows), joining surrogate pairs and replacing lone ones', () => {
    const out = run(['-fshort-wchar']);
    expect(out.get('wchar_bits')).toBe('16');
    for (const [name, hex] of shared) expect([name, out.get(name)]).toEqual([name, hex]);
  });
});

describe('what builds the addon on every OS', () => {
  const gyp = readFileSync(path.join(nativeDir, 'binding.gyp'), 'utf8');

  it('binding.gyp compiles hidapi’s Windows, macOS and Linux (hidraw) backends from node-hid', () => {
    expect(gyp).toContain("'target_name': 'hookswitch_hid'");
    expect(gyp).toMatch(/OS=="win"[\s\S]*'<\(hidapi_dir\)\/windows\/hid\.c'/);
    expect(gyp).toMatch(/OS=="win"[\s\S]*setupapi\.lib/);
    expect(gyp).toMatch(/OS=="mac"[\s\S]*'<\(hidapi_dir\)\/mac\/hid\.c'/);
    expect(gyp).toMatch(/OS=="mac"[\s\S]*-framework IOKit[\s\S]*-framework CoreFoundation[\s\S]*-framework AppKit/);
    expect(gyp).toMatch(/OS=="linux"[\s\S]*'<\(hidapi_dir\)\/linux\/hid\.c'[\s\S]*-ludev/);
    expect(gyp).toContain("require.resolve(\\'node-hid/package.json\\')");
  });

  it('the install script builds it, and there is no root binding.gyp for npm to build on its own', () => {
    const pkg: unknown = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ scripts: { install: 'node native/build.mjs' } });
    expect(() => readFileSync(path.join(repoRoot, 'binding.gyp'))).toThrow(/ENOENT/);
  });

  it('the packaged app carries the addon, unpacked from the archive', () => {
    const builder = readFileSync(path.join(repoRoot, 'electron-builder.yml'), 'utf8');
    expect(builder).toMatch(/^files:\n(?:\s+(?:#.*|- .*)\n)*\s+- native\/build\/Release\/hookswitch_hid\.node\n/m);
    expect(builder).toMatch(/^asarUnpack:\n(?:\s+#.*\n)*\s+- "\*\*\/\*\.node"/m);
  });

  it('CI installs libudev-dev before npm ci builds the addon', () => {
    const deps = readFileSync(path.join(repoRoot, 'test', 'install-deps.sh'), 'utf8');
    expect(deps).toMatch(/^packages=\(.*\blibudev-dev\b.*\)$/m);
  });
});
