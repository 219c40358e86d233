// The settings page's view of the desktop: which program opens each kind of link, and whether the
// dial shortcut is registered. The host's Desktop port does the work; without one (the web host)
// everything reads "unsupported", because the browser, not Hookswitch, decides there.
import type { DesktopStatus, LinkScheme } from '../../../preload/contract.ts';
import { LinkScheme as LinkSchemes } from '../../../preload/contract.ts';
import { messageOf } from '../errors.ts';
import type { Desktop, Logger } from '../ports.ts';

type ShortcutState = DesktopStatus['shortcut']['state'];

export class DesktopIntegration {
  private registered: string | null = null;
  private state: ShortcutState;

  constructor(
    private readonly desktop: Desktop | null,
    private readonly shortcut: () => string,
    private readonly logger: Logger,
  ) {
    this.state = desktop ? 'off' : 'unsupported';
  }

  /** Registers the shortcut the settings name, when it changed. */
  apply(): void {
    if (!this.desktop) return;
    const accelerator = this.shortcut();
    if (accelerator === this.registered) return;
    this.registered = accelerator;
    try {
      this.state = this.desktop.setDialShortcut(accelerator);
    } catch (err) {
      this.logger.warn(`desktop: the dial shortcut ${accelerator} could not be registered: ${messageOf(err)}`);
      this.state = 'taken';
    }
  }

  async status(systemSettingsOpened = false): Promise<DesktopStatus> {
    const accelerator = this.shortcut();
    if (!this.desktop) {
      return {
        links: LinkSchemes.options.map((scheme) => ({ scheme, state: 'unsupported', handler: '' })),
        shortcut: { accelerator, state: 'unsupported' },
        shortcutReads: 'none',
        dialCommand: '',
        systemSettingsOpened: false,
      };
    }
    return {
      links: await this.desktop.linkHandlers(),
      shortcut: { accelerator, state: this.state },
      shortcutReads: this.desktop.shortcutReads,
      dialCommand: this.desktop.dialCommand,
      systemSettingsOpened,
    };
  }

  async makeDefault(scheme: LinkScheme): Promise<DesktopStatus> {
    if (!this.desktop) return this.status();
    return this.status(await this.desktop.makeDefaultHandler(scheme));
  }

  stop(): void {
    if (!this.desktop || this.registered === null || this.registered === '') return;
    this.registered = '';
    this.state = this.desktop.setDialShortcut('');
  }
}
