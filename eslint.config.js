// Lint: type-aware TypeScript everywhere, Svelte in the renderer, and the rules that say where
// code may run (main/core is plain Node: no electron, no native module; the web host and main/host
// are plain Node too; the two hosts share code only through main/host; the renderer is a web
// page: no Node, no electron).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import svelte from 'eslint-plugin-svelte';
import svelteParser from 'svelte-eslint-parser';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];
const nativeModules = ['node-hid', 'better-sqlite3', 'bindings', 'node-gyp-build'];

const electronBan = { name: 'electron', message: 'Only main/app and preload/ may import electron.' };

export default tseslint.config(
  {
    ignores: ['dist/**', 'release/**', 'node_modules/**', 'tmp/**', 'native/build/**', 'coverage/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        extraFileExtensions: ['.svelte'],
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      parser: svelteParser,
      parserOptions: { parser: tseslint.parser, projectService: true, extraFileExtensions: ['.svelte'] },
      globals: globals.browser,
    },
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['main/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { ...electronBan, message: 'main/core runs under plain Node: receive what you need through a port.' },
            ...nativeModules.map((name) => ({ name, message: 'main/core never loads a native module: use a port.' })),
          ],
          patterns: [
            { group: ['electron/*'], message: 'main/core runs under plain Node.' },
            { group: ['**/main/app/**', '../app/**', '../../app/**', '**/main/web/**', '../web/**', '../../web/**', '**/main/host/**', '../host/**', '../../host/**'], message: 'main/core does not know its host.' },
            { group: ['*.node'], message: 'main/core never loads a native module.' },
          ],
        },
      ],
    },
  },
  {
    // The two hosts share code only through main/host; neither depends on the other.
    files: ['main/app/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['../web', '../web/**', '**/main/web', '**/main/web/**'], message: 'The Electron host does not import the web host: share through main/host.' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/web/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ ...electronBan, message: 'The web host runs under plain Node: no electron.' }],
          patterns: [
            { group: ['electron/*'], message: 'The web host runs under plain Node: no electron.' },
            { group: ['../app', '../app/**', '**/main/app', '**/main/app/**'], message: 'The web host does not import the Electron host: share through main/host.' },
          ],
        },
      ],
    },
  },
  {
    files: ['main/host/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ ...electronBan, message: 'main/host runs under plain Node: no electron.' }],
          patterns: [
            { group: ['electron/*'], message: 'main/host runs under plain Node: no electron.' },
            {
              group: ['../app', '../app/**', '../web', '../web/**', '**/main/app', '**/main/app/**', '**/main/web', '**/main/web/**'],
              message: 'main/host is shared by both hosts and imports neither.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { ...electronBan, message: 'The renderer reaches main only through renderer/src/lib/api.ts.' },
            ...nodeBuiltins.map((name) => ({ name, message: 'The renderer is a web page: no Node modules.' })),
            ...nativeModules.map((name) => ({ name, message: 'The renderer is a web page: no native modules.' })),
          ],
          patterns: [
            { group: ['electron/*'], message: 'The renderer never imports electron.' },
            { group: ['**/main/**'], message: 'The renderer reaches main only through the contract.' },
          ],
        },
      ],
    },
  },
  {
    files: ['preload/contract.ts', 'preload/web-wire.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$)', message: 'The contract imports nothing but zod.' }] }],
    },
  },
  {
    files: ['**/*.config.{js,mjs,ts}', 'eslint.config.js', 'renderer/vite.config.ts', 'test/bench/vitest.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['test/**'],
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': 'off',
    },
  },
);
