// HeadsetsState, the rune class behind the device page, against a fake API: the list follows
// main, input reports light the chips, the LED switches send the full set of outputs that is on,
// closing the page gives the LEDs back to the calls, and exports download or show the error.
// The unit project has no Svelte plugin, so the module is compiled here as Vite would compile it.
import fs from 'node:fs';
import path from 'node:path';
import { transformSync } from 'esbuild';
import { compileModule } from 'svelte/compiler';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CommandArgs, CommandName, CommandResult, ErrorInfo, HeadsetView, Result } from '../../../preload/contract.ts';
import type { RendererApi } from '../../../renderer/src/lib/api.ts';
import type { DownloadPort } from '../../../renderer/src/lib/headsets.ts';
import type { HeadsetsState as HeadsetsStateType } from '../../../renderer/src/state/headsets-state.svelte.ts';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const source = path.join(root, 'renderer', 'src', 'state', 'headsets-state.svelte.ts');

/** Compiles a `.svelte.ts` rune module to plain JS under tmp/ and imports it. */
async function importRuneModule(file: string): Promise<unknown> {
  const js = transformSync(fs.readFileSync(file, 'utf8'), { loader: 'ts', format: 'esm', target: 'es2022' }).code;
  const compiled = compileModule(js, { filename: path.basename(file), generate: 'client' }).js.code;
  // Relative imports point back at the sources, which Vitest transforms as usual.
  const absolute = compiled.replace(/from\s+(["'])(\.{1,2}\/[^"']+)\1/g, (_m, q: string, spec: string) => `from ${q}${path.resolve(path.dirname(file), spec)}${q}`);
  const dir = path.join(root, 'tmp', 'rune-modules');
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `${path.basename(file, '.ts')}-${process.pid}-${Date.now().toString(36)}.js`);
  fs.writeFileSync(out, absolute);
  try {
    return (await import(out)) as unknown;
  } finally {
    fs.rmSync(out, { force: true });
  }
}

type Invoked = { command: CommandName; args: unknown };
type Answer = (command: CommandName, args: unknown) => Result<unknown> | Promise<Result<unknown>>;

function fakeApi(answer: Answer): { api: RendererApi; invoked: Invoked[] } {
  const invoked: Invoked[] = [];
  const api = {
    host: 'web',
    connection: 'open',
    invoke<C extends CommandName>(command: C, args: CommandArgs<C>): Promise<Result<CommandResult<C>>> {
      invoked.push({ command, args });
      return Promise.resolve(answer(command, args)) as Promise<Result<CommandResult<C>>>;
    },
    on: () => () => {},
    onConnectionChange: () => () => {},
    onReconnected: () => () => {},
    close: () => {},
  } satisfies RendererApi;
  return { api, invoked };
}

const ok = (value: unknown): Result<unknown> => ({ ok: true, value });
const fail = (error: ErrorInfo): Result<unknown> => ({ ok: false, error });

const jabra: HeadsetView = {
  id: '/dev/hidraw3',
  key: '0b0e:0305',
  product: 'Jabra EVOLVE LINK MS',
  vendorId: 0x0b0e,
  productId: 0x0305,
  status: 'in-use',
  inputs: ['hookSwitch', 'phoneMute'],
  outputs: ['offHookLed', 'ringLed', 'muteLed'],
  trying: [],
};
const poly: HeadsetView = { ...jabra, id: '/dev/hidraw4', key: '047f:c056', product: 'Poly Blackwire C5220', vendorId: 0x047f, productId: 0xc056 };

let HeadsetsState: typeof HeadsetsStateType;

beforeAll(async () => {
  const mod = (await importRuneModule(source)) as { HeadsetsState: typeof HeadsetsStateType };
  HeadsetsState = mod.HeadsetsState;
});

const tries = (invoked: Invoked[]): unknown[] => invoked.filter((i) => i.command === 'headsets:try').map((i) => i.args);

describe('HeadsetsState', () => {
  it('follows the list main sends and forgets what belonged to devices that left', () => {
    const { api } = fakeApi(() => ok(null));
    const state = new HeadsetsState(api);
    state.replace([jabra, poly]);
    state.input({ id: jabra.id, values: [{ name: 'phoneMute', value: 1 }] });
    state.input({ id: poly.id, values: [{ name: 'hookSwitch', value: 1 }] });
    expect(state.live[jabra.id]?.phoneMute?.value).toBe(1);
    state.replace([jabra]);
    expect(state.list).toEqual([jabra]);
    expect(Object.keys(state.live)).toEqual([jabra.id]);
  });

  it('sends the full set of outputs on with every switch, and [] when the last goes off', async () => {
    const { api, invoked } = fakeApi(() => ok(null));
    const state = new HeadsetsState(api);
    state.replace([jabra, poly]);
    await state.tryOutput(jabra.id, 'muteLed', true);
    await state.tryOutput(jabra.id, 'offHookLed', true);
    await state.tryOutput(poly.id, 'ringLed', true);
    await state.tryOutput(jabra.id, 'muteLed', false);
    await state.tryOutput(jabra.id, 'offHookLed', false);
    expect(tries(invoked)).toEqual([
      { id: jabra.id, outputs: ['muteLed'] },
      { id: jabra.id, outputs: ['offHookLed', 'muteLed'] },
      { id: poly.id, outputs: ['ringLed'] },
      { id: jabra.id, outputs: ['offHookLed'] },
      { id: jabra.id, outputs: [] },
    ]);
    expect(state.trying).toEqual({ [poly.id]: ['ringLed'] });
  });

  it('gives every lit device back to the calls when the page closes', async () => {
    const { api, invoked } = fakeApi(() => ok(null));
    const state = new HeadsetsState(api);
    state.replace([jabra, poly]);
    await state.tryOutput(jabra.id, 'muteLed', true);
    await state.tryOutput(poly.id, 'ringLed', true);
    invoked.length = 0;
    state.releaseAll();
    expect(tries(invoked)).toEqual([
      { id: jabra.id, outputs: [] },
      { id: poly.id, outputs: [] },
    ]);
    expect(state.trying).toEqual({});
    // Nothing lit, nothing to send.
    invoked.length = 0;
    state.releaseAll();
    expect(invoked).toEqual([]);
  });

  it('shows what main says is lit: a call change gives the LEDs back to the calls', async () => {
    const { api } = fakeApi(() => ok(null));
    const state = new HeadsetsState(api);
    state.replace([jabra]);
    await state.tryOutput(jabra.id, 'ringLed', true);
    state.replace([{ ...jabra, trying: ['ringLed'] }]);
    expect(state.trying).toEqual({ [jabra.id]: ['ringLed'] });
    state.replace([{ ...jabra, trying: [] }]);
    expect(state.trying).toEqual({});
    // Lit from another window: the switches show it too.
    state.replace([{ ...jabra, trying: ['muteLed'] }]);
    expect(state.trying).toEqual({ [jabra.id]: ['muteLed'] });
  });

  it('builds fast clicks on each other, not on an older list from main', async () => {
    const replies: Array<() => void> = [];
    const { api, invoked } = fakeApi(() => new Promise((resolve) => replies.push(() => { resolve(ok(null)); })));
    const state = new HeadsetsState(api);
    state.replace([jabra]);
    const first = state.tryOutput(jabra.id, 'offHookLed', true);
    const second = state.tryOutput(jabra.id, 'ringLed', true);
    // Main's change for the first click arrives while the second is on its way.
    state.replace([{ ...jabra, trying: ['offHookLed'] }]);
    expect(state.trying).toEqual({ [jabra.id]: ['offHookLed', 'ringLed'] });
    const third = state.tryOutput(jabra.id, 'muteLed', true);
    for (const reply of replies) reply();
    await Promise.all([first, second, third]);
    expect(tries(invoked).at(-1)).toEqual({ id: jabra.id, outputs: ['offHookLed', 'ringLed', 'muteLed'] });
    expect(state.trying).toEqual({ [jabra.id]: ['offHookLed', 'ringLed', 'muteLed'] });
  });

  it('drops the switches of a device that is no longer in use', async () => {
    const { api } = fakeApi(() => ok(null));
    const state = new HeadsetsState(api);
    state.replace([jabra]);
    await state.tryOutput(jabra.id, 'ringLed', true);
    state.replace([{ ...jabra, status: 'switched-off', trying: ['ringLed'] }]);
    expect(state.trying).toEqual({});
  });

  it('puts a switch back and keeps the error code when main refuses', async () => {
    const error: ErrorInfo = { code: 'invalid-argument', message: 'no such device' };
    const { api } = fakeApi(() => fail(error));
    const state = new HeadsetsState(api);
    state.replace([jabra]);
    await state.tryOutput(jabra.id, 'muteLed', true);
    expect(state.trying).toEqual({});
    expect(state.errors[jabra.id]).toEqual(error);
  });

  it('downloads the support bundle under the name main gives', async () => {
    const bundle = { fileName: 'hookswitch-headset-0b0e-0305.json', json: '{"descriptorHex":"050b"}' };
    const { api, invoked } = fakeApi(() => ok(bundle));
    const state = new HeadsetsState(api);
    state.replace([jabra]);
    const saved: Array<{ download: string; href: string }> = [];
    const texts: Array<Promise<string>> = [];
    const port: DownloadPort = {
      createObjectURL: (blob) => {
        texts.push(blob.text());
        return 'blob:1';
      },
      revokeObjectURL: () => {},
      createAnchor: () => {
        const a = { href: '', download: '', click: () => saved.push({ download: a.download, href: a.href }), remove: () => {} };
        return a;
      },
      attach: () => {},
      later: (fn) => { fn(); },
    };
    const pending = state.exportBundle(jabra.id, port);
    expect(state.exporting[jabra.id]).toBe(true);
    expect(await pending).toBe(true);
    expect(invoked).toEqual([{ command: 'headsets:supportBundle', args: { id: jabra.id } }]);
    expect(saved).toEqual([{ download: bundle.fileName, href: 'blob:1' }]);
    expect(await texts[0]).toBe(bundle.json);
    expect(state.exporting).toEqual({});
    expect(state.errors).toEqual({});
  });

  it('keeps the error of a failed export for the page to show, and clears it on the next try', async () => {
    let answer: Result<unknown> = fail({ code: 'internal', message: 'descriptor read failed' });
    const { api } = fakeApi(() => answer);
    const state = new HeadsetsState(api);
    state.replace([jabra]);
    const port: DownloadPort = {
      createObjectURL: () => 'blob:1',
      revokeObjectURL: () => {},
      createAnchor: () => ({ href: '', download: '', click: () => {}, remove: () => {} }),
      attach: () => {},
      later: () => {},
    };
    expect(await state.exportBundle(jabra.id, port)).toBe(false);
    expect(state.errors[jabra.id]?.code).toBe('internal');
    answer = ok({ fileName: 'a.json', json: '{}' });
    expect(await state.exportBundle(jabra.id, port)).toBe(true);
    expect(state.errors).toEqual({});
  });
});
