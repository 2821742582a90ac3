/*
 * Persistent key/value storage for the host runtime (native/xs/js/storage.js): one file (xsrun
 * --storage FILE, or $XSR_STORAGE), rewritten as a whole on every change: written to FILE.tmp,
 * flushed with fsync, then renamed over FILE, so after a crash the old or the new contents are
 * there, never a mix.
 *
 * File format: "XSRS" 0x01, then records: key length (1 byte), key, value length (4 bytes,
 * big-endian), value. Keys: 1..64 characters of [A-Za-z0-9_.-/]; values: at most 4096 bytes; at
 * most 256 records.
 */
#include "xsr.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define STORAGE_MAGIC "XSRS\x01"
#define STORAGE_MAGIC_SIZE 5
#define STORAGE_KEY_MAX 64
#define STORAGE_VALUE_MAX 4096
#define STORAGE_RECORDS_MAX 256

typedef struct {
	uint8_t* data;
	size_t size;
} storageFile;

static const char* storagePath(xsMachine* the)
{
	xsrRuntime* runtime = the->host;
	if (!runtime || !runtime->storagePath)
		xsUnknownError("storage: no storage file");
	return runtime->storagePath;
}

/* Reads the whole file (an empty store when it does not exist). Returns -1 on a corrupt or unreadable file. */
static int storageLoad(const char* path, storageFile* file)
{
	FILE* f = fopen(path, "rb");
	long length;
	file->data = NULL;
	file->size = 0;
	if (!f)
		return (errno == ENOENT) ? 0 : -1;
	if ((fseek(f, 0, SEEK_END) != 0) || ((length = ftell(f)) < 0) || (fseek(f, 0, SEEK_SET) != 0)) {
		fclose(f);
		return -1;
	}
	file->data = malloc((size_t)length + 1);
	if (!file->data || (fread(file->data, 1, (size_t)length, f) != (size_t)length)) {
		fclose(f);
		free(file->data);
		file->data = NULL;
		return -1;
	}
	fclose(f);
	file->size = (size_t)length;
	if ((file->size < STORAGE_MAGIC_SIZE) || memcmp(file->data, STORAGE_MAGIC, STORAGE_MAGIC_SIZE))
		return -1;
	return 0;
}

/* Walks the records: calls visit(key, keyLength, value, valueLength, context) for each; -1 when corrupt. */
typedef void (*storageVisit)(const uint8_t* key, size_t keyLength, const uint8_t* value, size_t valueLength, void* context);
static int storageWalk(const storageFile* file, storageVisit visit, void* context)
{
	size_t offset = STORAGE_MAGIC_SIZE;
	if (!file->data)
		return 0;
	while (offset < file->size) {
		size_t keyLength, valueLength;
		const uint8_t* p = file->data + offset;
		keyLength = p[0];
		if ((keyLength == 0) || (keyLength > STORAGE_KEY_MAX) || (offset + 1 + keyLength + 4 > file->size))
			return -1;
		p += 1 + keyLength;
		valueLength = ((size_t)p[0] << 24) | ((size_t)p[1] << 16) | ((size_t)p[2] << 8) | (size_t)p[3];
		if ((valueLength > STORAGE_VALUE_MAX) || (offset + 1 + keyLength + 4 + valueLength > file->size))
			return -1;
		visit(file->data + offset + 1, keyLength, p + 4, valueLength, context);
		offset += 1 + keyLength + 4 + valueLength;
	}
	return 0;
}

typedef struct {
	const char* key;
	const uint8_t* value;
	size_t valueLength;
	int found;
} storageFind;

static void storageFindVisit(const uint8_t* key, size_t keyLength, const uint8_t* value, size_t valueLength, void* context)
{
	storageFind* find = context;
	if ((strlen(find->key) == keyLength) && !memcmp(find->key, key, keyLength)) {
		find->value = value;
		find->valueLength = valueLength;
		find->found = 1;
	}
}

typedef struct {
	const char* skip;  /* the key not to copy */
	FILE* out;
	int records;
	int failed;
} storageCopy;

static void storagePutRecord(storageCopy* copy, const uint8_t* key, size_t keyLength, const uint8_t* value, size_t valueLength)
{
	uint8_t header[4];
	uint8_t length = (uint8_t)keyLength;
	header[0] = (uint8_t)(valueLength >> 24);
	header[1] = (uint8_t)(valueLength >> 16);
	header[2] = (uint8_t)(valueLength >> 8);
	header[3] = (uint8_t)valueLength;
	if ((fwrite(&length, 1, 1, copy->out) != 1) || (fwrite(key, 1, keyLength, copy->out) != keyLength)
		|| (fwrite(header, 1, 4, copy->out) != 4) || (valueLength && (fwrite(value, 1, valueLength, copy->out) != valueLength)))
		copy->failed = 1;
	copy->records++;
}

