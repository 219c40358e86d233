// A fake 'electron' module for unit tests of main/app and preload/: it records what the code
// asks of Electron (window options, handlers, tray, permissions, IPC) and lets a test fire the
// events Electron would fire. Electron's binary cannot be installed on these machines, so this
// is how the thin Electron glue is tested; Playwright's _electron tests run where it exists.
//
//   vi.mock('electron', async () => (await import('../../support/fake-electron.ts')).electronModule);
//   beforeEach(() => { fake.reset(); });
import { EventEmitter } from 'node:events';

/** What a listener receives as Electron's Event: preventDefault plus any details (url, …). */
export interface FakeEvent {
  preventDefault(): void;
  readonly defaultPrevented: boolean;
  [key: string]: unknown;
}

export function fakeEvent(fields: Record<string, unknown> = {}): FakeEvent {
  let prevented = false;
  return {
    ...fields,
    preventDefault() {
      prevented = true;
    },
    get defaultPrevented() {
      return prevented;
    },
  };
}

/** Emits `name` with a fresh event object first (as Electron does); returns that event. */
function fire(emitter: EventEmitter, name: string, fields: Record<string, unknown>, args: unknown[]): FakeEvent {
  const event = fakeEvent(fields);
  emitter.emit(name, event, ...args);
  return event;
}

let nextId = 1;

export class FakeWebFrame {
  readonly processId: number;
  readonly frameToken: string;
  parent: FakeWebFrame | null;
  url: string;

  constructor(url: string, processId: number, parent: FakeWebFrame | null = null) {
    this.url = url;
    this.processId = processId;
    this.frameToken = `frame-${nextId++}`;
    this.parent = parent;
  }
}

