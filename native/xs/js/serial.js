// The mesh modem's serial link (docs/serial-protocol.md) for the XS runtime: bytes to the host, and the
// host's bytes as they arrive. Host runtime: file descriptor 3 (native/xs/natives/host/serial_host.c),
// connected by host/serial/launch.ts to a pty or a socket. onData's handler gets a Uint8Array per chunk and
// undefined once when the host closed the link; null stops it.
export function write(bytes) @ "xs_serial_write";
export function onData(handler) @ "xs_serial_on_data";
