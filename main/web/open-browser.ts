// Opens the web host's page in Chromium's app mode (a window without browser chrome), as the
// closest thing to the desktop app where Electron is missing. Best effort: without Chromium the
// printed URL is the way in.
//
// The address carries the run's token, and a process's command line is readable by every local
// user (/proc/<pid>/cmdline), so Chromium is never given the address itself: it opens a launcher
// page, an owner-only file in the owner-only data folder, that replaces itself with the address.
// The token stays in the fragment, which is never sent over HTTP.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeFileAtomic } from '../host/atomic-file.ts';

/** The launcher page's name in the data folder; rewritten (with the new token) on every run. */
export const LAUNCHER_PAGE = 'open-hookswitch.html';

/** /usr/bin/chromium, else `chromium` (or chromium-browser) on PATH, else null. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = ['/usr/bin/chromium'];
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    candidates.push(join(dir, 'chromium'), join(dir, 'chromium-browser'));
  }
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // Not here; try the next one.
    }
  }
  return null;
}

/**
 * A page that goes straight on to `url`. location.replace keeps the launcher out of the history,
 * so Back cannot return to it. JSON-encoded with '<' escaped, the address cannot end the script.
 */
export function launcherPageHtml(url: string): string {
  const target = JSON.stringify(url).replace(/</g, '\\u003c');
  return [
    '<!doctype html>',
    '<meta charset="utf-8">',
    '<meta name="referrer" content="no-referrer">',
    '<title>Hookswitch</title>',
    `<script>location.replace(${target});</script>`,
    '',
  ].join('\n');
}

/** Writes the launcher page (0600, replacing the last run's) into `dataDir`; returns its file:// URL. */
export async function writeLauncherPage(dataDir: string, url: string): Promise<string> {
  const path = join(dataDir, LAUNCHER_PAGE);
  await writeFileAtomic(path, launcherPageHtml(url), 0o600);
  return pathToFileURL(path).href;
}

/** Chromium's arguments; `appUrl` is the launcher page, never an address with a token in it. */
export function chromiumAppArgs(appUrl: string, profileDir: string, isRoot: boolean): string[] {
  const args = [`--app=${appUrl}`, `--user-data-dir=${profileDir}`, '--no-first-run', '--no-default-browser-check'];
  // Chromium refuses to start as root with its sandbox on; only then is it switched off.
  if (isRoot) args.push('--no-sandbox');
  return args;
}

/** Starts Chromium detached on `appUrl` with its own profile under the data folder; returns its pid or null. */
export function openInChromium(appUrl: string, dataDir: string): number | null {
  const chromium = findChromium();
  if (chromium === null) return null;
  const profileDir = join(dataDir, 'chromium-profile');
  mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const child = spawn(chromium, chromiumAppArgs(appUrl, profileDir, isRoot), { detached: true, stdio: 'ignore' });
  child.on('error', () => {
    // A browser that fails to start must not take the host down with it.
  });
  child.unref();
  return child.pid ?? null;
}