export type WindowOpenHandler = (details: { url: string }) => { action: 'allow' | 'deny' };

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame: FakeWebFrame;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  readonly loads: string[] = [];
  windowOpenHandler: WindowOpenHandler | null = null;
  destroyed = false;

  constructor() {
    super();
    this.mainFrame = new FakeWebFrame('', 1000 + this.id);
  }

  loadURL(url: string): Promise<void> {
    this.loads.push(url);
    this.mainFrame.url = url;
    return Promise.resolve();
  }
  getURL(): string {
    return this.mainFrame.url;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  fire(name: string, fields: Record<string, unknown> = {}, ...args: unknown[]): FakeEvent {
    return fire(this, name, fields, args);
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents();
  readonly options: Record<string, unknown>;
  visible = false;
  focused = false;
  minimized = false;
  destroyed = false;

  constructor(options: Record<string, unknown> = {}) {
    super();
    this.options = options;
    fake.windows.push(this);
  }

  static getAllWindows(): FakeBrowserWindow[] {
    return fake.windows.filter((w) => !w.destroyed);
  }

  loadURL(url: string): Promise<void> {
    return this.webContents.loadURL(url);
  }
  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
    this.focused = false;
  }
  focus(): void {
    this.focused = true;
  }
  isVisible(): boolean {
    return this.visible;
  }
  isFocused(): boolean {
    return this.focused && this.visible;
  }
  /** Windows' taskbar overlay: the image's path and its description, or null when cleared. */
  overlay: { path: string; description: string } | null = null;
  setOverlayIcon(image: FakeNativeImage | null, description: string): void {
    this.overlay = image ? { path: image.path, description } : null;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Like a click on the close button: 'close' may be prevented; otherwise the window goes. */
  close(): void {
    const event = fire(this, 'close', {}, []);
    if (event.defaultPrevented) return;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
    this.webContents.emit('destroyed');
  }
  fire(name: string, fields: Record<string, unknown> = {}, ...args: unknown[]): FakeEvent {
    return fire(this, name, fields, args);
  }
}

class FakeApp extends EventEmitter {
  isPackaged = false;
  singleInstanceLock = true;
  userData = '/tmp/hookswitch-fake-user-data';
  version = '0.1.0-test';
  preferredLanguages: string[] = ['en-US'];
  quitRequests = 0;
  /** True once a quit was not prevented by any before-quit listener. */
  quitted = false;
  exitCode: number | null = null;
  sandboxEnabled = false;
  appUserModelId: string | null = null;
  badgeCount = 0;
  name = 'Hookswitch';
  /** Link schemes registered with setAsDefaultProtocolClient: scheme -> the command (path and args). */
  readonly protocolClients = new Map<string, string>();
  /**
   * Who the system says opens a scheme (getApplicationNameForProtocol). Windows 10/11 keep the user's
   * choice here whatever setAsDefaultProtocolClient wrote; a test sets it to another program.
   */
  readonly shellHandlers = new Map<string, string>();
  /** Whether setAsDefaultProtocolClient also changes what the shell answers (macOS, Linux: yes). */
  registrationChangesHandler = true;
  private ready = false;
  private resolveReady: () => void = () => undefined;
  private readyPromise = this.newReadyPromise();

  private newReadyPromise(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.resolveReady = resolve;
    });
  }

  reset(): void {
    this.removeAllListeners();
    this.isPackaged = false;
    this.singleInstanceLock = true;
    this.userData = '/tmp/hookswitch-fake-user-data';
    this.preferredLanguages = ['en-US'];
    this.quitRequests = 0;
    this.quitted = false;
    this.exitCode = null;
    this.sandboxEnabled = false;
    this.appUserModelId = null;
    this.badgeCount = 0;
    this.name = 'Hookswitch';
    this.protocolClients.clear();
    this.shellHandlers.clear();
    this.registrationChangesHandler = true;
    this.ready = false;
    this.readyPromise = this.newReadyPromise();
  }

  /** What Electron does once it has initialised: resolves whenReady() and emits 'ready'. */
  emitReady(): void {
    this.ready = true;
    this.resolveReady();
    this.emit('ready');
  }
  whenReady(): Promise<void> {
    return this.readyPromise;
  }
  isReady(): boolean {
    return this.ready;
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  quit(): void {
    this.quitRequests += 1;
    const event = fire(this, 'before-quit', {}, []);
    if (!event.defaultPrevented) this.quitted = true;
  }
  exit(code = 0): void {
    this.exitCode = code;
  }
  getPath(name: string): string {
    if (name !== 'userData') throw new Error(`fake app.getPath: ${name}`);
    return this.userData;
  }
  getVersion(): string {
    return this.version;
  }
  getLocale(): string {
    return 'en-US';
  }
  getSystemLocale(): string {
    return 'en-US';
  }
  getPreferredSystemLanguages(): string[] {
    return this.preferredLanguages;
  }
  enableSandbox(): void {
    if (this.ready) throw new Error('app.enableSandbox() must be called before ready');
    this.sandboxEnabled = true;
  }
  setAppUserModelId(id: string): void {
    this.appUserModelId = id;
  }
  getName(): string {
    return this.name;
  }
  setAsDefaultProtocolClient(scheme: string, path = '/opt/Hookswitch/hookswitch', args: string[] = []): boolean {
    this.protocolClients.set(scheme, [path, ...args].join(' '));
    if (this.registrationChangesHandler) this.shellHandlers.set(scheme, this.name);
    return true;
  }
  isDefaultProtocolClient(scheme: string, path = '/opt/Hookswitch/hookswitch', args: string[] = []): boolean {
    return this.protocolClients.get(scheme) === [path, ...args].join(' ');
  }
  getApplicationNameForProtocol(url: string): string {
    return this.shellHandlers.get(url.replace(/:.*$/, '')) ?? '';
  }
  setBadgeCount(count: number): boolean {
    this.badgeCount = count;
    return true;
  }
  fire(name: string, fields: Record<string, unknown> = {}, ...args: unknown[]): FakeEvent {
    return fire(this, name, fields, args);
  }
}

export interface CustomScheme {
  scheme: string;
  privileges?: Record<string, boolean>;
}
export type ProtocolHandler = (request: Request) => Response | Promise<Response>;

class FakeProtocol {
  privileged: CustomScheme[] = [];
  readonly handlers = new Map<string, ProtocolHandler>();
  registeredBeforeReady = true;

  reset(): void {
    this.privileged = [];
    this.handlers.clear();
    this.registeredBeforeReady = true;
  }
  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    if (fake.app.isReady()) this.registeredBeforeReady = false;
    this.privileged.push(...schemes);
  }
  handle(scheme: string, handler: ProtocolHandler): void {
    if (this.handlers.has(scheme)) throw new Error(`protocol ${scheme} already handled`);
    this.handlers.set(scheme, handler);
  }
  /** What Chromium would do for a request to `url` on a handled scheme. */
  async fetch(url: string, init?: RequestInit): Promise<Response> {
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = this.handlers.get(scheme);
    if (!handler) throw new Error(`no handler for ${scheme}`);
    return handler(new Request(url, init));
  }
}

/** The event ipcMain.handle listeners receive. */
export interface FakeInvokeEvent {
  sender: FakeWebContents;
  senderFrame: FakeWebFrame | null;
}
type InvokeListener = (event: FakeInvokeEvent, ...args: unknown[]) => unknown;

class FakeIpcMain {
  readonly handlers = new Map<string, InvokeListener>();
  /** Every channel passed to handle(), in order, duplicates included. */
  readonly handleCalls: string[] = [];

