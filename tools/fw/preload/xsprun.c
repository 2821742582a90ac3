/*
 * The preload generator's test runner (host): runs an entry module on a machine made from a preparation the
 * generator wrote (fxPrepareMachine, as the device does), or with --fresh on a machine created as usual, so a
 * test can compare the two (host-tests/firmware/preload.test.ts).
 *
 *   xsprun [--fresh] DIR ENTRY       (DIR: the .xsb files of the modules not preloaded)
 *
 * Natives for the test programs: print(string), gc() (a full collection), ping(x) (returns x).
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsr_platform.h"
#include "xsp.h"

extern const txPreparation gxsrPreparation;

void xs_fixture_print(txMachine* the);
void xs_fixture_gc(txMachine* the);
void xs_fixture_ping(txMachine* the);

void xs_fixture_print(txMachine* the)
{
	char buffer[512];
	xsrCheckArgc(the, 1, "print");
	fxToString(the, mxArgv(0));
	printf("%s\n", xsrGetString(the, mxArgv(0), "print: text", buffer, sizeof(buffer)));
}

void xs_fixture_gc(txMachine* the)
{
	fxCollectGarbage(the);
}

void xs_fixture_ping(txMachine* the)
{
	*mxResult = *mxArgv(0);
}

const xsrHostEntry gxsrHosts[] = {
	{ "xs_fixture_gc", xs_fixture_gc },
	{ "xs_fixture_ping", xs_fixture_ping },
	{ "xs_fixture_print", xs_fixture_print },
};
const size_t gxsrHostCount = sizeof(gxsrHosts) / sizeof(gxsrHosts[0]);

int main(int argc, char** argv)
{
	/* a device-sized machine: the built-ins and preloaded modules are not in it */
	txCreation creation = {
		4096, 2048,   /* chunks */
		1024, 256,    /* slots */
		512,          /* stack */
		256, 64,      /* keys made at run time */
		127, 31,      /* the generator's name and symbol moduli */
		0, 0, 0,
	};
	static xsrRuntime runtime;
	txMachine* the;
	int fresh = (argc > 1) && !c_strcmp(argv[1], "--fresh");
	int failed = 0;
	if (fresh) {
		argv++;
		argc--;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: xsprun [--fresh] DIR ENTRY\n");
		return 2;
	}
	xspSetModuleDirectory(argv[1]);
	c_memset(&runtime, 0, sizeof(runtime));
	gxsrRuntime = &runtime;
	if (fresh) {
		creation.initialHeapCount = 8192;
		creation.initialKeyCount = 2048;
		the = fxCreateMachine(&creation, "fresh", C_NULL, XS_NO_ID);
		/* linked with an archive (buildRunner's archive): its keys, as the device registers them */
		if (the && xspHasArchive() && (xspRegisterArchiveKeys(the) < 0))
			return 2;
	}
	else
		the = fxPrepareMachine(&creation, (txPreparation*)&gxsrPreparation, "prepared", C_NULL, C_NULL);
	if (!the) {
		fprintf(stderr, "xsprun: cannot create the machine\n");
		return 2;
	}
	xsrImportModule(the, argv[2], &failed);
	if (!failed)
		xsrRunLoop(the);
	fflush(stdout);
	return failed ? 1 : runtime.exitRequested ? runtime.exitStatus : 0;
}
