// `npm run hid -- describe <file>`: the telephony layout of a report descriptor file (hex text as
// in test/fixtures/hid, or raw bytes from sysfs). `npm run hid -- devices`: the connected
// telephony devices and their layouts (`--sysfs <folder>` reads a copy of /sys/class/hidraw, e.g.
// one taken on a user's machine). stdout carries JSON only; messages go to stderr.
// Exit codes: 0 done, 1 the input could not be read or parsed, 2 wrong command line.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { HidDescriptorError } from '../core/hid/descriptor/descriptor-error.ts';
import { decodeDescriptorFile } from '../core/hid/descriptor/descriptor-file.ts';
import type { DescriptorSource } from '../core/hid/descriptor/descriptor-source.ts';
import { SysfsDescriptorSource } from '../core/hid/descriptor/sysfs-descriptor-source.ts';
import type { TelephonyLayout } from '../core/hid/layout.ts';
import { summarizeLayout } from '../core/hid/layout-summary.ts';
import { loadNativeHidAddon, NativeDescriptorSource } from '../app/hid/native-descriptor-source.ts';
import { telephonyLayout } from '../core/hid/telephony-layout.ts';

const USAGE = 'usage: npm run hid -- describe <descriptor file> | devices [--sysfs <hidraw class folder>]';

class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

function readFailure(file: string, err: unknown): CliFailure {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const reasons: Record<string, string> = {
    ENOENT: 'no such file',
    EISDIR: 'it is a directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
  };
  const reason = reasons[code] ?? (err instanceof Error ? err.message : String(err));
  return new CliFailure(`cannot read ${file}: ${reason}`, 1);
}

function layoutOrFailure(what: string, bytes: Uint8Array): TelephonyLayout {
  try {
    return telephonyLayout(decodeDescriptorFile(bytes));
  } catch (err) {
    if (err instanceof HidDescriptorError) throw new CliFailure(`${what}: not a valid report descriptor: ${err.message}`, 1);
    throw err;
  }
}

async function describe(file: string): Promise<string> {
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
  const base = process.env.INIT_CWD ?? process.cwd();
  const resolved = path.resolve(base, file);
  let content: Uint8Array;
  try {
    content = new Uint8Array(await readFile(resolved));
  } catch (err) {
    throw readFailure(file, err);
  }
  return JSON.stringify(summarizeLayout(layoutOrFailure(file, content)), null, 2);
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

function platformSource(sysfsRoot: string | undefined): DescriptorSource {
  if (sysfsRoot !== undefined) return new SysfsDescriptorSource(path.resolve(process.env.INIT_CWD ?? process.cwd(), sysfsRoot));
  if (process.platform === 'linux') return new SysfsDescriptorSource();
  const loaded = loadNativeHidAddon();
  if (!loaded.ok) throw new CliFailure(`reading report descriptors on ${process.platform} needs the native addon: ${loaded.reason}`, 1);
  return new NativeDescriptorSource(loaded.addon);
}

async function devices(source: DescriptorSource): Promise<string> {
  const listing = await source.list();
  for (const { path: where, reason } of listing.unreadable) process.stderr.write(`hid: cannot read ${where}: ${reason}\n`);
  const found = [];
  for (const device of listing.interfaces) {
    let layout: TelephonyLayout;
    try {
      layout = telephonyLayout(device.descriptor);
    } catch (err) {
      if (!(err instanceof HidDescriptorError)) throw err;
      process.stderr.write(`hid: ${device.path}: not a valid report descriptor: ${err.message}\n`);
      continue;
    }
    if (!layout.telephony) continue;
    found.push({
      path: device.path,
      vendorId: hex4(device.vendorId),
      productId: hex4(device.productId),
      name: device.name,
      ...summarizeLayout(layout),
    });
  }
  if (listing.interfaces.length === 0 && listing.unreadable.length === 0) {
    process.stderr.write('hid: no HID device found\n');
  } else if (found.length === 0) {
    process.stderr.write(`hid: no telephony device among ${listing.interfaces.length} HID interface(s)\n`);
  }
  return JSON.stringify(found, null, 2);
}

async function run(args: readonly string[]): Promise<string> {
  const [command, ...rest] = args;
  if (command === 'describe' && rest.length === 1 && rest[0]) return describe(rest[0]);
  if (command === 'devices' && rest.length === 0) return devices(platformSource(undefined));
  if (command === 'devices' && rest.length === 2 && rest[0] === '--sysfs' && rest[1]) return devices(platformSource(rest[1]));
  throw new CliFailure(USAGE, 2);
}

run(process.argv.slice(2)).then(
  (json) => {
    process.stdout.write(`${json}\n`);
  },
  (err: unknown) => {
    const failure = err instanceof CliFailure ? err : new CliFailure(`unexpected error: ${err instanceof Error ? err.message : String(err)}`, 1);
    process.stderr.write(`hid: ${failure.message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exitCode = failure.exitCode;
  },
);
