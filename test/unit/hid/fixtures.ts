// The real report descriptors in test/fixtures/hid, read through
// the same decoder the CLI uses.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeDescriptorFile } from '../../../main/core/hid/descriptor/descriptor-file.ts';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');
export const fixturesDir = path.resolve(repoRoot, 'test', 'fixtures', 'hid');

export function fixtureNames(): string[] {
  return readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.hex'))
    .map((f) => f.slice(0, -'.hex'.length))
    .sort();
}

export function fixturePath(name: string): string {
  return path.join(fixturesDir, `${name}.hex`);
}

export function loadFixture(name: string): Uint8Array {
  return decodeDescriptorFile(readFileSync(fixturePath(name)));
}

/** `# Length : 332 bytes   sha256=…` from the provenance header. */
export function fixtureHeader(name: string): { length: number; sha256: string } {
  const text = readFileSync(fixturePath(name), 'utf8');
  const match = /^# Length\s*:\s*(\d+) bytes\s+sha256=([0-9a-f]{64})/m.exec(text);
  if (!match?.[1] || !match[2]) throw new Error(`${name}: no Length/sha256 header line`);
  return { length: Number(match[1]), sha256: match[2] };
}
