// Persistent key/value storage of the XS runtime (host: native/xs/natives/host/storage_xs.c, a file
// rewritten atomically).
export function read(key) @ "xs_storage_read";
export function write(key, value) @ "xs_storage_write";
export function remove(key) @ "xs_storage_remove";
