/*
 * The XS platform header of the preload generator (tools/fw/preload/xspreload.c): the host runtime's platform
 * (xsr_host.h) with the engine built for linking (-DmxLink=1): every built-in callback is registered by name
 * (mxCallback → fxNewLinkerCallback), and the machine has `fakeCallback`, the engine's limit below which a host
 * function is "not available" while preloading. No parser: modules come compiled (.xsb).
 */
#ifndef XSR_PRELOAD_H
#define XSR_PRELOAD_H

#include "xsr_host.h"

#undef mxMachinePlatform
#define mxMachinePlatform \
	void* host; \
	int promiseJobs; \
	void* bindingScript; \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink; \
	void* fakeCallback;

#undef mxUseDefaultParseScript

#endif /* XSR_PRELOAD_H */
