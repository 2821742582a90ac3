/**
 * Mesh addresses (Mesh Protocol 1.1, 3.4.2): 16 bits.
 *   0x0000 unassigned; 0x0001..0x7FFF unicast; 0x8000..0xBFFF virtual; 0xC000..0xFFFF group, of which
 *   0xFF00..0xFFFF are fixed group addresses (3.4.2.4: all-proxies FFFC, all-friends FFFD, all-relays FFFE,
 *   all-nodes FFFF; the rest RFU).
 */

export const UNASSIGNED = 0x0000;
export const ALL_PROXIES = 0xfffc;
export const ALL_FRIENDS = 0xfffd;
export const ALL_RELAYS = 0xfffe;
export const ALL_NODES = 0xffff;

export function isUnicast(a: number): boolean {
  return a >= 0x0001 && a <= 0x7fff;
}

export function isVirtual(a: number): boolean {
  return a >= 0x8000 && a <= 0xbfff;
}

export function isGroup(a: number): boolean {
  return a >= 0xc000 && a <= 0xffff;
}

/** RFU fixed group addresses 0xFF00..0xFFFB (3.4.2.4): not to be used as a destination or subscription. */
export function isRfuGroup(a: number): boolean {
  return a >= 0xff00 && a <= 0xfffb;
}

/** A group or virtual address a model may subscribe to (4.2.2: not unassigned, unicast, all-nodes or RFU). */
export function isSubscribable(a: number): boolean {
  return isVirtual(a) || (isGroup(a) && !isRfuGroup(a) && a !== ALL_NODES);
}
