/* The preload generator's parts (tools/fw/preload): xspreload.c (machine, modules, callbacks) and xsp_emit.c. */
#ifndef XSP_H
#define XSP_H

typedef struct {
	long heapSlots, stackSlots, codeBytes, bufferBytes, aliases;
} xspFigures;

/* The C name of a host callback (a built-in registered by mxCallback, or an app native), or NULL. */
const char* xspCallbackName(txCallback callback);
/* Declares every callback the emitted heap may name (extern void NAME(txMachine*);). */
void xspDeclareCallbacks(FILE* out);
/* An address in the linked archive (code, strings in code, key names) as a C expression, or NULL. */
const char* xspArchiveAddress(const void* p, char* buffer, size_t size);
/* Declares the archive's arrays the emitted heap may point into. */
void xspDeclareArchive(FILE* out);
/* Writes the reshaped machine as C (the preparation gxsrPreparation); 0, or -1 after printing what it cannot emit. */
int xspEmit(txMachine* the, const char* path, xspFigures* figures);

/* xsp_platform.c: where modules come from (a directory of .xsb files, unless the archive is linked) */
void xspSetModuleDirectory(const char* dir);
/* Whether the image's archive is linked; its keys registered in order (0, or -1 after printing a mismatch). */
int xspHasArchive(void);
int xspRegisterArchiveKeys(txMachine* the);

/* xsp_census.c: the slots live after creation (the built-ins), then the preparation's heap by module and by kind
 * of slot, one JSON line `preload-census {...}` */
void xspHeapSnapshot(txMachine* the, long engineKeys);
void xspHeapCensus(txMachine* the, FILE* out);
/* The slots a slot's value points at (not its next; array items included), each given to visit. */
void xspEachPointer(txMachine* the, txSlot* slot, void (*visit)(txSlot* target, void* context), void* context);

#endif /* XSP_H */
