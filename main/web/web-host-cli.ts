// Entry of dist/main/web-host.mjs (`npm run web`); the work is in run-web-host.ts, which start.ts shares.
import { runWebHostCli } from './run-web-host.ts';

runWebHostCli(process.argv.slice(2), false).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
