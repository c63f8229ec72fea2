/*
 * Reader for cpio "newc" archives (magic 070701 or 070702), the format of
 * the initrd that carries elvisor's manifest and images. Read-only, no
 * allocation, every header field and length checked against the archive's
 * bounds.
 */
#ifndef LIB_CPIO_H
#define LIB_CPIO_H

#include "lib/types.h"

struct cpio_file {
	const char *name;	/* NUL-terminated, inside the archive */
	const void *data;
	size_t size;
	uint32_t mode;		/* st_mode bits: type and permissions */
};

enum cpio_status {
	CPIO_OK = 0,		/* *file filled in */
	CPIO_END = 1,		/* reached the TRAILER!!! entry */
	CPIO_ERR_MAGIC = -1,	/* header magic is not 070701/070702 */
	CPIO_ERR_TRUNCATED = -2,	/* header, name or data runs past the end */
	CPIO_ERR_FIELD = -3,	/* a header field is not 8 hex digits */
	CPIO_ERR_NAME = -4,	/* name size 0 or name not NUL-terminated */
	CPIO_ERR_NO_TRAILER = -5,	/* archive ends without TRAILER!!! */
	CPIO_ERR_NOT_FOUND = -6,	/* cpio_find: no regular file of that name */
	CPIO_ERR_CHECKSUM = -7,	/* 070702 entry whose data does not sum to its check field */
};

/*
 * Iterate: start with *cursor = 0; each call returns the next entry and
 * advances *cursor. Returns CPIO_OK, CPIO_END, or an error.
 */
int cpio_next(const void *archive, size_t archive_size, size_t *cursor,
	      struct cpio_file *file);

/*
 * Look up one regular file by exact name (leading "./" ignored on both
 * sides). The first match wins. Returns CPIO_OK, CPIO_ERR_NOT_FOUND, or the
 * error that stopped the walk before a match.
 */
int cpio_find(const void *archive, size_t archive_size, const char *name,
	      struct cpio_file *file);

/* Validate the whole archive: CPIO_OK if every entry parses up to the trailer. */
int cpio_check(const void *archive, size_t archive_size);

const char *cpio_strerror(int status);

#endif
