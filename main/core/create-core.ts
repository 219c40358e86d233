// The core's composition root: settings, the media engine port, registration and calls, each
// built here with its ports, and the contract's handlers on top. Nothing in it knows its host.
import type { AppState, Call, EventName, EventPayload, Handlers } from '../../preload/contract.ts';
import type { Core, CoreOptions } from './core.ts';
import { AppError, messageOf } from './errors.ts';
import type { ContactWrite } from './history/history-store.ts';
import { HeadsetController, type CallControl } from './hid/headset-controller.ts';
import { ContactImports } from './history/contact-imports.ts';
import { HistoryService, splitSearch, viaStore } from './history/history-service.ts';
import { contactsCsvFileName, parseContactsFile } from './contacts/contact-files.ts';
import { RemoteMediaEngine } from './media/remote-media-engine.ts';
import { silentLogger, silentNotifier, systemClock } from './ports.ts';
import { CallNotifications } from './call-notifications.ts';
import { numberContextOf, type NumberContext } from './numbers/dial-plan.ts';
import { DialRequests } from './cti/dial-requests.ts';
import { DesktopIntegration } from './cti/desktop-integration.ts';
import { apiCallOf, CallEvents, type CallFacts } from './cti/call-events.ts';
import { runCommand } from './cti/cti-commands.ts';
import { CtiService } from './cti/cti-service.ts';
import { openApiDocument } from './cti/openapi.ts';
import type { CtiEvent } from './cti/api-schema.ts';
import { MemoryDeliveryQueue } from './cti/memory-delivery-queue.ts';
import { Webhooks } from './cti/webhooks.ts';
import { randomUUID } from 'node:crypto';
import { SettingsStore } from './settings/settings-store.ts';
import { Accounts } from './sip/accounts.ts';
import { CallService } from './sip/call-service.ts';
import { settleWithin } from './time-bounds.ts';
import { defaultTiming } from './timing.ts';

export const DEFAULT_MEDIA_TIMEOUT_MS = 10_000;

/** Runs `fn` so that a synchronous throw becomes a rejected promise, as every handler must. */
function settled<T>(fn: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(fn());
  });
}

/** Contacts normalised per slice of an import (about 20 ms of main's thread each). */
const IMPORT_SLICE = 2000;
/** Contacts the store writes per transaction during an import (about 0.4 s at a million calls). */
const IMPORT_GROUP = 10_000;

/** The longest a new call's first appearance waits for its screen-pop. */
const POP_WAIT_MS = 50;

