// The device's identity (host: native/xs/natives/host/identity_host.c, from xsrun --uuid HEX or derived
// from --name; a device: FICR).
export function uuid() @ "xs_identity_uuid";
export function name() @ "xs_identity_name";
