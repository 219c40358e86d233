// Opens the web host's page in Chromium's app mode (a window without browser chrome), as the
// closest thing to the desktop app where Electron is missing. Best effort: without Chromium the
// printed URL is the way in.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

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

export function chromiumAppArgs(url: string, profileDir: string, isRoot: boolean): string[] {
  const args = [`--app=${url}`, `--user-data-dir=${profileDir}`, '--no-first-run', '--no-default-browser-check'];
  // Chromium refuses to start as root with its sandbox on; only then is it switched off.
  if (isRoot) args.push('--no-sandbox');
  return args;
}

/** Starts Chromium detached with its own profile under the data folder; returns its pid or null. */
export function openInChromium(url: string, dataDir: string): number | null {
  const chromium = findChromium();
  if (chromium === null) return null;
  const profileDir = join(dataDir, 'chromium-profile');
  mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const child = spawn(chromium, chromiumAppArgs(url, profileDir, isRoot), { detached: true, stdio: 'ignore' });
  child.on('error', () => {
    // A browser that fails to start must not take the host down with it.
  });
  child.unref();
  return child.pid ?? null;
}
