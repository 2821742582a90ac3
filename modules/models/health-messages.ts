/**
 * Health messages (Mesh Protocol 1.1, 4.3.3; opcodes 4.3.4, Table 4.197).
 */
import { specTable } from "./codec.js";

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

/** Every Health message (4.3.3.x): one line each, "<opcode in hex> <name>=<fields>" (codec.ts SpecTable; opcodes HealthOp). */
export const HEALTH_TABLE = /* @__PURE__ */ specTable(`
4 Health Current Status=testId:u8 companyId:u16 faults:rest
5 Health Fault Status=testId:u8 companyId:u16 faults:rest
8031 Health Fault Get=companyId:u16
802f Health Fault Clear=companyId:u16
8030 Health Fault Clear Unacknowledged=companyId:u16
8032 Health Fault Test=testId:u8 companyId:u16
8033 Health Fault Test Unacknowledged=testId:u8 companyId:u16
8034 Health Period Get=
8035 Health Period Set=fastPeriodDivisor:u8
8036 Health Period Set Unacknowledged=fastPeriodDivisor:u8
8037 Health Period Status=fastPeriodDivisor:u8
8004 Health Attention Get=
8005 Health Attention Set=attention:u8
8006 Health Attention Set Unacknowledged=attention:u8
8007 Health Attention Status=attention:u8
`);

/** Fault values (Assigned Numbers, "Health Fault" values): a few with their names; 0x00 is No Fault. */
export const Fault = Object.freeze({
  NoFault: 0x00,
  BatteryLowWarning: 0x01,
  SupplyVoltageTooLowWarning: 0x05,
  HousingOpenedWarning: 0x13,
  SelfTestWarning: 0x15,
} as const);
