// The standalone provisioner's firmware entry (the firmware variant `provisioner`; docs/standalone.md). It reads
// no arguments: its configuration is the build's defines (manifest.json "defines" and the variant's: STATIC_OOB
// hex or "", PROVISIONER_OOB auto|none, LOG_LEVEL, PROVISIONER_GROUP: the lights' group, 49152 = 0xC000). The provisioner itself: provisioner-start.js. (The host
// runtime runs provisioner-host.js, with arguments.)
import defines from "./config.js";
import { runProvisioner } from "./provisioner-start.js";

// Its body only declares (preloaded, it runs at build time): the runtime calls the start function it registers
// (globalThis.xsrStart; native/xs/common/xsr_run.c xsrStartEntry, docs/firmware.md "Boot").
globalThis.xsrStart = () => runProvisioner(String(defines.STATIC_OOB ?? ""), String(defines.PROVISIONER_OOB ?? "auto"), String(defines.LOG_LEVEL ?? "warn"), false, Number(defines.PROVISIONER_GROUP ?? 0xc000));
