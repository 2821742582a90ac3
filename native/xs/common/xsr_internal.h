/*
 * The runtime's window on the engine's internals (xsr_internal.c): the few places where our runtime must read
 * the engine's private structures (xsAll.h) rather than go through its API. Everything else in
 * native/xs/common includes xsAll.h only for the engine's platform interface (the hooks it calls:
 * fxFindModule, fxLoadModule, fxQueuePromiseJobs, fxAbort; txScript; fxBeginHost/mxTry), never to walk slots.
 * Internal: include after xsAll.h.
 */
#ifndef XSR_INTERNAL_H
#define XSR_INTERNAL_H

/* The bytes of a Uint8Array (exactly one: no other typed array, no ArrayBuffer) and their count; NULL when slot
 * is not one. Throws a TypeError naming `what` for a detached buffer or a view out of its buffer's bounds. */
uint8_t* xsrInternalUint8Array(txMachine* the, txSlot* slot, const char* what, size_t* length);

/* A number slot's value (an integer or a number): 1, or 0 when the slot holds something else. */
int xsrInternalNumber(txSlot* slot, double* value);
/* A string slot's characters (in the heap or in flash), or NULL when the slot holds something else. */
const char* xsrInternalString(txSlot* slot);

/* The realm of the machine's program (the one top-level imports run in). */
txSlot* xsrInternalProgramRealm(txMachine* the);

/* The `stack` property of the pending exception when it is a string (its message and frames), else NULL. */
const char* xsrInternalExceptionStack(txMachine* the);

#endif /* XSR_INTERNAL_H */
