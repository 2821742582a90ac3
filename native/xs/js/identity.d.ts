/** The device identity natives (native/xs/js/identity.js). */
/** Device UUID, 16 bytes (a new array each call). Host: --uuid HEX, else derived from the name. */
export declare function uuid(): Uint8Array;
/** The device's name (host: --name, default "xs-device"). */
export declare function name(): string;
