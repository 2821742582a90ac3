/**
 * Storage natives. Keys: 1..64 characters of [A-Za-z0-9_.-/]; values: Uint8Array of at most 4096 bytes;
 * at most 256 keys. Writes are atomic.
 */
export declare function read(key: string): Uint8Array | undefined;
export declare function write(key: string, value: Uint8Array): void;
export declare function remove(key: string): void;
