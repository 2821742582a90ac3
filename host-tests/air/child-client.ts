// A remote radio in its own process, for host-tests/air/remote.test.ts:
//   node --import tsx host-tests/air/child-client.ts <port> <name>
// Scans; the first time it hears adType 1 it waits 2 ms on its (hub-driven) clock and then advertises
// adType 3 with the same data, 3 events. Prints one JSON line per happening; exits when the hub says BYE.
import { AirClient } from "../../host/air/client.js";

const [portArg, name] = process.argv.slice(2);
const client = await AirClient.connect({ port: Number(portArg), name: name ?? "child" });
const out = (o: object) => process.stdout.write(JSON.stringify(o) + "\n");
out({ event: "welcome", mode: client.mode, now: client.clock.now() });
let replied = false;
client.radio.setReceiver((p) => {
  out({ event: "rx", adType: p.adType, time: p.time, clock: client.clock.now() });
  if (p.adType === 1 && !replied) {
    replied = true;
    client.clock.setTimeout(() => {
      out({ event: "advertise", clock: client.clock.now() });
      client.radio.advertise(3, p.data, { count: 3, intervalMs: 20 }, () => out({ event: "done", clock: client.clock.now() }));
    }, 2);
  }
});
const end = await client.closed;
out({ event: "closed", ...end });
