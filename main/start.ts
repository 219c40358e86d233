// `npm start`: the Electron app where Electron's binary is installed; otherwise the web host,
// opened in Chromium's app mode when Chromium is there. Electron's npm package downloads its
// binary from outside the package registries, so on some machines it is simply not there.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runWebHostCli } from './web/run-web-host.ts';

export type ElectronBinary = { path: string } | { missing: string };

/**
 * Where Electron's binary is, found the way the electron package finds it (path.txt, dist/,
 * ELECTRON_OVERRIDE_DIST_PATH), but without requiring the package: its index.js starts a download
 * when the binary is missing.
 */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env, from: string = import.meta.url): ElectronBinary {
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(from).resolve('electron/package.json'));
  } catch {
    return { missing: "Electron's npm package is not installed here" };
  }
  const pathFile = join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const candidate = override
    ? join(override, executable ?? 'electron')
    : executable
      ? join(packageDir, 'dist', executable)
      : null;
  if (candidate === null || !existsSync(candidate)) {
    return { missing: "Electron's binary is not installed here (its download is not reachable)" };
  }
  return { path: candidate };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const electron = findElectronBinary();
  if ('path' in electron) {
    // The package root (two folders up from dist/main) is the app Electron runs.
    const appDir = fileURLToPath(new URL('../../', import.meta.url));
    const env = { ...process.env };
    delete env.ELECTRON_RUN_AS_NODE;
    const child = spawn(electron.path, [appDir, ...argv], { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals): void => {
      child.kill(signal);
    };
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (err) => {
      console.error(`Electron failed to start: ${err.message}`);
      process.exit(1);
    });
    child.on('exit', (code, signal) => {
      process.exit(code ?? (signal ? 1 : 0));
    });
    return;
  }
  console.log(`${electron.missing}; starting the web host instead.`);
  await runWebHostCli(argv, true);
}

// Run only as the program itself (dist/main/start.mjs), not when a test imports this module.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
