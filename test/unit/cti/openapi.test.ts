// The OpenAPI document: built from the schemas that check requests, complete (every command, every
// reference resolved), and the copy in resources/ is the current one.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CTI_COMMAND_NAMES } from '../../../main/core/cti/api-schema.ts';
import { openApiDocument } from '../../../main/core/cti/openapi.ts';
import { OPENAPI_FILE, openApiText } from '../../../main/tools/openapi-cli.ts';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;

function refs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) refs(item, found);
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else refs(value, found);
    }
  }
  return found;
}

describe('the OpenAPI document', () => {
  const doc = openApiDocument(version) as { openapi: string; paths: Record<string, Record<string, { operationId: string }>>; components: { schemas: Record<string, unknown> } };

  it('names every command once, as CSTA does, plus the event stream', () => {
    const operations = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(operations.sort()).toEqual([...CTI_COMMAND_NAMES, 'Events', 'OpenApi'].sort());
    expect(doc.openapi).toBe('3.1.0');
  });

  it('resolves every reference to a component', () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(20);
    for (const ref of all) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas, ref).toHaveProperty(ref.replace('#/components/schemas/', ''));
    }
  });

  it('ships current: resources/openapi/cti-v1.json is what `npm run openapi` writes', () => {
    expect(readFileSync(path.join(root, OPENAPI_FILE), 'utf8'), 'run `npm run openapi`').toBe(openApiText(version));
  });
});
