/**
 * What the standalone tests share (not a test file): a simulated air hub in virtual time, seeded crypto, and a
 * logger that keeps its lines (the tests look for keys in them).
 */
import { AirHub } from "../../host/air/hub.js";
import { NodeCryptoPrimitives, seededRandom } from "../../host/node-crypto.js";

export function simAir(seed: number) {
  const hub = new AirHub({ mode: "virtual", seed, logger: { log() {} } });
  const crypto = new NodeCryptoPrimitives({ random: seededRandom(seed) });
  const logs: string[] = [];
  const logger = { log: (level: string, tag: string, message: string) => void logs.push(`[${level}] ${tag}: ${message}`) };
  return { hub, crypto, logs, logger };
}
