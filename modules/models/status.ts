/**
 * Status codes of the Foundation Models (Mesh Protocol 1.1, 4.3.5, Table 4.198). 0x16-0xFF are RFU.
 */
/**
 * The codes themselves are ConfigStatus in modules/access/model.ts (the node state returns them); the
 * Mesh Protocol 1.1 additions 0x12-0x15 (Invalid Path Entry, Cannot Get, Obsolete Information, Invalid
 * Bearer) belong to models this node does not have, so only their names are here.
 */
const NAMES: readonly string[] = Object.freeze([
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
]);

/** The spec's name of a status code, or "RFU 0x..". */
export function statusName(code: number): string {
  return NAMES[code] ?? "RFU 0x" + code.toString(16).padStart(2, "0");
}
