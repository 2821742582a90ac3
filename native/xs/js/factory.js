// The device's factory area (device: native/xs/natives/nrf52/factory_xs.c, the UICR customer registers on the
// nRF52840, the factory page on the twin; host runtime: none, native/xs/natives/host/factory_host.c).
// The record in it: modules/factory/record.ts.
export function read() @ "xs_factory_read";
