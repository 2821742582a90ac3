// Benchmark baseline: a module that does nothing but load the platform services.
import { xsCrypto } from "../../../native/xs/js/platform.js";
if (!xsCrypto) throw new Error("no crypto");
