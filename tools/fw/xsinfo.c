/*
 * xsinfo: prints, as JSON, the engine tables the prelinker (tools/fw/prelink.mjs) needs, straight from the
 * engine sources it is compiled with (build/xs/src, pinned by tools/xs/fetch-xs.mjs):
 *   codeSizes   gxCodeSizes: per opcode, its size, or 0 (an ID follows), -1/-2/-4 (a length-prefixed run)
 *   codeNames   gxCodeNames (opcode names, to find the ones the prelinker rewrites)
 *   ids         gxIDStrings: the built-in keys, whose IDs are their indexes
 *   symbolIdCount  XS_SYMBOL_ID_COUNT: the first keys are symbols (descriptions, not names)
 *   idSize      sizeof(txID)
 * Built and run on the build host by tools/fw/prelink.mjs.
 */
#include "xsCommon.h"

extern const txString gxCodeNames[];

static void string(const char* s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

int main(void)
{
	int i;
	printf("{\"idSize\":%d,\"codeCount\":%d,\"codeSizes\":[", (int)sizeof(txID), (int)XS_CODE_COUNT);
	for (i = 0; i < XS_CODE_COUNT; i++)
		printf("%s%d", i ? "," : "", (int)gxCodeSizes[i]);
	printf("],\"codeNames\":[");
	for (i = 0; i < XS_CODE_COUNT; i++) {
		if (i)
			putchar(',');
		string(gxCodeNames[i]);
	}
	printf("],\"symbolIdCount\":%d,\"ids\":[", (int)XS_SYMBOL_ID_COUNT);
	for (i = 0; i < XS_ID_COUNT; i++) {
		if (i)
			putchar(',');
		string(gxIDStrings[i]);
	}
	printf("]}\n");
	return 0;
}
