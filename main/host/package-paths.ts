// Where the package's own files are. The sources (main/<folder>/*.ts) and the bundles
// (dist/main/*.mjs) both sit two folders below the package root, so one relative URL serves both.
import { readFileSync } from 'node:fs';

/** The version in package.json, or 0.0.0 when it cannot be read (that must not stop the app). */
export function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && 'version' in parsed && typeof parsed.version === 'string') {
      return parsed.version;
    }
  } catch {
    // Fall through to the placeholder.
  }
  return '0.0.0';
}

/** dist/renderer, the built renderer both hosts serve. */
export function defaultRendererDir(): URL {
  return new URL('../../dist/renderer/', import.meta.url);
}
