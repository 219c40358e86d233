// Where report descriptors come from: a port, because each OS exposes them differently. Linux
// reads sysfs (sysfs-descriptor-source.ts); Windows and macOS need the native addon in native/
// (hidapi's hid_get_report_descriptor), which node-hid does not expose.

export interface HidInterface {
  /** What the OS opens: /dev/hidrawN on Linux, the hidapi path elsewhere. */
  path: string;
  vendorId: number;
  productId: number;
  name: string;
  descriptor: Uint8Array;
}

export interface DescriptorListing {
  interfaces: HidInterface[];
  /** Interfaces seen but not read (permissions, unplugged mid-read). */
  unreadable: { path: string; reason: string }[];
}

export interface DescriptorSource {
  list(): Promise<DescriptorListing>;
}
