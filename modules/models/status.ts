/**
 * Status codes of the Foundation Models (Mesh Protocol 1.1, 4.3.5, Table 4.198). 0x16-0xFF are RFU.
 */
export const Status = {
  Success: 0x00,
  InvalidAddress: 0x01,
  InvalidModel: 0x02,
  InvalidAppKeyIndex: 0x03,
  InvalidNetKeyIndex: 0x04,
  InsufficientResources: 0x05,
  KeyIndexAlreadyStored: 0x06,
  InvalidPublishParameters: 0x07,
  NotASubscribeModel: 0x08,
  StorageFailure: 0x09,
  FeatureNotSupported: 0x0a,
  CannotUpdate: 0x0b,
  CannotRemove: 0x0c,
  CannotBind: 0x0d,
  TemporarilyUnableToChangeState: 0x0e,
  CannotSet: 0x0f,
  UnspecifiedError: 0x10,
  InvalidBinding: 0x11,
  InvalidPathEntry: 0x12,
  CannotGet: 0x13,
  ObsoleteInformation: 0x14,
  InvalidBearer: 0x15,
} as const;
export type Status = (typeof Status)[keyof typeof Status];

const NAMES: readonly string[] = [
  "Success",
  "Invalid Address",
  "Invalid Model",
  "Invalid AppKey Index",
  "Invalid NetKey Index",
  "Insufficient Resources",
  "Key Index Already Stored",
  "Invalid Publish Parameters",
  "Not a Subscribe Model",
  "Storage Failure",
  "Feature Not Supported",
  "Cannot Update",
  "Cannot Remove",
  "Cannot Bind",
  "Temporarily Unable to Change State",
  "Cannot Set",
  "Unspecified Error",
  "Invalid Binding",
  "Invalid Path Entry",
  "Cannot Get",
  "Obsolete Information",
  "Invalid Bearer",
];

/** The spec's name of a status code, or "RFU 0x..". */
export function statusName(code: number): string {
  return NAMES[code] ?? "RFU 0x" + code.toString(16).padStart(2, "0");
}
