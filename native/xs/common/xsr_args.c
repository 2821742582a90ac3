/*
 * Argument checks for natives (xsr.h): each helper throws a TypeError or a RangeError naming the argument,
 * never crashes, on a bad one. The slots' contents are read through xsr_internal.c.
 */
#include "xsAll.h"
#include "xsr.h"
#include "xsr_internal.h"

void xsrCheckArgc(txMachine* the, int count, const char* function)
{
	if (mxArgc < count)
		mxTypeError("%s: expected %d arguments, got %d", function, count, (int)mxArgc);
}

uint8_t* xsrGetBytes(txMachine* the, txSlot* slot, const char* what, size_t* length)
{
	uint8_t* data = xsrInternalUint8Array(the, slot, what, length);
	if (!data)
		mxTypeError("%s must be a Uint8Array", what);
	return data;
}

uint8_t* xsrGetBytesOf(txMachine* the, txSlot* slot, const char* what, size_t expected)
{
	size_t length;
	uint8_t* data = xsrGetBytes(the, slot, what, &length);
	if (length != expected)
		mxRangeError("%s must be %d bytes, got %d", what, (int)expected, (int)length);
	return data;
}

int32_t xsrGetInteger(txMachine* the, txSlot* slot, const char* what, int32_t min, int32_t max)
{
	double value;
	if (!xsrInternalNumber(slot, &value)) {
		mxTypeError("%s must be a number", what);
		return 0;
	}
	if (!(value == c_trunc(value)))
		mxRangeError("%s must be an integer", what);
	if ((value < (double)min) || (value > (double)max))
		mxRangeError("%s must be in [%d, %d]", what, (int)min, (int)max);
	return (int32_t)value;
}

char* xsrGetString(txMachine* the, txSlot* slot, const char* what, char* buffer, size_t size)
{
	size_t length;
	const char* string = xsrInternalString(slot);
	if (!string)
		mxTypeError("%s must be a string", what);
	length = c_strlen(string);
	if (length + 1 > size)
		mxRangeError("%s is too long (at most %d bytes)", what, (int)size - 1);
	c_memcpy(buffer, string, length + 1);
	return buffer;
}

char* xsrGetStorageKey(txMachine* the, txSlot* slot, char* key, size_t size)
{
	size_t i, n;
	xsrGetString(the, slot, "storage: key", key, size);
	n = c_strlen(key);
	if (n == 0)
		mxRangeError("storage: key must not be empty");
	for (i = 0; i < n; i++) {
		char c = key[i];
		if (!(((c >= 'a') && (c <= 'z')) || ((c >= 'A') && (c <= 'Z')) || ((c >= '0') && (c <= '9')) || (c == '_') || (c == '.') || (c == '-') || (c == '/')))
			mxRangeError("storage: key has a character outside [A-Za-z0-9_.-/]");
	}
	return key;
}

uint8_t* xsrNewBytes(txMachine* the, size_t length)
{
	size_t got;
	uint8_t* data;
	if (length > 0x7FFFFFFF)
		mxRangeError("too many bytes");
	mxPush(mxGlobal);
	mxDub();
	fxGetID(the, mxID(_Uint8Array));
	mxNew();
	mxPushInteger((txInteger)length);
	mxRunCount(1);
	mxPullSlot(mxResult);
	mxPop();
	data = xsrGetBytes(the, mxResult, "result", &got);
	return data;
}
