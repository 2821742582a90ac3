/**
 * The product's mesh node, started by the device application (main.ts) once it is provisioned.
 *
 * It is passed to DeviceApp by whoever composes the device (the simulation, the XS host runtime's entry), so an
 * image can carry the provisioning app alone: the nRF52840 and twin images do, until the preloaded machine
 * (issue 9) makes room for the node stack in the device's RAM and flash. main.ts imports only this module's types.
 */
import type { AdvBearer } from "../bearer/adv.js";
import { MeshCrypto } from "../crypto/mesh.js";
import type { ProvisioningRecord } from "../device/record.js";
import { createNode } from "../node/node.js";
import type { MeshNode } from "../node/api.js";
import type { Platform, Storage } from "../platform.js";
import { createApp } from "./apps.js";
import type { AppIo, AppKind, MeshApp } from "./apps.js";
import { virtualAddress } from "../net/keys.js";

/** A running mesh node and the product's models on it (the node is created, not yet started). */
export interface MeshRun {
  mesh: MeshApp;
  node: MeshNode;
}

/** What the node needs from the device application. */
export interface MeshRunContext {
  platform: Platform & { storage: Storage };
  io: AppIo;
  kind: AppKind;
  record: ProvisioningRecord;
  /** The advertising bearer the provisioning used: the node sends and receives Network PDUs and beacons on it. */
  bearer: AdvBearer;
  /** The provisioning record's storage key: the node's records are tied to it. */
  recordKey: string;
}

export type MeshRunner = (ctx: MeshRunContext) => MeshRun;

/** Creates this product's models (light or switch) and the node that carries them. */
export const runMeshNode: MeshRunner = (ctx) => {
  const p = ctx.platform;
  const mc = new MeshCrypto(p.crypto);
  const mesh = createApp(ctx.kind, ctx.io, { clock: p.clock, virtualAddress: (l) => virtualAddress(mc, l), randomBytes: (n) => p.crypto.randomBytes(n) });
  const node = createNode(p, { record: ctx.record, elements: mesh.elements(), composition: mesh.composition(), bearer: ctx.bearer, recordKey: ctx.recordKey });
  return { mesh, node };
};
