// `npm run openapi`: writes the local CTI API's OpenAPI document to resources/openapi/cti-v1.json,
// the copy that ships with the app and that CRM developers read. The running API serves the same
// document at GET /v1/openapi.json; a unit test fails when the file falls behind the schemas.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openApiDocument } from '../core/cti/openapi.ts';
import { packageVersion } from '../host/package-paths.ts';

export const OPENAPI_FILE = path.join('resources', 'openapi', 'cti-v1.json');

export function openApiText(version: string): string {
  return `${JSON.stringify(openApiDocument(version), null, 2)}\n`;
}

async function main(): Promise<void> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const file = path.join(root, OPENAPI_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, openApiText(packageVersion()));
  console.log(`wrote ${OPENAPI_FILE}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
