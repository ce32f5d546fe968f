/** The kinds of device N-sight lists (`devicetype` on the wire; the element name of each device). */
export const DeviceType = { server: 'server', workstation: 'workstation', mobile_device: 'mobile_device' } as const;
export type DeviceType = (typeof DeviceType)[keyof typeof DeviceType];

/** Every device type, in the order the API documents them (the `devicetype` parameter's values). */
export const DEVICE_TYPES = [DeviceType.server, DeviceType.workstation, DeviceType.mobile_device] as const;
