// `npm run hid` as a child process: the CLI is bundled the way esbuild.config.mjs bundles it (into
// a temp folder, so dist/ is left alone), then run with node on fixtures and on bad input.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HidDescriptorError } from '../../../main/core/hid/descriptor/descriptor-error.ts';
import { parseReportDescriptor } from '../../../main/core/hid/descriptor/parse-report-descriptor.ts';
import type { TelephonyLayout } from '../../../main/core/hid/layout.ts';
import { jabraEvolveLinkMs, logitechG535 } from './expected-layouts.ts';
import { fixturePath, loadFixture, repoRoot } from './fixtures.ts';

let dir = '';
let cli = '';

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'hid-cli-'));
  cli = path.join(dir, 'hid-cli.mjs');
  await build({
    entryPoints: [path.join(repoRoot, 'main/tools/hid-cli.ts')],
    outfile: cli,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
}, 30_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function hid(args: string[], cwd = repoRoot): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, INIT_CWD: cwd };
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 15_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The printed shape of a hand-decoded layout: telephony and reports with four fields per control. */
function printed(layout: TelephonyLayout): unknown {
  return {
    telephony: layout.telephony,
    reports: layout.reports.map((r) => ({
      reportId: r.reportId,
      direction: r.direction,
      controls: r.controls.map((c) => ({ name: c.name, bitOffset: c.bitOffset, bitSize: c.bitSize, type: c.type })),
    })),
  };
}

describe('hid describe', () => {
  it('prints the Jabra EVOLVE LINK MS layout as 2-space JSON, exactly the documented fields', () => {
    const run = hid(['describe', fixturePath('jabra-evolve-link-ms')]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${JSON.stringify(printed(jabraEvolveLinkMs), null, 2)}\n`);
  });

  it('reads a raw binary descriptor the same way, and resolves paths from where npm was run', () => {
    const bin = path.join(dir, 'jabra.bin');
    writeFileSync(bin, loadFixture('jabra-evolve-link-ms'));
    const run = hid(['describe', 'jabra.bin'], dir);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(printed(jabraEvolveLinkMs));
  });

  it('prints telephony false and no reports for a device without telephony', () => {
    const run = hid(['describe', fixturePath('logitech-g535')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${JSON.stringify(printed(logitechG535), null, 2)}\n`);
  });

  it('refuses 64 KB of garbage with exit 1 and one line naming the byte', () => {
    let seed = 7;
    const garbage = Uint8Array.from({ length: 65536 }, () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed >>> 24;
    });
    // The same bytes in-process: they really are no descriptor.
    expect(() => parseReportDescriptor(garbage)).toThrow(HidDescriptorError);
    const file = path.join(dir, 'garbage.bin');
    writeFileSync(file, garbage);
    const run = hid(['describe', file]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^hid: .*garbage\.bin: not a valid report descriptor: .* at byte \d+ \(0x[0-9a-f]{4}\)\n$/);
  });

  it('refuses malformed hex text with the character where it went wrong', () => {
    const file = path.join(dir, 'bad.hex');
    writeFileSync(file, '# header\nHEX:\n05 0b 09 05 a1 01 zz\n');
    const run = hid(['describe', file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^hid: .*bad\.hex: not a valid report descriptor: "zz" is not hex at character \d+\n$/);
  });

  it('says a missing file is missing, and a folder is a folder', () => {
    const missing = hid(['describe', path.join(dir, 'no-such-file.hex')]);
    expect(missing.status).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/^hid: cannot read .*no-such-file\.hex: no such file\n$/);
    const folder = hid(['describe', dir]);
    expect(folder.status).toBe(1);
    expect(folder.stderr).toMatch(/: it is a directory\n$/);
  });

  it.each([[[]], [['describe']], [['describe', 'a', 'b']], [['frobnicate']], [['devices', 'x']], [['devices', '--sysfs']]])('exits 2 with the usage line for %j', (args) => {
    const run = hid(args);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('hid: usage: npm run hid -- describe <descriptor file> | devices [--sysfs <hidraw class folder>]\n');
  });
});

describe('hid devices', () => {
  it('prints a JSON list of telephony devices; without hidraw nodes an empty list and a note on stderr', () => {
    const run = hid(['devices']);
    expect(run.status).toBe(0);
    const list: unknown = JSON.parse(run.stdout);
    expect(Array.isArray(list)).toBe(true);
    const hidraw = '/sys/class/hidraw';
    const none = !existsSync(hidraw) || readdirSync(hidraw).length === 0;
    if (none) {
      expect(list).toEqual([]);
      expect(run.stderr).toBe('hid: no HID device found\n');
    }
  });

  it('lists the telephony devices of a sysfs tree with their layouts, and says which nodes it could not read', () => {
    const root = path.join(dir, 'hidraw-class');
    const node = (name: string, descriptor: Uint8Array | null, uevent: string): void => {
      mkdirSync(path.join(root, name, 'device'), { recursive: true });
      if (descriptor) writeFileSync(path.join(root, name, 'device', 'report_descriptor'), descriptor);
      writeFileSync(path.join(root, name, 'device', 'uevent'), uevent);
    };
    node('hidraw0', loadFixture('logitech-g535'), 'HID_ID=0003:0000046D:00000AC4\nHID_NAME=Logitech G535\n');
    node('hidraw1', loadFixture('jabra-evolve-link-ms'), 'HID_ID=0003:00000B0E:00000307\nHID_NAME=GN Netcom A/S Jabra EVOLVE LINK MS\n');
    node('hidraw2', null, 'HID_ID=0003:00001234:00005678\n');
    node('hidraw3', Uint8Array.from([0xa1, 0x01]), 'HID_ID=0003:00001234:00005679\n');
    const run = hid(['devices', '--sysfs', 'hidraw-class'], dir);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      {
        path: '/dev/hidraw1',
        vendorId: '0b0e',
        productId: '0307',
        name: 'GN Netcom A/S Jabra EVOLVE LINK MS',
        ...(printed(jabraEvolveLinkMs) as object),
      },
    ]);
    expect(run.stderr.split('\n').filter(Boolean)).toEqual([
      'hid: cannot read /dev/hidraw2: ENOENT',
      'hid: /dev/hidraw3: not a valid report descriptor: Collection is never closed (1 still open at the end) at byte 0 (0x0000)',
    ]);
  });
});