  reset(): void {
    this.handlers.clear();
    this.handleCalls.length = 0;
  }
  handle(channel: string, listener: InvokeListener): void {
    this.handleCalls.push(channel);
    // Electron throws on a second handler for one channel.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke(channel, ...args) from `event.sender` would reach. */
  invoke(channel: string, event: FakeInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const listener = this.handlers.get(channel);
    if (!listener) return Promise.reject(new Error(`No handler registered for '${channel}'`));
    return Promise.resolve(listener(event, ...args));
  }
}

export interface FakeMenu {
  items: Record<string, unknown>[];
}

export class FakeTray extends EventEmitter {
  image: FakeNativeImage;
  tooltip = '';
  menu: FakeMenu | null = null;
  destroyed = false;

  constructor(image: FakeNativeImage) {
    super();
    this.image = image;
    fake.trays.push(this);
  }
  setImage(image: FakeNativeImage): void {
    this.image = image;
  }
  setToolTip(tooltip: string): void {
    this.tooltip = tooltip;
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** Electron's Notification: records what was shown and lets a test press its buttons. */
export class FakeNotification extends EventEmitter {
  static supported = true;
  static isSupported(): boolean {
    return FakeNotification.supported;
  }
  shown = false;
  closed = false;
  constructor(readonly options: { title: string; body?: string; actions?: { type: string; text: string }[]; [key: string]: unknown }) {
    super();
    fake.notifications.push(this);
  }
  show(): void {
    this.shown = true;
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.emit('close', {});
  }
  /** The user pressed button `index` (as Electron reports it). */
  press(index: number): void {
    this.emit('action', {}, index);
  }
  click(): void {
    this.emit('click', {});
  }
}

export interface FakeNativeImage {
  path: string;
  isEmpty(): boolean;
}

type PermissionRequestHandler = (
  webContents: FakeWebContents | null,
  permission: string,
  callback: (granted: boolean) => void,
  details: Record<string, unknown>,
) => void;
type PermissionCheckHandler = (
  webContents: FakeWebContents | null,
  permission: string,
  requestingOrigin: string,
  details: Record<string, unknown>,
) => boolean;
type DevicePermissionHandler = (details: Record<string, unknown>) => boolean;

class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  devicePermissionHandler: DevicePermissionHandler | null = null;

  reset(): void {
    this.permissionRequestHandler = null;
    this.permissionCheckHandler = null;
    this.devicePermissionHandler = null;
  }
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
  }
  setDevicePermissionHandler(handler: DevicePermissionHandler | null): void {
    this.devicePermissionHandler = handler;
  }
  /** Runs the request handler as Chromium would and resolves with its answer (false when none). */
  request(permission: string, details: Record<string, unknown>): Promise<boolean> {
    const handler = this.permissionRequestHandler;
    if (!handler) return Promise.resolve(false);
    return new Promise((resolve) => {
      handler(null, permission, resolve, { isMainFrame: true, ...details });
    });
  }
  check(permission: string, requestingOrigin: string, details: Record<string, unknown> = {}): boolean {
    return this.permissionCheckHandler?.(null, permission, requestingOrigin, { isMainFrame: true, ...details }) ?? false;
  }
}

export type StorageBackend = 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown';

class FakeSafeStorage {
  available = true;
  backend: StorageBackend = 'gnome_libsecret';
  /** The next decrypt says the key was rotated. */
  rotateKey = false;
  readonly encrypted: string[] = [];