static void storageCopyVisit(const uint8_t* key, size_t keyLength, const uint8_t* value, size_t valueLength, void* context)
{
	storageCopy* copy = context;
	if ((strlen(copy->skip) == keyLength) && !memcmp(copy->skip, key, keyLength))
		return;
	storagePutRecord(copy, key, keyLength, value, valueLength);
}

/* Rewrites the store without `key`, plus (key, value) when value is not NULL. Atomic (tmp + rename). */
static void storageRewrite(xsMachine* the, const char* key, const uint8_t* value, size_t valueLength)
{
	const char* path = storagePath(the);
	char temporary[4096];
	storageFile file;
	storageCopy copy;
	int fd;
	if (storageLoad(path, &file) < 0) {
		free(file.data);
		xsUnknownError("storage: %s is unreadable or corrupt", path);
	}
	if ((size_t)snprintf(temporary, sizeof(temporary), "%s.tmp", path) >= sizeof(temporary)) {
		free(file.data);
		xsRangeError("storage: path too long");
	}
	copy.skip = key;
	copy.records = 0;
	copy.failed = 0;
	copy.out = fopen(temporary, "wb");
	if (!copy.out) {
		free(file.data);
		xsUnknownError("storage: cannot write %s: %s", temporary, strerror(errno));
	}
	if (fwrite(STORAGE_MAGIC, 1, STORAGE_MAGIC_SIZE, copy.out) != STORAGE_MAGIC_SIZE)
		copy.failed = 1;
	storageWalk(&file, storageCopyVisit, &copy);
	if (value)
		storagePutRecord(&copy, (const uint8_t*)key, strlen(key), value, valueLength);
	free(file.data);
	if (copy.records > STORAGE_RECORDS_MAX) {
		fclose(copy.out);
		remove(temporary);
		xsRangeError("storage: more than %d keys", STORAGE_RECORDS_MAX);
	}
	if (fflush(copy.out) != 0)
		copy.failed = 1;
	fd = fileno(copy.out);
	if ((fd < 0) || (fsync(fd) != 0))
		copy.failed = 1;
	if (fclose(copy.out) != 0)
		copy.failed = 1;
	if (copy.failed || (rename(temporary, path) != 0)) {
		remove(temporary);
		xsUnknownError("storage: cannot write %s", path);
	}
}

/* xs_storage_read(key) -> Uint8Array | undefined */
void xs_storage_read(xsMachine* the)
{
	char key[STORAGE_KEY_MAX + 1];
	const char* path;
	storageFile file;
	storageFind find;
	xsrCheckArgc(the, 1, "storage.read");
	xsrGetStorageKey(the, &xsArg(0), key, sizeof(key));
	path = storagePath(the);
	find.key = key;
	find.found = 0;
	if ((storageLoad(path, &file) < 0) || (storageWalk(&file, storageFindVisit, &find) < 0)) {
		free(file.data);
		xsUnknownError("storage: %s is unreadable or corrupt", path);
	}
	if (find.found) {
		/* copy out before allocating: the file buffer is ours, not the XS heap's */
		uint8_t* copy = malloc(find.valueLength ? find.valueLength : 1);
		uint8_t* bytes;
		if (!copy) {
			free(file.data);
			xsUnknownError("storage: out of memory");
		}
		memcpy(copy, find.value, find.valueLength);
		free(file.data);
		xsTry {
			bytes = xsrNewBytes(the, find.valueLength);
			memcpy(bytes, copy, find.valueLength);
		}
		xsCatch {
			free(copy);
			xsThrow(xsException);
		}
		free(copy);
	}
	else {
		free(file.data);
		xsResult = xsUndefined;
	}
}

/* xs_storage_write(key, value) */
void xs_storage_write(xsMachine* the)
{
	char key[STORAGE_KEY_MAX + 1];
	uint8_t buffer[STORAGE_VALUE_MAX];
	size_t length;
	uint8_t* value;
	xsrCheckArgc(the, 2, "storage.write");
	xsrGetStorageKey(the, &xsArg(0), key, sizeof(key));
	value = xsrGetBytes(the, &xsArg(1), "storage: value", &length);
	if (length > STORAGE_VALUE_MAX)
		xsRangeError("storage: value must be at most %d bytes", STORAGE_VALUE_MAX);
	memcpy(buffer, value, length); /* the XS heap may move while we work */
	storageRewrite(the, key, buffer, length);
}

/* xs_storage_remove(key) */
void xs_storage_remove(xsMachine* the)
{
	char key[STORAGE_KEY_MAX + 1];
	xsrCheckArgc(the, 1, "storage.remove");
	xsrGetStorageKey(the, &xsArg(0), key, sizeof(key));
	storageRewrite(the, key, NULL, 0);
}
