// Timers and the monotonic clock of the XS runtime (native/xs/natives/timer_xs.c).
function set(callback, ms, interval) @ "xs_timer_set";
function clear(id) @ "xs_timer_clear";
export function now() @ "xs_timer_now";

export function setTimeout(callback, ms) {
  return set(callback, ms, 0);
}
export function setInterval(callback, ms) {
  return set(callback, ms, ms > 0 ? ms : 1);
}
export function clearTimeout(id) {
  clear(id);
}
export function clearInterval(id) {
  clear(id);
}