export function createCore(options: CoreOptions): Core {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const timing = { ...defaultTiming, ...options.timing };
  const random = options.random ?? Math.random;

  // A host that cannot deliver an event must not break the state change that caused it.
  const publish = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
    try {
      options.events.emit(event, payload);
    } catch (err) {
      logger.error(`core: emitting ${event} failed`, err);
    }
  };

  const settings = new SettingsStore({ file: options.settingsFile, secrets: options.secrets, logger });
  /** How numbers are read and dialled now (default country, dial plan): one reading for calls and dial requests. */
  const numberContext = (): NumberContext => numberContextOf(settings.settings.numbers, options.systemLocale);
  const media = new RemoteMediaEngine({
    events: options.events,
    clock,
    logger,
    timeoutMs: options.mediaTimeoutMs ?? DEFAULT_MEDIA_TIMEOUT_MS,
  });
  const accounts: Accounts = new Accounts({
    clock,
    logger,
    timing,
    random,
    userAgentString: `Hookswitch/${options.version}`,
    sessionDescriptionHandlerFactory: (session, factoryOptions) => calls.sessionDescriptionHandlerFactory(session, factoryOptions),
    password: (accountId) => settings.password(accountId),
    onStatuses: (statuses) => {
      publish('accounts:changed', statuses);
      dialRequests.accountsChanged();
    },
    onInvite: (invitation, accountId) => {
      calls.onInvite(invitation, accountId);
    },
    onRecovered: (accountId) => {
      calls.restartIce(accountId);
    },
    onConnectionLost: (accountId) => {
      calls.connectionLost(accountId);
    },
    hasLiveCalls: (accountId) => calls.hasLiveCalls(accountId),
    onUpdate: (message, reply) => calls.onUpdate(message, reply),
    // The old account's calls cannot continue on a new user agent: end them as ours.
    onReplaced: (accountId) => calls.endAll(timing.stopTimeoutMs, accountId),
  });
  const calls: CallService = new CallService({
    clock,
    logger,
    timing,
    media,
    accounts: {
      userAgent: (id) => accounts.get(id).userAgent,
      isRegistered: (id) => accounts.get(id).isRegistered,
      settings: (id) => {
        const account = accounts.get(id).account;
        if (!account) throw new AppError('no-such-account', `account ${id} is not configured`);
        return account;
      },
      has: (id) => accounts.has(id),
      defaultAccountId: () => accounts.defaultAccountId(),
    },
    settings: () => settings.settings,
    numbers: numberContext,
    onCalls: (list) => {
      headset?.updateCalls(list);
      history.updateCalls(list);
      notifications.update(list);
      publishCalls(list);
    },
  });
  media.onGone(() => {
    calls.mediaGone();
  });
  // A headset asks through the same call service the handlers use; a refusal rejects.
  const callControl: CallControl = {
    answer: (callId) => calls.answer(callId),
    hangup: (callId) => settled(() => calls.hangup(callId)),
    reject: (callId) => settled(() => calls.reject(callId)),
    setMuted: (callId, muted) => calls.mute(callId, muted),
    hold: (callId, on) => calls.hold(callId, on),
    swapOrHold: () => calls.swapOrHold(),
    redial: () => settled(() => calls.redial()),
  };
  const headset: HeadsetController | null = options.hidTransport
    ? new HeadsetController({
        transport: options.hidTransport,
        calls: callControl,
        clock,
        logger,
        about: { app: `Hookswitch ${options.version}`, host: options.host },
        onDevicesChanged: (views) => {
          publish('headsets:changed', views);
        },
        onInput: (event) => {
          publish('headsets:input', event);
        },
      })
    : null;

  const history = new HistoryService({
    store: options.history ?? null,
    clock,
    logger,
    settings: () => settings.settings,
    systemLocale: options.systemLocale,
    accountAor: (accountId) => (accounts.has(accountId) ? (accounts.get(accountId).status.aor ?? '') : ''),
    onSummary: (summary) => {
      notifications.missedCount(summary.unseenMissed);
      publish('history:changed', summary);
    },
    onScreenPop: (pop) => {
      publish('calls:screenPop', pop);
    },
    openUrl: options.openUrl ?? null,
  });
  const notifications = new CallNotifications({
    notifier: options.notifier ?? silentNotifier,
    logger,
    accountLabel: (accountId) => {
      const statuses = accounts.statuses().filter((a) => a.state !== 'unconfigured');
      return statuses.length > 1 ? (statuses.find((a) => a.accountId === accountId)?.label ?? '') : '';
    },
  });
  const imports = new ContactImports(clock, options.importParser ?? parseContactsFile, random);
  const desktop = new DesktopIntegration(options.desktop ?? null, () => settings.settings.clickToDial.shortcut, logger);
  const dialRequests: DialRequests = new DialRequests({
    clock,
    logger,
    settings: () => settings.settings.clickToDial,
    numbers: numberContext,
    defaultAccount: () => {
      const id = accounts.defaultAccountId();
      if (id === null) return null;
      const account = accounts.get(id);
      return { sipUri: account.account?.sipUri ?? '', ready: account.isRegistered && media.available };
    },
    dial: (target, accountId) => calls.dial(target, accountId),
    contactName: async (target) => (await history.contactFor(target))?.name ?? '',
    onChange: (requests) => {
      publish('dial:requestsChanged', requests);
    },
    newId: () => randomUUID(),
  });

  // Call events for CRMs (the local API's WebSocket clients, webhooks), with the screen-pop's contact.
  const facts: CallFacts = {
    localNumber: (accountId) => {
      const aor = accounts.has(accountId) ? (accounts.get(accountId).status.aor ?? '') : '';
      return /^sips?:([^@;]+)@/.exec(aor)?.[1] ?? '';
    },
    lookup: (callId) => {
      const pop = history.screenPopFor(callId);
      return pop ? { contact: pop.contact, e164: pop.e164 } : null;
    },
  };
  let openapi: unknown = null;
  const cti = new CtiService({
    clock,
    logger,
    secrets: options.secrets,
    settings: () => settings.settings.api,
    run: (command, params, callId) =>
      runCommand(command, params as never, callId, { handlers, calls: () => calls.list(), apiCall: (c) => apiCallOf(c, facts) }),
    calls: () => calls.list().map((c) => apiCallOf(c, facts)),
    // Built once, on first request: it is the same document for the whole run.
    openapi: () => (openapi ??= openApiDocument(options.version)),
    onStatus: (status) => {
      publish('api:changed', status);
    },
    ...(options.apiLimits ? { limits: options.apiLimits } : {}),
  });
  // Without a history database the queue lives in memory: deliveries go on, a restart loses the rest.
  const memoryQueue = new MemoryDeliveryQueue();
  let webhookRevision = 0;
  const webhooks = new Webhooks({
    clock,
    logger,
    random,
    settings: () => settings.settings.webhooks,
    secret: (hookId) => settings.webhookSecret(hookId),
    queue: () => history.openedStore() ?? memoryQueue,
    newId: () => randomUUID(),
    version: options.version,
    onChange: () => {
      webhookRevision += 1;
      publish('webhooks:changed', { revision: webhookRevision });
    },
    ...(options.webhookTiming ? { timing: options.webhookTiming } : {}),
  });
  // Each listener on its own: one that throws must not keep the event from the other, or the
  // events after it from either.
  const callEventListeners: [string, { event(event: CtiEvent): void }][] = [
    ['the local API', cti],
    ['webhooks', webhooks],
  ];
  const callEvents = new CallEvents(facts, clock, randomUUID, (event) => {
    for (const [name, listener] of callEventListeners) {
      try {
        listener.event(event);
      } catch (err) {
        logger.error(`call events: ${name} failed on ${event.type}`, err);
      }
    }
  });
  const deliverCalls = (list: Call[]): void => {
    publish('calls:changed', list);
    callEvents.update(list);
  };

  // A new call reaches the renderer together with its screen-pop: the list waits for the lookup
  // (about a millisecond; never more than popWaitMs), so the card is painted once, complete.
  let heldList: Call[] | null = null;
  function publishCalls(list: Call[]): void {
    if (heldList !== null) {
      heldList = list;
      return;
    }
    const ready = history.popsReady(list);
    if (ready === null) {
      deliverCalls(list);
      return;
    }
    heldList = list;
    void settleWithin(ready, POP_WAIT_MS, clock).finally(() => {
      const latest = heldList ?? list;
      heldList = null;
      deliverCalls(latest);
    });
  }

  function noSuchDevice(id: string): Promise<never> {
    return Promise.reject(new AppError('no-such-device', `no headset ${id}`));
  }

  let started: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;

  function getState(): AppState {
    return {
      host: options.host,
      version: options.version,
      systemLocale: options.systemLocale,
      settings: settings.view(),
      accounts: accounts.statuses(),
      calls: calls.list(),
      headsets: headset?.views() ?? [],
      history: history.summary(),
      screenPops: history.screenPops(),
      historyMovedAside: history.movedAside(),
      dialRequests: dialRequests.list(),
      api: cti.status(),
    };
  }

  const handlers: Handlers = {
    'app:getState': () => Promise.resolve(getState()),
    'settings:get': () => Promise.resolve(settings.view()),
    'settings:save': async ({ settings: next, passwords, webhookSecrets }) => {
      const view = await settings.save(next, passwords, webhookSecrets);
      publish('settings:changed', view);
      await headset?.configure(settings.settings.headsets);
      history.settingsChanged();
      desktop.apply();
      await cti.apply();
      webhooks.settingsChanged();
      if (stopping === null) await accounts.apply(settings.settings.accounts, 'if-changed');
      return view;
    },
    'accounts:register': ({ accountId }) => settled(() => accounts.register(accountId)),
    'accounts:unregister': async ({ accountId }) => accounts.unregister(accountId),
    'accounts:callVoicemail': ({ accountId }) =>
      settled(() => calls.callVoicemail(accountId, accounts.get(accountId).status.voicemail?.messageAccount ?? null)),
    'calls:doNotDisturb': async ({ on }) => {
      const current = settings.settings;
      const view = await settings.save({ ...current, calls: { ...current.calls, dnd: on } });
      publish('settings:changed', view);
      return view;
    },
    'calls:dial': ({ target, accountId }) => settled(() => calls.dial(target, accountId)),
    'calls:answer': ({ callId }) => calls.answer(callId),
    'calls:reject': ({ callId }) => settled(() => calls.reject(callId)),
    'calls:hangup': ({ callId }) => settled(() => calls.hangup(callId)),
    'calls:hold': ({ callId, hold }) => calls.hold(callId, hold),
    'calls:mute': ({ callId, muted }) => calls.mute(callId, muted),
    'calls:dtmf': ({ callId, tones }) => calls.dtmf(callId, tones),
    'calls:transfer': ({ callId, target }) => calls.transfer(callId, target),
    'calls:consult': ({ callId, target }) => settled(() => calls.consult(callId, target)),
    'calls:completeTransfer': ({ callId }) => settled(() => calls.completeTransfer(callId)),
    'calls:merge': ({ callIds }) => calls.merge(callIds),
    'calls:split': ({ callId }) => calls.split(callId),
    'calls:answerTransfer': ({ callId, accept }) => settled(() => calls.answerTransfer(callId, accept)),
    'history:query': (query) => history.query(query),
    'history:update': ({ id, ...change }) => history.update(id, change),
    'history:delete': ({ ids }) => history.remove(ids),
    'history:clear': () => history.clear(),
    'history:markSeen': () => history.markSeen(),
    'history:callBack': async ({ id }) => {
      const { target, account } = await history.callBackTarget(id);
      // The account the call was on, while it exists; the default account otherwise.
      return calls.dial(target, accounts.byAor(account) ?? undefined);
    },
    'contacts:query': async ({ text, after, limit }) => {
      const { words, digits } = splitSearch(text);
      return viaStore(() => history.store().queryContacts({ words, digits, after, limit }));
    },
    'contacts:save': async (contact) => {
      return viaStore(() => history.store().saveContact(history.contactWrite(contact)));
    },
    'contacts:delete': async ({ id }) => {
      if (!(await viaStore(() => history.store().deleteContact(id)))) throw new AppError('no-such-contact', `no contact ${id}`);
      return null;
    },
    'contacts:importBegin': ({ format, size }) => settled(() => ({ importId: imports.begin(format, size) })),
    'contacts:importChunk': ({ importId, text }) =>
      settled(() => {
        imports.chunk(importId, text);
        return null;
      }),
    'contacts:importPreview': ({ importId }) => settled(() => imports.preview(importId)),
    'contacts:import': ({ importId }) => {
      const store = history.store();
      return imports.run(importId, async (drafts) => {
        // Normalising 100,000 numbers takes seconds of main's thread: in slices, so SIP and HID
        // keep flowing. The store writes larger groups (a transaction each; fewer is faster), and
        // each group is normalised while the store's worker writes the last.
        let imported = 0;
        let writing: Promise<void> = Promise.resolve();
        let group: ContactWrite[] = [];
        let groupAt = 0;
        const send = async (): Promise<void> => {
          const writes = group;
          const at = groupAt;
          group = [];
          groupAt += writes.length;
          await writing;
          writing = viaStore(() =>
            store.importContacts(writes, (done) => {
              publish('contacts:importProgress', { importId, done: at + done, total: drafts.length });
            }),
          ).then((n) => {
            imported += n;
          });
          // Awaited later; marked handled now so a refusal is not reported twice.
          writing.catch(() => undefined);
        };
        for (let at = 0; at < drafts.length; at += IMPORT_SLICE) {
          for (const d of drafts.slice(at, at + IMPORT_SLICE)) group.push(history.contactWrite({ ...d.contact, id: null }));
          // The first groups are small, so the store starts writing while the rest is normalised.
          if (group.length >= Math.min(IMPORT_GROUP, Math.max(IMPORT_SLICE, groupAt))) await send();
          // Let the writes start and other work in before the next slice.
          await new Promise<void>((resolve) => clock.setTimeout(resolve, 0));
        }
        if (group.length > 0) await send();
        await writing;
        return imported;
      });
    },
    'contacts:importCancel': ({ importId }) =>
      settled(() => {
        imports.cancel(importId);
        return null;
      }),
    'contacts:export': async () => ({
      fileName: contactsCsvFileName(clock.now()),
      csv: await viaStore(() => history.store().contactsCsv()),
    }),
    'calls:openCrm': ({ callId }) =>
      settled(() => {
        history.openCrm(callId);
        return null;
      }),
    'api:token': async ({ regenerate }) => ({ token: await cti.token(regenerate) }),
    'webhooks:log': async ({ hookId, limit }) => {
      const { deliveries, pending } = await webhooks.log(hookId, limit);
      // The queued event stays in main: the log says what happened to it, not what it held.
      return { deliveries: deliveries.map(({ eventId: _id, event: _event, ...rest }) => rest), pending };
    },
    'webhooks:test': async ({ hookId }) => {
      if (!settings.settings.webhooks.some((h) => h.id === hookId)) throw new AppError('invalid-argument', `no webhook ${hookId}`);
      await webhooks.test(hookId);
      return null;
    },
    'webhooks:retry': async ({ hookId }) => {
      await webhooks.retry(hookId);
      return null;
    },
    'desktop:status': () => desktop.status(),
    'desktop:makeDefaultHandler': ({ scheme }) => desktop.makeDefault(scheme),
    'dial:confirm': ({ requestId, accountId }) => settled(() => dialRequests.confirm(requestId, accountId)),
    'dial:dismiss': ({ requestId }) =>
      settled(() => {
        dialRequests.dismiss(requestId);
        return null;
      }),
    'headsets:list': () => Promise.resolve(headset?.views() ?? []),
    'headsets:try': async ({ id, outputs }, sender) => {
      if (!headset) return noSuchDevice(id);
      await headset.tryOutputs(id, outputs, sender.id);
      return null;
    },
    'headsets:supportBundle': ({ id }) => (headset ? settled(() => headset.supportBundle(id)) : noSuchDevice(id)),
    'media:ready': (_args, sender) =>
      settled(() => {
        media.attach(sender.id);
        // A number that arrived before the window was up can be dialled now.
        dialRequests.accountsChanged();
        return null;
      }),
    'media:respond': (args, sender) =>
      settled(() => {
        media.respond(args, sender.id);
        return null;
      }),
  };

  return {
    handlers,
    getState,
    start() {
      started ??= (async () => {
        const loaded = await settings.load();
        // The history opens before the account registers, so the first call is recorded.
        await history.start();
        if (settings.settings.webhooks.length > 0 && history.openedStore() === null) {
          logger.warn('webhooks: no history database; deliveries wait in memory and a restart loses them');
        }
        webhooks.start();
        await cti.apply();
        // Headsets open alongside the account; one that fails to open never holds up the calls.
        await headset?.configure(loaded.headsets);
        const headsetStarted = headset?.start().catch((err: unknown) => {
          logger.warn(`core: starting headsets failed: ${messageOf(err)}`);
        });
        desktop.apply();
        // A renderer may have asked app:getState before the load (defaults, no password).
        publish('settings:changed', settings.view());
        await accounts.apply(loaded.accounts, 'on-start');
        await headsetStarted;
      })();
      return started;
    },
    stop() {
      stopping ??= (async () => {
        await calls.endAll(timing.stopTimeoutMs);
        // After the calls ended, so API clients heard ConnectionCleared for each.
        await cti.stop();
        // Deliveries in flight finish (bounded); what waits stays queued for the next start.
        await settleWithin(webhooks.stop(), timing.stopTimeoutMs, clock);
        // The LEDs go off and the devices close, but a stuck write must not hold up the exit.
        if (headset) await settleWithin(headset.stop(), timing.stopTimeoutMs, clock);
        await accounts.stop();
        imports.dispose();
        dialRequests.dispose();
        desktop.stop();
        await settleWithin(history.stop(), timing.stopTimeoutMs, clock);
        notifications.closeAll();
        calls.dispose();
        media.dispose();
      })();
      return stopping;
    },
    dialFromOutside(text, form, source) {
      return dialRequests.submit(text, form, source);
    },
    senderGone(senderId) {
      media.senderGone(senderId);
      headset?.senderGone(senderId);
    },
    networkChanged(reason) {
      accounts.networkChanged(reason);
      // Devices may have come, gone or reset while the machine slept: reopen and resend the LEDs.
      if (reason === 'resume') {
        headset?.resync().catch((err: unknown) => {
          logger.warn(`core: resyncing headsets failed: ${messageOf(err)}`);
        });
      }
    },
  };
}
