/**
 * Health messages (Mesh Protocol 1.1, 4.3.3; opcodes 4.3.4, Table 4.197).
 */
import { specTable } from "./codec.js";
import type { MessageSpec } from "./codec.js";

export const HealthOp = Object.freeze({
  CurrentStatus: 0x04,
  FaultStatus: 0x05,
  AttentionGet: 0x8004,
  AttentionSet: 0x8005,
  AttentionSetUnacknowledged: 0x8006,
  AttentionStatus: 0x8007,
  FaultClear: 0x802f,
  FaultClearUnacknowledged: 0x8030,
  FaultGet: 0x8031,
  FaultTest: 0x8032,
  FaultTestUnacknowledged: 0x8033,
  PeriodGet: 0x8034,
  PeriodSet: 0x8035,
  PeriodSetUnacknowledged: 0x8036,
  PeriodStatus: 0x8037,
} as const);

export const HEALTH_MESSAGES: readonly MessageSpec[] = Object.freeze([
  { opcode: HealthOp.CurrentStatus, name: "Health Current Status", fields: "testId:u8 companyId:u16 faults:rest" },
  { opcode: HealthOp.FaultStatus, name: "Health Fault Status", fields: "testId:u8 companyId:u16 faults:rest" },
  { opcode: HealthOp.FaultGet, name: "Health Fault Get", fields: "companyId:u16" },
  { opcode: HealthOp.FaultClear, name: "Health Fault Clear", fields: "companyId:u16" },
  { opcode: HealthOp.FaultClearUnacknowledged, name: "Health Fault Clear Unacknowledged", fields: "companyId:u16" },
  { opcode: HealthOp.FaultTest, name: "Health Fault Test", fields: "testId:u8 companyId:u16" },
  { opcode: HealthOp.FaultTestUnacknowledged, name: "Health Fault Test Unacknowledged", fields: "testId:u8 companyId:u16" },
  { opcode: HealthOp.PeriodGet, name: "Health Period Get", fields: "" },
  { opcode: HealthOp.PeriodSet, name: "Health Period Set", fields: "fastPeriodDivisor:u8" },
  { opcode: HealthOp.PeriodSetUnacknowledged, name: "Health Period Set Unacknowledged", fields: "fastPeriodDivisor:u8" },
  { opcode: HealthOp.PeriodStatus, name: "Health Period Status", fields: "fastPeriodDivisor:u8" },
  { opcode: HealthOp.AttentionGet, name: "Health Attention Get", fields: "" },
  { opcode: HealthOp.AttentionSet, name: "Health Attention Set", fields: "attention:u8" },
  { opcode: HealthOp.AttentionSetUnacknowledged, name: "Health Attention Set Unacknowledged", fields: "attention:u8" },
  { opcode: HealthOp.AttentionStatus, name: "Health Attention Status", fields: "attention:u8" },
]);

export const HEALTH_TABLE = specTable(HEALTH_MESSAGES);

/** Fault values (Assigned Numbers, "Health Fault" values): a few with their names; 0x00 is No Fault. */
export const Fault = Object.freeze({
  NoFault: 0x00,
  BatteryLowWarning: 0x01,
  SupplyVoltageTooLowWarning: 0x05,
  HousingOpenedWarning: 0x13,
  SelfTestWarning: 0x15,
} as const);
