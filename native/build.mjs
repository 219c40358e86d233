// Builds the HID report-descriptor addon (native/) with node-gyp; the package's install script,
// so `npm ci` runs it. Windows and macOS need the addon to find a headset's controls; Linux reads
// descriptors from sysfs, so there a failed build is explained and the install goes on, unless
// CI=true or HOOKSWITCH_REQUIRE_NATIVE=1 make it fatal.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const nativeDir = path.dirname(fileURLToPath(import.meta.url));
const addonFile = path.join(nativeDir, 'build', 'Release', 'hookswitch_hid.node');
// Next to the sources, not in build/ (node-gyp rebuild empties that first); *.log is git-ignored.
const logFile = path.join(nativeDir, 'build.log');
const required = process.env.CI === 'true' || process.env.HOOKSWITCH_REQUIRE_NATIVE === '1';
const BUILD_TIMEOUT_MS = 10 * 60 * 1000;

function shown(file) {
  return path.relative(process.cwd(), file) || file;
}

/** node-gyp as npm runs it: npm names its bundled copy in npm_config_node_gyp inside scripts. */
function nodeGypCommand() {
  const nodeDir = path.dirname(process.execPath);
  const bundled = [
    process.env.npm_config_node_gyp,
    path.join(nodeDir, '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    path.join(nodeDir, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].find((file) => typeof file === 'string' && file.length > 0 && existsSync(file));
  if (bundled) return { command: process.execPath, args: [bundled], shell: false };
  return { command: 'node-gyp', args: [], shell: process.platform === 'win32' };
}

/**
 * Run outside npm (`node native/build.mjs`), node-gyp would download Node's headers; where Node
 * was installed with its headers (Debian's nodejs, for one), build against those instead.
 */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  const headers = path.join(prefix, 'include', 'node');
  return existsSync(path.join(headers, 'node_api.h')) && existsSync(path.join(headers, 'common.gypi'))
    ? [`--nodedir=${prefix}`]
    : [];
}

/** The compiler's first complaints say why; node-gyp's own closing lines only say that it failed. */
function firstErrors(log, count) {
  const lines = log.split('\n').map((line) => line.trimEnd());
  const errors = lines.filter((line) => /\b(error|fatal|undefined reference|cannot find)\b/i.test(line) && !line.startsWith('gyp '));
  // No compiler ran (Python, make or the headers are missing): node-gyp's own error line says which.
  const gypErrors = lines.filter((line) => line.startsWith('gyp ERR! stack Error:'));
  const picked = errors.length > 0 ? errors : gypErrors.length > 0 ? gypErrors : lines.filter((line) => line.length > 0).slice(-count);
  return picked.slice(0, count).map((line) => `    ${line}`);
}

function fixFor(log) {
  if (process.platform === 'linux') {
    const udev = /libudev\.h: No such file|libudev\.h' file not found|cannot find -ludev/.test(log) ? 'libudev is missing: ' : '';
    return [
      `  ${udev}install libudev-dev (Debian/Ubuntu: sudo apt-get install libudev-dev; Fedora: systemd-devel),`,
      '  with a C compiler, make and python3, then run: npm run install',
    ];
  }
  if (process.platform === 'darwin') {
    return ['  Install the Xcode Command Line Tools (xcode-select --install), then run: npm run install'];
  }
  if (process.platform === 'win32') {
    return [
      '  Install Visual Studio Build Tools with "Desktop development with C++" and Python 3,',
      '  then run: npm run install',
    ];
  }
  return ['  Install a C toolchain that node-gyp supports, then run: npm run install'];
}

function fail(what) {
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
  const lines = [
    `hookswitch: the HID descriptor addon did not build: ${what}.`,
    ...(log ? [`  From ${shown(logFile)} (the whole output is there):`, ...firstErrors(log, 8)] : []),
    process.platform === 'linux'
      ? '  The app still works on Linux: Hookswitch reads report descriptors from sysfs there.'
      : '  Without it Hookswitch cannot find the controls of headsets on this OS (buttons do nothing).',
    ...fixFor(log),
    required
      ? '  This install fails because CI=true or HOOKSWITCH_REQUIRE_NATIVE=1.'
      : '  The install goes on (set HOOKSWITCH_REQUIRE_NATIVE=1 to make this fatal).',
  ];
  console.error(lines.join('\n'));
  process.exit(required ? 1 : 0);
}

function build() {
  const { command, args, shell } = nodeGypCommand();
  const log = openSync(logFile, 'w');
  let result;
  try {
    result = spawnSync(command, [...args, 'rebuild', ...nodedirArgs()], {
      cwd: nativeDir,
      stdio: ['ignore', log, log],
      shell,
      timeout: BUILD_TIMEOUT_MS,
      windowsHide: true,
    });
  } finally {
    closeSync(log);
  }
  if (result.error) {
    const reason = result.error.code === 'ENOENT' ? 'node-gyp was not found (it comes with npm)' : result.error.message;
    fail(reason);
  }
  if (result.signal) fail(`node-gyp was stopped by ${result.signal}`);
  if (result.status !== 0) fail(`node-gyp rebuild exited with code ${result.status}`);
  if (!existsSync(addonFile)) fail(`node-gyp succeeded but ${shown(addonFile)} is not there`);
  // A .node that links but cannot load (a missing shared library) is a failed build too.
  try {
    const addon = createRequire(import.meta.url)(addonFile);
    if (typeof addon.enumerate !== 'function' || typeof addon.readDescriptor !== 'function') {
      fail(`${shown(addonFile)} loads but does not export enumerate and readDescriptor`);
    }
  } catch (error) {
    fail(`${shown(addonFile)} was built but does not load: ${error instanceof Error ? error.message : String(error)}`);
  }
  console.log(`hookswitch: HID descriptor addon built: ${shown(addonFile)}`);
}

build();
