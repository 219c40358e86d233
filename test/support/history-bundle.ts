// Bundles a TypeScript entry (the history worker, a test's child process) to one .mjs file that
// plain Node runs. Written under the repository's tmp/ (ignored), so `better-sqlite3` and the
// other packages still resolve from node_modules.
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..', '..');

export interface Bundle {
  file: string;
  url: URL;
  dispose(): Promise<void>;
}

export async function bundleForNode(entry: string, name: string): Promise<Bundle> {
  const dir = path.join(root, 'tmp', `history-${name}-${String(process.pid)}-${String(Date.now())}`);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.mjs`);
  await build({
    entryPoints: [path.resolve(root, entry)],
    outfile: file,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  return { file, url: pathToFileURL(file), dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** The history worker as esbuild.config.mjs builds it into dist/main. */
export function bundleHistoryWorker(): Promise<Bundle> {
  return bundleForNode('main/host/history/history-worker.ts', 'history-worker');
}
