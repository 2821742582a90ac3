// The advertising radio of the XS runtime (native/xs/natives/radio_xs.c over the C radio API,
// native/nrf52/radio.h): `radio` implements the Radio interface of modules/platform.ts.
//
// The natives check every argument (TypeError / RangeError). The C radio holds RADIO_MAX_ADVERTS (8)
// advertisements; more wait here, in order, and go to the radio as earlier ones end or are cancelled, so
// callers see one unbounded FIFO as the interface describes. onDone and the receiver run from the run loop,
// never inside a radio call.
function nativeAdvertise(adType, data, options, onDone, checkOnly) @ "xs_radio_advertise";
function nativeCancel(handle) @ "xs_radio_cancel";
function nativeSetReceiver(receiver) @ "xs_radio_set_receiver";
export function stats() @ "xs_radio_stats";

const waiting = []; // {adType, data, options, done, handle: 0}

function submit(entry) {
  const handle = nativeAdvertise(entry.adType, entry.data, entry.options, entry.done, false);
  if (handle > 0) entry.handle = handle;
  return handle > 0;
}

function pump() {
  while (waiting.length > 0) {
    if (!submit(waiting[0])) return;
    waiting.shift();
  }
}

export const radio = Object.freeze({
  advertise(adType, data, options, onDone) {
    // checked in C first (throws on a bad argument), whether it goes to the radio now or waits
    nativeAdvertise(adType, data, options, onDone, true);
    const entry = {
      adType,
      data: data.slice(),
      options: { count: options.count, intervalMs: options.intervalMs },
      handle: 0,
      ended: false,
      done: undefined,
    };
    entry.done = () => {
      entry.ended = true;
      pump();
      if (onDone) onDone();
    };
    if (waiting.length > 0 || !submit(entry)) waiting.push(entry);
    return Object.freeze({
      cancel() {
        if (entry.ended) return;
        entry.ended = true;
        if (entry.handle > 0) {
          nativeCancel(entry.handle);
          pump();
        } else {
          const i = waiting.indexOf(entry);
          if (i >= 0) waiting.splice(i, 1);
        }
      },
    });
  },
  setReceiver(receiver) {
    nativeSetReceiver(receiver);
  },
});

export default radio;
