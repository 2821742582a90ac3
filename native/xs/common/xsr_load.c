/*
 * Loading modules: .xsb files decoded into engine scripts, import specifiers resolved against the importing
 * module's name, and the engine's module hooks (fxFindModule, fxLoadModule) on the platform's module store
 * (xsr_platform.h: a directory of .xsb files on the host, the prelinked archive in flash on the device).
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsr_platform.h"

/* ---- .xsb ------------------------------------------------------------------------------------------- */

static uint32_t xsrRead32be(const uint8_t* p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static txS1* xsrCopy(const uint8_t* p, size_t size)
{
	txS1* copy = c_malloc(size ? size : 1);
	if (copy)
		c_memcpy(copy, p, size);
	return copy;
}

txScript* xsrScriptFromXSB(const uint8_t* data, size_t size, const char** error)
{
	const uint8_t* p = data;
	const uint8_t* end;
	txScript* script;
	uint32_t atomSize, atomType;
	*error = "not an XS binary";
	if (size < 8)
		return C_NULL;
	atomSize = xsrRead32be(p);
	atomType = xsrRead32be(p + 4);
	if ((atomType != XSR_ATOM_BINARY) || (atomSize != size))
		return C_NULL;
	end = data + size;
	p += 8;
	script = c_calloc(1, sizeof(txScript));
	if (!script) {
		*error = "out of memory";
		return C_NULL;
	}
	while (p + 8 <= end) {
		const uint8_t* body;
		size_t bodySize;
		atomSize = xsrRead32be(p);
		atomType = xsrRead32be(p + 4);
		if ((atomSize < 8) || (atomSize > (size_t)(end - p))) {
			*error = "corrupt atom";
			goto bail;
		}
		body = p + 8;
		bodySize = atomSize - 8;
		switch (atomType) {
		case XSR_ATOM_VERSION:
			if ((bodySize != 4) || (body[0] != XS_MAJOR_VERSION) || (body[1] != XS_MINOR_VERSION)) {
				*error = "compiled for another XS version";
				goto bail;
			}
			c_memcpy(script->version, body, 4);
			break;
		case XSR_ATOM_SYMBOLS:
			if (script->symbolsBuffer || (bodySize < sizeof(txID)))
				goto corrupt;
			script->symbolsBuffer = xsrCopy(body, bodySize);
			script->symbolsSize = (txSize)bodySize;
			if (!script->symbolsBuffer)
				goto memory;
			break;
		case XSR_ATOM_HOSTS:
			if (script->hostsBuffer || (bodySize < sizeof(txID)))
				goto corrupt;
			script->hostsBuffer = xsrCopy(body, bodySize);
			script->hostsSize = (txSize)bodySize;
			if (!script->hostsBuffer)
				goto memory;
			break;
		case XSR_ATOM_CODE:
			if (script->codeBuffer || (bodySize == 0))
				goto corrupt;
			script->codeBuffer = xsrCopy(body, bodySize);
			script->codeSize = (txSize)bodySize;
			if (!script->codeBuffer)
				goto memory;
			break;
		default:
			break; /* unknown atoms are skipped */
		}
		p += atomSize;
	}
	if ((p != end) || !script->symbolsBuffer || !script->codeBuffer || (script->version[0] == 0))
		goto corrupt;
	*error = C_NULL;
	return script;
corrupt:
	*error = "corrupt XS binary";
	goto bail;
memory:
	*error = "out of memory";
bail:
	fxDeleteScript(script);
	return C_NULL;
}

/* ---- module names ----------------------------------------------------------------------------- */

static int xsrNameCharacter(char c)
{
	return ((c >= 'a') && (c <= 'z')) || ((c >= 'A') && (c <= 'Z')) || ((c >= '0') && (c <= '9'))
		|| (c == '_') || (c == '-') || (c == '.') || (c == '/') || (c == '@') || (c == '$') || (c == '+');
}

/*
 * One pass over the referrer's directory and the specifier: each segment is appended to `out`, "." and empty ones
 * dropped, ".." takes the last one back off (above the root: an error). Every import of a module the device did not
 * preload comes here at boot. `out` holds at least C_PATH_MAX bytes (the longest name is shorter: the segments
 * written are a subsequence of the joined text, itself at most C_PATH_MAX - 1 characters).
 */
int xsrResolveName(const char* referrer, const char* specifier, char* out, size_t size)
{
	char buffer[C_PATH_MAX];
	size_t length = 0, n, total = 0;
	int count = 0;
	const char* p;
	const char* q;
	const char* s;
	if (!specifier || !*specifier || (size < sizeof(buffer)))
		return -1;
	for (s = specifier; *s; s++)
		if (!xsrNameCharacter(*s))
			return -1;
	n = (size_t)(s - specifier);
	if ((specifier[0] == '.') && ((specifier[1] == '/') || ((specifier[1] == '.') && (specifier[2] == '/')))) {
		const char* slash;
		if (!referrer)
			return -1;
		slash = c_strrchr(referrer, '/');
		length = slash ? (size_t)(slash - referrer) + 1 : 0;
		if (length + n + 1 > sizeof(buffer))
			return -1;
		c_memcpy(buffer, referrer, length);
		c_memcpy(buffer + length, specifier, n + 1);
	}
	else if (specifier[0] == '/')
		return -1;
	else {
		if (n + 1 > sizeof(buffer))
			return -1;
		c_memcpy(buffer, specifier, n + 1);
	}
	p = buffer;
	for (;;) {
		for (q = p; *q && (*q != '/'); q++)
			;
		n = (size_t)(q - p);
		if ((n == 0) || ((n == 1) && (p[0] == '.'))) {
			/* empty or "." */
		}
		else if ((n == 2) && (p[0] == '.') && (p[1] == '.')) {
			if (count == 0)
				return -1; /* above the root */
			count--;
			while (total && (out[total - 1] != '/'))
				total--;
			if (total)
				total--; /* its separator */
		}
		else {
			if (count == 64)
				return -1;
			if (count)
				out[total++] = '/';
			c_memcpy(out + total, p, n);
			total += n;
			count++;
		}
		if (!*q)
			break;
		p = q + 1;
	}
	if (count == 0)
		return -1;
	out[total] = 0;
	/* module names have no extension */
	if ((total > 3) && (out[total - 3] == '.') && (out[total - 2] == 'j') && (out[total - 1] == 's'))
		out[total - 3] = 0;
	else if ((total > 4) && (out[total - 4] == '.') && (out[total - 3] == 'm') && (out[total - 2] == 'j') && (out[total - 1] == 's'))
		out[total - 4] = 0;
	return 0;
}

txID fxFindModule(txMachine* the, txSlot* realm, txID moduleID, txSlot* slot)
{
	char specifier[C_PATH_MAX];
	char name[C_PATH_MAX];
	const char* referrer = (moduleID != XS_NO_ID) ? fxGetKeyName(the, moduleID) : C_NULL;
	(void)realm;
	fxToStringBuffer(the, slot, specifier, sizeof(specifier));
	if (xsrResolveName(referrer, specifier, name, sizeof(name)) < 0)
		return XS_NO_ID;
	if (!xsrPlatformHasModule(the, name))
		return XS_NO_ID;
	return fxNewNameC(the, name);
}

void fxLoadModule(txMachine* the, txSlot* module, txID moduleID)
{
	txString name = fxGetKeyName(the, moduleID);
	txScript* script = xsrPlatformLoadModule(the, name);
	xsrRuntime* runtime = the->host;
	if (!script)
		return; /* the engine reports the module as not found */
	if (runtime) {
		runtime->loadedModules++;
		runtime->loadedBytecode += (size_t)script->codeSize + (size_t)script->symbolsSize + (size_t)script->hostsSize;
	}
	script->path = name;
	xsrPrepareScript(the, script);
	/* fxRunScript (through fxResolveModule) frees the script and its buffers: module functions copy
	 * their code into the chunk heap (XS_CODE_CODE_*). Prelinked code run in place is a later step. */
	fxResolveModule(the, module, moduleID, script, C_NULL, C_NULL);
	the->bindingScript = C_NULL;
}

