// Picks the descriptor source for this OS and builds the node-hid transport on it. Linux reads
// sysfs; Windows and macOS read descriptors through the native addon (native/). Without the addon
// every device lists with an empty descriptor and the core leaves it alone.
import type { DescriptorListing, DescriptorSource } from '../../core/hid/descriptor/descriptor-source.ts';
import { SysfsDescriptorSource } from '../../core/hid/descriptor/sysfs-descriptor-source.ts';
import type { Logger } from '../../core/ports.ts';
import { loadNativeHidAddon, NativeDescriptorSource, type NativeAddonLoad } from './native-descriptor-source.ts';
import { NodeHidTransport } from './node-hid-transport.ts';

/** A source that knows no descriptors: the OS has no reader (the addon did not load). */
export const noDescriptors: DescriptorSource = {
  list: (): Promise<DescriptorListing> => Promise.resolve({ interfaces: [], unreadable: [] }),
};

export function descriptorSourceFor(
  platform: NodeJS.Platform,
  logger: Logger,
  loadAddon: () => NativeAddonLoad = () => loadNativeHidAddon(),
): DescriptorSource {
  if (platform === 'linux') return new SysfsDescriptorSource();
  const loaded = loadAddon();
  if (!loaded.ok) {
    logger.warn(`hid: ${loaded.reason}; headset buttons will not work`);
    return noDescriptors;
  }
  logger.debug(`hid: report descriptors through ${loaded.file}`);
  return new NativeDescriptorSource(loaded.addon);
}

export function createHostHidTransport(platform: NodeJS.Platform, logger: Logger): NodeHidTransport {
  return new NodeHidTransport({ descriptors: descriptorSourceFor(platform, logger), platform, logger });
}