  reset(): void {
    this.available = true;
    this.backend = 'gnome_libsecret';
    this.rotateKey = false;
    this.encrypted.length = 0;
  }
  isAsyncEncryptionAvailable(): Promise<boolean> {
    return Promise.resolve(this.available);
  }
  getSelectedStorageBackend(): StorageBackend {
    return this.backend;
  }
  // Not encryption, but the bytes never contain the plain text, which is what tests look for.
  encryptStringAsync(plain: string): Promise<Buffer> {
    if (!this.available) return Promise.reject(new Error('Encryption is not available.'));
    this.encrypted.push(plain);
    return Promise.resolve(Buffer.concat([Buffer.from('FAKEENC'), Buffer.from(plain, 'utf8').map((b) => b ^ 0x5a)]));
  }
  decryptStringAsync(data: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }> {
    if (!this.available) return Promise.reject(new Error('Decryption is not available.'));
    if (!data.subarray(0, 7).equals(Buffer.from('FAKEENC'))) return Promise.reject(new Error('Error while decrypting the ciphertext'));
    const shouldReEncrypt = this.rotateKey;
    this.rotateKey = false;
    return Promise.resolve({ result: Buffer.from(data.subarray(7).map((b) => b ^ 0x5a)).toString('utf8'), shouldReEncrypt });
  }
}

class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();
  reset(): void {
    this.exposed.clear();
  }
  exposeInMainWorld(key: string, api: unknown): void {
    if (this.exposed.has(key)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${key}`);
    this.exposed.set(key, api);
  }
}

/** The renderer side of IPC, for preload tests: invoke() records and answers with `reply`. */
class FakeIpcRenderer extends EventEmitter {
  readonly invocations: { channel: string; args: unknown[] }[] = [];
  reply: (channel: string, args: unknown[]) => unknown = () => ({ ok: true, value: null });

  reset(): void {
    this.removeAllListeners();
    this.invocations.length = 0;
    this.reply = () => ({ ok: true, value: null });
  }
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invocations.push({ channel, args });
    return Promise.resolve(this.reply(channel, args));
  }
  /** What main's webContents.send(channel, payload) does on this side. */
  deliver(channel: string, payload: unknown): void {
    this.emit(channel, { sender: this, senderId: 0 }, payload);
  }
}

/** globalShortcut: what is registered, and shortcuts another program holds. */
class FakeGlobalShortcut {
  readonly registered = new Map<string, () => void>();
  readonly takenElsewhere = new Set<string>();
  reset(): void {
    this.registered.clear();
    this.takenElsewhere.clear();
  }
  register(accelerator: string, callback: () => void): boolean {
    if (this.takenElsewhere.has(accelerator) || this.registered.has(accelerator)) return false;
    this.registered.set(accelerator, callback);
    return true;
  }
  unregister(accelerator: string): void {
    this.registered.delete(accelerator);
  }
  /** The user pressed the keys. */
  press(accelerator: string): void {
    this.registered.get(accelerator)?.();
  }
}

/** The clipboard (Electron 45's promise API) and, as on Linux, the primary selection. */
class FakeClipboard {
  text = '';
  selectionText = '';
  readonly selection = {
    readText: (): Promise<string> => Promise.resolve(this.selectionText),
  };
  reset(): void {
    this.text = '';
    this.selectionText = '';
  }
  readText(): Promise<string> {
    return Promise.resolve(this.text);
  }
}

export const fake = {
  app: new FakeApp(),
  protocol: new FakeProtocol(),
  ipcMain: new FakeIpcMain(),
  session: new FakeSession(),
  safeStorage: new FakeSafeStorage(),
  powerMonitor: new EventEmitter(),
  contextBridge: new FakeContextBridge(),
  ipcRenderer: new FakeIpcRenderer(),
  globalShortcut: new FakeGlobalShortcut(),
  clipboard: new FakeClipboard(),
  net: { online: true },
  windows: [] as FakeBrowserWindow[],
  trays: [] as FakeTray[],
  applicationMenus: [] as (FakeMenu | null)[],
  openedExternally: [] as string[],
  notifications: [] as FakeNotification[],
  reset(): void {
    this.app.reset();
    this.protocol.reset();
    this.ipcMain.reset();
    this.session.reset();
    this.safeStorage.reset();
    this.powerMonitor.removeAllListeners();
    this.contextBridge.reset();
    this.ipcRenderer.reset();
    this.globalShortcut.reset();
    this.clipboard.reset();
    this.net.online = true;
    this.windows.length = 0;
    this.trays.length = 0;
    this.applicationMenus.length = 0;
    this.openedExternally.length = 0;
    this.notifications.length = 0;
    FakeNotification.supported = true;
  },
};

/** The module's exports, as `import { app, BrowserWindow, … } from 'electron'` sees them. */
export const electronModule = {
  app: fake.app,
  BrowserWindow: FakeBrowserWindow,
  protocol: fake.protocol,
  ipcMain: fake.ipcMain,
  session: { defaultSession: fake.session },
  safeStorage: fake.safeStorage,
  powerMonitor: fake.powerMonitor,
  contextBridge: fake.contextBridge,
  ipcRenderer: fake.ipcRenderer,
  net: { isOnline: () => fake.net.online },
  globalShortcut: fake.globalShortcut,
  clipboard: fake.clipboard,
  Tray: FakeTray,
  Notification: FakeNotification,
  Menu: {
    buildFromTemplate: (items: Record<string, unknown>[]): FakeMenu => ({ items }),
    setApplicationMenu: (menu: FakeMenu | null): void => {
      fake.applicationMenus.push(menu);
    },
  },
  nativeImage: {
    createFromPath: (path: string): FakeNativeImage => ({ path, isEmpty: () => false }),
  },
  shell: {
    openExternal: (url: string): Promise<void> => {
      fake.openedExternally.push(url);
      return Promise.resolve();
    },
  },
  webContents: {
    fromId: (id: number): FakeWebContents | undefined => fake.windows.find((w) => w.webContents.id === id)?.webContents,
    getAllWebContents: (): FakeWebContents[] => fake.windows.map((w) => w.webContents),
  },
};
