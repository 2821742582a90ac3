/** The device's factory area (native/xs/js/factory.js). */
/** A copy of the factory area's bytes (erased ones included), or undefined where there is none (host runtime). */
export declare function read(): Uint8Array | undefined;
