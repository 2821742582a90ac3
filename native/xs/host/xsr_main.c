/*
 * xsrun: the XS host runtime. Creates one machine (creation from the manifest, build/xs/host/gen/
 * xsr_creation.h), imports the preloaded modules and the entry module, and runs promise jobs,
 * timers and I/O until nothing is left.
 *
 *   xsrun [options] FILE.xsb            the module in FILE; its directory is the module root
 *   xsrun [options] DIR ENTRY           module ENTRY (a name such as "main" or "host-tests/xs/hello")
 *                                       from the module root DIR
 * options:
 *   -I DIR            one more module root, searched after the first
 *   --preload NAME    import NAME before the entry (in order; repeatable)
 *   --source          also load NAME.js with the parser when NAME.xsb is missing (development)
 *   --storage FILE    the storage file (default: $XSR_STORAGE, else xsr-storage.bin)
 *   --stats           at exit, print one line "xsr-stats {json}" to stderr: times and XS memory counters
 *   --creation K=V    override one creation field (e.g. initialHeapCount=4096)
 *   --memory-limit N  the machine may take at most N bytes of chunk and slot blocks from the C heap
 *                     (try a device's budget: past it the engine stops with "not enough memory", exit 3)
 *   --air HOST:PORT   join the simulated air hub there (docs/air-protocol.md): the radio native sends and
 *                     receives through it, and in virtual mode the clock and the timers follow the hub's time
 *   --name NAME       the radio's name on the hub and the device's name (default "xs-device")
 *   --uuid HEX        the device UUID, 32 hex digits (default: derived from the name)
 *   --led             print "LED on" / "LED off" lines when the board's LED changes
 *   --sync            virtual time: after handling wakes from the hub, print "mark N" and send MARK(N), so the hub
 *                     holds its time until the reader of stdout has read every line up to it (docs/air-protocol.md 3.3)
 *   --random-seed T   random bytes from a deterministic stream seeded by T (simulations only: not secure)
 *   --                the rest are the app's arguments (sys.args())
 *
 * Exit status: 0, 1 (uncaught exception or rejection, or sys.exit(1)), 2 (usage), 3 (fatal engine error),
 * 4 (the air: cannot join the hub, the hub's ERROR, malformed input from it). The hub closing ends it with 0.
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsr_platform.h"
#include "xsr_creation.h"
#include "xsr_hostrt.h"

#include <errno.h>

int gxsrArgc = 0;
char** gxsrArgv = C_NULL;
xsrHostOptions gxsrHostOptions = { .air = C_NULL, .name = "xs-device", .uuid = C_NULL, .led = 0, .sync = 0, .randomSeed = C_NULL };

static void usage(const char* message)
{
	if (message)
		fprintf(stderr, "xsrun: %s\n", message);
	fprintf(stderr,
		"usage: xsrun [-I DIR] [--preload NAME] [--source] [--storage FILE] [--stats] [--creation K=V] [--memory-limit N]\n"
		"             [--air HOST:PORT] [--name NAME] [--uuid HEX] [--led] [--sync] [--random-seed T] FILE.xsb | DIR ENTRY [-- ARGS]\n");
	exit(2);
}

static int setCreation(txCreation* creation, const char* assignment)
{
	static const struct { const char* name; size_t offset; } fields[] = {
		{ "initialChunkSize", offsetof(txCreation, initialChunkSize) },
		{ "incrementalChunkSize", offsetof(txCreation, incrementalChunkSize) },
		{ "initialHeapCount", offsetof(txCreation, initialHeapCount) },
		{ "incrementalHeapCount", offsetof(txCreation, incrementalHeapCount) },
		{ "stackCount", offsetof(txCreation, stackCount) },
		{ "initialKeyCount", offsetof(txCreation, initialKeyCount) },
		{ "incrementalKeyCount", offsetof(txCreation, incrementalKeyCount) },
		{ "nameModulo", offsetof(txCreation, nameModulo) },
		{ "symbolModulo", offsetof(txCreation, symbolModulo) },
		{ "parserBufferSize", offsetof(txCreation, parserBufferSize) },
		{ "parserTableModulo", offsetof(txCreation, parserTableModulo) },
		{ "staticSize", offsetof(txCreation, staticSize) },
	};
	const char* equal = strchr(assignment, '=');
	size_t i;
	char* end;
	long value;
	if (!equal)
		return -1;
	errno = 0;
	value = strtol(equal + 1, &end, 10);
	if (errno || *end || (value < 0) || (value > 0x7FFFFFFF))
		return -1;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if ((strlen(fields[i].name) == (size_t)(equal - assignment)) && !strncmp(assignment, fields[i].name, (size_t)(equal - assignment))) {
			*(txSize*)((char*)creation + fields[i].offset) = (txSize)value;
			return 0;
		}
	}
	return -1;
}

int main(int argc, char** argv)
{
	static xsrRuntime runtime;
	txCreation creation = XSR_CREATION_INITIALIZER;
	const char* preloads[32];
	int preloadCount = 0;
	const char* positional[2];
	int positionalCount = 0;
	int stats = 0;
	char root[C_PATH_MAX];
	char entry[C_PATH_MAX];
	double started, created, imported;
	txMachine* the;
	int failed = 0, i, status;

	c_memset(&runtime, 0, sizeof(runtime));
	runtime.storagePath = getenv("XSR_STORAGE") ? getenv("XSR_STORAGE") : "xsr-storage.bin";
	started = xsrHostWallNow();
	for (i = 1; i < argc; i++) {
		const char* arg = argv[i];
		if (!strcmp(arg, "--")) {
			gxsrArgc = argc - i - 1;
			gxsrArgv = argv + i + 1;
			break;
		}
		else if (!strcmp(arg, "-I")) {
			if (++i == argc)
				usage("-I needs a directory");
			if (runtime.rootCount >= XSR_MAX_ROOTS - 1)
				usage("too many module roots");
			runtime.roots[1 + runtime.rootCount++] = argv[i]; /* slot 0 is the main root */
		}
		else if (!strcmp(arg, "--preload")) {
			if (++i == argc)
				usage("--preload needs a module name");
			if (preloadCount == (int)(sizeof(preloads) / sizeof(preloads[0])))
				usage("too many preloads");
			preloads[preloadCount++] = argv[i];
		}
		else if (!strcmp(arg, "--source"))
			runtime.allowSource = 1;
		else if (!strcmp(arg, "--stats"))
			stats = 1;
		else if (!strcmp(arg, "--storage")) {
			if (++i == argc)
				usage("--storage needs a file");
			runtime.storagePath = argv[i];
		}
		else if (!strcmp(arg, "--memory-limit")) {
			char* end;
			long limit;
			if (++i == argc)
				usage("--memory-limit needs a number of bytes");
			errno = 0;
			limit = strtol(argv[i], &end, 10);
			if (errno || *end || (limit <= 0))
				usage("--memory-limit needs a positive number of bytes");
			runtime.allocationLimit = (size_t)limit;
		}
		else if (!strcmp(arg, "--air")) {
			if (++i == argc)
				usage("--air needs HOST:PORT");
			gxsrHostOptions.air = argv[i];
		}
		else if (!strcmp(arg, "--name")) {
			if ((++i == argc) || !argv[i][0] || (strlen(argv[i]) > 64))
				usage("--name needs a name of 1..64 bytes");
			gxsrHostOptions.name = argv[i];
		}
		else if (!strcmp(arg, "--uuid")) {
			if (++i == argc)
				usage("--uuid needs 32 hex digits");
			gxsrHostOptions.uuid = argv[i];
		}
		else if (!strcmp(arg, "--led"))
			gxsrHostOptions.led = 1;
		else if (!strcmp(arg, "--sync"))
			gxsrHostOptions.sync = 1;
		else if (!strcmp(arg, "--random-seed")) {
			if ((++i == argc) || !argv[i][0])
				usage("--random-seed needs a text");
			gxsrHostOptions.randomSeed = argv[i];
		}
		else if (!strcmp(arg, "--creation")) {
			if ((++i == argc) || (setCreation(&creation, argv[i]) < 0))
				usage("--creation needs FIELD=VALUE with a creation field and a non-negative integer");
		}
		else if ((arg[0] == '-') && arg[1])
			usage("unknown option");
		else {
			if (positionalCount == 2)
				usage("too many arguments");
			positional[positionalCount++] = arg;
		}
	}
	if (positionalCount == 1) {
		/* FILE.xsb or FILE.js: root = its directory, entry = its base name */
		const char* file = positional[0];
		const char* slash = strrchr(file, '/');
		const char* base = slash ? slash + 1 : file;
		size_t baseLength = strlen(base);
		if ((baseLength > 4) && !strcmp(base + baseLength - 4, ".xsb"))
			baseLength -= 4;
		else if ((baseLength > 3) && !strcmp(base + baseLength - 3, ".js")) {
			baseLength -= 3;
			runtime.allowSource = 1;
		}
		else
			usage("FILE must end in .xsb or .js");
		if (slash) {
			if ((size_t)(slash - file) + 1 > sizeof(root))
				usage("path too long");
			memcpy(root, file, (size_t)(slash - file));
			root[slash - file] = 0;
		}
		else
			strcpy(root, ".");
		if (baseLength + 1 > sizeof(entry))
			usage("path too long");
		memcpy(entry, base, baseLength);
		entry[baseLength] = 0;
	}
	else if (positionalCount == 2) {
		if ((strlen(positional[0]) + 1 > sizeof(root)) || (strlen(positional[1]) + 1 > sizeof(entry)))
			usage("path too long");
		strcpy(root, positional[0]);
		strcpy(entry, positional[1]);
	}
	else
		usage(C_NULL);
	runtime.roots[0] = root;
	runtime.rootCount++;

	gxsrRuntime = &runtime;
	the = fxCreateMachine(&creation, "xsrun", C_NULL, XS_NO_ID);
	if (!the) {
		fprintf(stderr, "xsrun: cannot create the machine\n");
		return 3;
	}
	created = xsrHostWallNow();
	xsrAirInit(the);
	if (gxsrHostOptions.air) {
		char error[256];
		if (xsrAirConnect(the, gxsrHostOptions.air, gxsrHostOptions.name, error, sizeof(error)) < 0) {
			fprintf(stderr, "xsrun: air: %s\n", error);
			fxDeleteMachine(the);
			return 4;
		}
	}
	for (i = 0; (i < preloadCount) && !failed; i++) {
		xsrImportModule(the, preloads[i], &failed);
		if (!failed)
			failed = xsrDrainJobs(the);
	}
	imported = -1;
	if (!failed) {
		xsrImportModule(the, entry, &failed);
		/* the entry and its imports load and evaluate in promise jobs: measure on the wall clock */
		if (!failed)
			failed = xsrDrainJobs(the);
		/* a firmware entry (native/xs/js/device-main.js, ...) registered its start function (xsr_run.c xsrStartEntry) */
		if (!failed)
			failed = xsrStartEntry(the, 0);
		if (!failed)
			failed = xsrDrainJobs(the);
		if (runtime.importsSettled > preloadCount)
			imported = xsrHostWallNow();
	}
	if (!failed)
		xsrRunLoop(the);
	if ((imported < 0) && (runtime.importsSettled > preloadCount))
		imported = xsrHostWallNow();
	xsrAirClose();
	status = runtime.exitRequested ? runtime.exitStatus : 0;
	fflush(stdout);
	if (stats) {
		/* the engine's counters as the run left them, then after a full collection (what is live) */
		char json[1024], live[1024];
		double total = xsrHostWallNow() - started;
		xsrStatsJSON(the, json, sizeof(json));
		fxCollectGarbage(the);
		xsrStatsJSON(the, live, sizeof(live));
		fprintf(stderr, "xsr-stats {\"createMs\":%.3f,\"startupMs\":%.3f,\"totalMs\":%.3f,\"exitStatus\":%d,\"memory\":%s,\"afterGC\":%s}\n",
			created - started, imported > 0 ? imported - started : -1.0, total, status, json, live);
	}
	fxDeleteMachine(the);
	gxsrRuntime = C_NULL;
	return status;
}
