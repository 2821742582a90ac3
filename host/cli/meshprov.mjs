#!/usr/bin/env node
// The `meshprov` command (package.json "bin"): runs host/cli/meshprov.ts through tsx's loader.
import { register } from "tsx/esm/api";

register();
await import("./meshprov.ts");
