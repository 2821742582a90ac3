// A database writer that dies (SIGKILL, as kill -9) at one point of its write: host-tests/cdb/cdb.test.ts.
//   node --import tsx host-tests/cdb/crash-writer.ts DB STEP
import { addNode } from "../../host/cdb/cdb.js";
import { CdbLock, readCdb, writeCdb } from "../../host/cdb/store.js";
import type { WriteStep } from "../../host/cdb/store.js";

const [path, step] = process.argv.slice(2) as [string, WriteStep];
CdbLock.acquire(path);
const db = readCdb(path);
addNode(db, { uuid: new Uint8Array(16).fill(0xab), unicastAddress: 0x0100, elements: 2, deviceKey: new Uint8Array(16).fill(1), security: "secure", netKeyIndex: 0 });
writeCdb(path, db, (s) => {
  if (s === step) process.kill(process.pid, "SIGKILL");
});
