/*
 * xsbc: compiles one JavaScript module (or program) to XS bytecode (.xsb) with the engine's own
 * parser, on the build host. The parser runs with the C flag (mxCFlag), so Moddable's host-function
 * syntax `function f(a, b) @ "xs_f";` is accepted and recorded in the script's hosts table, which the
 * runtime binds by name (native/xs/common).
 *
 *   xsbc [-o OUT.xsb] [--program] [--path NAME] [--hosts] IN.js
 *     -o OUT.xsb    output (default: IN with .xsb instead of .js)
 *     --program     compile a script (program) instead of a module
 *     --path NAME   the name used in error messages (default: IN)
 *     --hosts       print the host functions the module declares, one "name params" a line
 *
 * Output format: native/xs/common/xsr_xsb.h. Exit status: 0, 1 (syntax error), 2 (usage or I/O).
 * Links only the parser and code generator (xsLexical, xsSyntaxical, xsTree, xsScope, xsCode, ...).
 */
#include "xsScript.h"
#include "xsr_xsb.h"

#include <errno.h>

/* ---- what the parser needs from its host ------------------------------------------------------- */

static txID gxProfileID = 1;
static int gxTag = 0;

txID fxGenerateProfileID(void* console)
{
	(void)console;
	return gxProfileID++;
}

void fxGenerateTag(void* console, txString buffer, txInteger bufferSize, txString path)
{
	(void)console;
	if (path)
		c_snprintf(buffer, bufferSize, "#%d@%s", gxTag++, path);
	else
		c_snprintf(buffer, bufferSize, "#%d", gxTag++);
}

void fxVReport(void* console, txString format, c_va_list arguments)
{
	(void)console;
	vfprintf(stderr, format, arguments);
}

static void report(const char* kind, txString path, txInteger line, txString format, c_va_list arguments)
{
	if (path)
		fprintf(stderr, "%s:%d: %s: ", path, (int)line, kind);
	else
		fprintf(stderr, "# %s: ", kind);
	vfprintf(stderr, format, arguments);
	fprintf(stderr, "!\n");
}

void fxVReportError(void* console, txString path, txInteger line, txString format, c_va_list arguments)
{
	(void)console;
	report("error", path, line, format, arguments);
}

void fxVReportWarning(void* console, txString path, txInteger line, txString format, c_va_list arguments)
{
	(void)console;
	report("warning", path, line, format, arguments);
}

/* ---- input and output ------------------------------------------------------------------------- */

typedef struct {
	const uint8_t* data;
	size_t size;
	size_t offset;
} xsbcStream;

static int xsbcGetter(void* it)
{
	xsbcStream* stream = it;
	if (stream->offset < stream->size)
		return stream->data[stream->offset++];
	return C_EOF;
}

static uint8_t* readAll(const char* path, size_t* size)
{
	FILE* file = fopen(path, "rb");
	uint8_t* data = NULL;
	size_t capacity = 0, length = 0;
	if (!file)
		return NULL;
	for (;;) {
		size_t n;
		if (length == capacity) {
			uint8_t* bigger;
			capacity = capacity ? capacity * 2 : 65536;
			bigger = realloc(data, capacity);
			if (!bigger) {
				free(data);
				fclose(file);
				return NULL;
			}
			data = bigger;
		}
		n = fread(data + length, 1, capacity - length, file);
		length += n;
		if (n == 0)
			break;
	}
	if (ferror(file)) {
		free(data);
		data = NULL;
	}
	fclose(file);
	*size = length;
	return data;
}

static int putAtom(FILE* file, uint32_t type, const void* body, size_t size)
{
	uint8_t header[8];
	uint32_t total = (uint32_t)(size + 8);
	header[0] = (uint8_t)(total >> 24);
	header[1] = (uint8_t)(total >> 16);
	header[2] = (uint8_t)(total >> 8);
	header[3] = (uint8_t)total;
	header[4] = (uint8_t)(type >> 24);
	header[5] = (uint8_t)(type >> 16);
	header[6] = (uint8_t)(type >> 8);
	header[7] = (uint8_t)type;
	if (fwrite(header, 1, 8, file) != 8)
		return -1;
	if (body && size && (fwrite(body, 1, size, file) != size)) /* no body: only the header (XS_B) */
		return -1;
	return 0;
}

