// Picks the descriptor source for this OS and builds the node-hid transport on it. Linux reads
// sysfs; Windows and macOS need the native descriptor addon (native/), which is not built yet, so
// there every device lists with an empty descriptor and the core leaves it alone.
import type { DescriptorListing, DescriptorSource } from '../../core/hid/descriptor/descriptor-source.ts';
import { SysfsDescriptorSource } from '../../core/hid/descriptor/sysfs-descriptor-source.ts';
import type { Logger } from '../../core/ports.ts';
import { NodeHidTransport } from './node-hid-transport.ts';

/** A source that knows no descriptors: the OS has no reader yet. */
export const noDescriptors: DescriptorSource = {
  list: (): Promise<DescriptorListing> => Promise.resolve({ interfaces: [], unreadable: [] }),
};

export function descriptorSourceFor(platform: NodeJS.Platform): DescriptorSource {
  return platform === 'linux' ? new SysfsDescriptorSource() : noDescriptors;
}

export function createHostHidTransport(platform: NodeJS.Platform, logger: Logger): NodeHidTransport {
  return new NodeHidTransport({ descriptors: descriptorSourceFor(platform), platform, logger });
}
