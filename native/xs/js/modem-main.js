// The XS modem's firmware entry (tools/nrf52/build.mjs variant `modem`, docs/firmware-modem.md). It reads no
// arguments: its configuration is the build's defines (manifest.json "defines" and the variant's: MODEM_LINKS,
// the links open at once, LOG_LEVEL). The modem itself: modem-start.js. (The host runtime runs modem-host.js,
// with arguments.)
import defines from "./config.js";
import { runModem } from "./modem-start.js";

// Its body only declares (preloaded, it runs at build time): the runtime calls the start function it registers
// (globalThis.xsrStart; native/xs/common/xsr_run.c xsrStartEntry, docs/firmware.md "Boot").
globalThis.xsrStart = () => runModem(Number(defines.MODEM_LINKS ?? 4), String(defines.LOG_LEVEL ?? "warn"));