static int writeScript(const char* path, txScript* script)
{
	/* written to PATH.tmp, then renamed: a failed build never leaves a truncated .xsb */
	char temporary[4096];
	uint8_t version[4] = { XS_MAJOR_VERSION, XS_MINOR_VERSION, XS_PATCH_VERSION, 0 };
	size_t total = 8 + (8 + 4) + (8 + (size_t)script->symbolsSize) + (8 + (size_t)script->codeSize);
	FILE* file;
	int result = 0;
	if (script->hostsBuffer)
		total += 8 + (size_t)script->hostsSize;
	if (total > 0x7FFFFFFF)
		return -1;
	if (snprintf(temporary, sizeof(temporary), "%s.tmp", path) >= (int)sizeof(temporary))
		return -1;
	file = fopen(temporary, "wb");
	if (!file)
		return -1;
	result |= putAtom(file, XSR_ATOM_BINARY, NULL, total - 8);
	result |= putAtom(file, XSR_ATOM_VERSION, version, 4);
	result |= putAtom(file, XSR_ATOM_SYMBOLS, script->symbolsBuffer, (size_t)script->symbolsSize);
	if (script->hostsBuffer)
		result |= putAtom(file, XSR_ATOM_HOSTS, script->hostsBuffer, (size_t)script->hostsSize);
	result |= putAtom(file, XSR_ATOM_CODE, script->codeBuffer, (size_t)script->codeSize);
	if (fclose(file) != 0)
		result = -1;
	if ((result == 0) && (rename(temporary, path) != 0))
		result = -1;
	if (result != 0)
		remove(temporary);
	return result;
}

static void printHosts(txScript* script)
{
	txByte* p = script->hostsBuffer;
	txByte* end;
	txID count, i;
	if (!p)
		return;
	end = p + script->hostsSize;
	mxDecodeID(p, count);
	for (i = 0; (i < count) && (p < end); i++) {
		txS1 length = *p++;
		txID symbol;
		mxDecodeID(p, symbol);
		(void)symbol;
		printf("%s %d\n", (char*)p, (int)length);
		p += c_strlen((char*)p) + 1;
	}
}

/* Parses and generates code; returns the script, or NULL after reporting errors. */
static txScript* compile(xsbcStream* stream, txUnsigned flags, const char* path)
{
	txParser parserRecord;
	txParser* parser = &parserRecord;
	txParserJump jump;
	txScript* volatile script = NULL;
	fxInitializeParser(parser, NULL, 32 * 1024, 1993);
	parser->firstJump = &jump;
	parser->path = fxNewParserSymbol(parser, (txString)path);
	if (c_setjmp(jump.jmp_buf) == 0) {
		fxParserTree(parser, stream, xsbcGetter, flags, NULL);
		fxParserHoist(parser);
		fxParserBind(parser);
		script = fxParserCode(parser);
	}
	if (parser->errorCount || !script) {
		if (!parser->errorCount)
			fprintf(stderr, "%s: error: cannot compile (memory)\n", path);
		fxDeleteScript(script);
		script = NULL;
	}
	fxTerminateParser(parser);
	return script;
}

static void usage(const char* message)
{
	if (message)
		fprintf(stderr, "xsbc: %s\n", message);
	fprintf(stderr, "usage: xsbc [-o OUT.xsb] [--program] [--path NAME] [--hosts] IN.js\n");
	exit(2);
}

int main(int argc, char** argv)
{
	const char* input = NULL;
	const char* output = NULL;
	const char* name = NULL;
	char defaultOutput[4096];
	txUnsigned flags = mxCFlag;
	int hosts = 0, i;
	uint8_t* source;
	size_t size = 0;
	xsbcStream stream;
	txScript* script;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o")) {
			if (++i == argc)
				usage("-o needs a file");
			output = argv[i];
		}
		else if (!strcmp(argv[i], "--program"))
			flags |= mxProgramFlag;
		else if (!strcmp(argv[i], "--path")) {
			if (++i == argc)
				usage("--path needs a name");
			name = argv[i];
		}
		else if (!strcmp(argv[i], "--hosts"))
			hosts = 1;
		else if (argv[i][0] == '-')
			usage("unknown option");
		else if (input)
			usage("one input file");
		else
			input = argv[i];
	}
	if (!input)
		usage(NULL);
	if (!output) {
		size_t length = strlen(input);
		if ((length > 3) && !strcmp(input + length - 3, ".js"))
			length -= 3;
		if (length + 5 > sizeof(defaultOutput))
			usage("path too long");
		memcpy(defaultOutput, input, length);
		strcpy(defaultOutput + length, ".xsb");
		output = defaultOutput;
	}
	source = readAll(input, &size);
	if (!source) {
		fprintf(stderr, "xsbc: cannot read %s: %s\n", input, strerror(errno));
		return 2;
	}
	stream.data = source;
	stream.size = size;
	stream.offset = 0;

	script = compile(&stream, flags, name ? name : input);
	if (!script) {
		free(source);
		return 1;
	}
	free(source);
	if (hosts)
		printHosts(script);
	if (writeScript(output, script) != 0) {
		fprintf(stderr, "xsbc: cannot write %s: %s\n", output, strerror(errno));
		fxDeleteScript(script);
		return 2;
	}
	fxDeleteScript(script);
	return 0;
}
