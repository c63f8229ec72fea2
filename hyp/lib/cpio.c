/*
 * cpio "newc" reader. Layout of one entry: a 110-byte ASCII header (magic
 * and 13 fields of 8 hex digits), the name (namesize bytes including the
 * NUL), padding to 4 bytes, the data (filesize bytes), padding to 4 bytes.
 * The archive may come from an untrusted initrd, so every length is checked
 * against what remains before it is used.
 */
#include "lib/cpio.h"
#include "lib/string.h"

#define CPIO_MAGIC_LEN 6
#define CPIO_FIELD_LEN 8
#define CPIO_HEADER_LEN (CPIO_MAGIC_LEN + 13 * CPIO_FIELD_LEN)
#define CPIO_ALIGN 4
#define CPIO_MODE_TYPE 0170000u
#define CPIO_MODE_REGULAR 0100000u

enum cpio_field {
	FIELD_INO, FIELD_MODE, FIELD_UID, FIELD_GID, FIELD_NLINK, FIELD_MTIME,
	FIELD_FILESIZE, FIELD_DEVMAJOR, FIELD_DEVMINOR, FIELD_RDEVMAJOR,
	FIELD_RDEVMINOR, FIELD_NAMESIZE, FIELD_CHECK, FIELD_COUNT
};

static const char trailer_name[] = "TRAILER!!!";

struct cpio_header {
	uint32_t field[FIELD_COUNT];
	bool has_checksum;	/* magic 070702 */
};

static int hex_digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool parse_hex_field(const char *text, uint32_t *value)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < CPIO_FIELD_LEN; i++) {
		int digit = hex_digit_value(text[i]);

		if (digit < 0)
			return false;
		v = (v << 4) | (uint32_t)digit;
	}
	*value = v;
	return true;
}

static int parse_magic(const char *text, struct cpio_header *hdr)
{
	if (memcmp(text, "07070", 5) != 0)
		return CPIO_ERR_MAGIC;
	if (text[5] != '1' && text[5] != '2')
		return CPIO_ERR_MAGIC;
	hdr->has_checksum = (text[5] == '2');
	return CPIO_OK;
}

static int parse_header(const char *text, struct cpio_header *hdr)
{
	int status = parse_magic(text, hdr);
	int i;

	if (status != CPIO_OK)
		return status;
	for (i = 0; i < FIELD_COUNT; i++) {
		if (!parse_hex_field(text + CPIO_MAGIC_LEN + i * CPIO_FIELD_LEN,
				     &hdr->field[i]))
			return CPIO_ERR_FIELD;
	}
	return CPIO_OK;
}

/* namesize counts the NUL, which must be the name's only one. */
static bool name_is_terminated(const char *name, uint32_t namesize)
{
	return namesize > 0 && strnlen(name, namesize) == namesize - 1;
}

static size_t align_cpio(size_t offset)
{
	return (offset + (CPIO_ALIGN - 1)) & ~(size_t)(CPIO_ALIGN - 1);
}

static uint32_t byte_sum(const unsigned char *data, size_t size)
{
	uint32_t sum = 0;

	while (size-- > 0)
		sum += *data++;
	return sum;
}

static bool is_regular(uint32_t mode)
{
	return (mode & CPIO_MODE_TYPE) == CPIO_MODE_REGULAR;
}

/* GNU cpio only sums the data of regular files; others carry 0. */
static bool checksum_matches(const struct cpio_header *hdr,
			     const unsigned char *data)
{
	if (!hdr->has_checksum || !is_regular(hdr->field[FIELD_MODE]))
		return true;
	return byte_sum(data, hdr->field[FIELD_FILESIZE]) ==
	       hdr->field[FIELD_CHECK];
}

int cpio_next(const void *archive, size_t archive_size, size_t *cursor,
	      struct cpio_file *file)
{
	const unsigned char *bytes = archive;
	size_t pos = *cursor, name_pos, data_pos;
	struct cpio_header hdr;
	const char *name;
	uint32_t namesize, filesize;
	int status;

	if (pos >= archive_size)
		return CPIO_ERR_NO_TRAILER;
	if (archive_size - pos < CPIO_HEADER_LEN)
		return CPIO_ERR_TRUNCATED;
	status = parse_header((const char *)bytes + pos, &hdr);
	if (status != CPIO_OK)
		return status;

	namesize = hdr.field[FIELD_NAMESIZE];
	filesize = hdr.field[FIELD_FILESIZE];
	name_pos = pos + CPIO_HEADER_LEN;
	if (namesize == 0)
		return CPIO_ERR_NAME;
	if (namesize > archive_size - name_pos)
		return CPIO_ERR_TRUNCATED;
	name = (const char *)bytes + name_pos;
	if (!name_is_terminated(name, namesize))
		return CPIO_ERR_NAME;
	/* The trailer's padding may be cut off: nothing follows it. */
	if (strcmp(name, trailer_name) == 0)
		return CPIO_END;

	data_pos = align_cpio(name_pos + namesize);
	if (data_pos > archive_size || filesize > archive_size - data_pos)
		return CPIO_ERR_TRUNCATED;
	if (!checksum_matches(&hdr, bytes + data_pos))
		return CPIO_ERR_CHECKSUM;

	file->name = name;
	file->data = bytes + data_pos;
	file->size = filesize;
	file->mode = hdr.field[FIELD_MODE];
	*cursor = align_cpio(data_pos + filesize);
	return CPIO_OK;
}

static const char *skip_dot_slash(const char *name)
{
	while (name[0] == '.' && name[1] == '/')
		name += 2;
	return name;
}

int cpio_find(const void *archive, size_t archive_size, const char *name,
	      struct cpio_file *file)
{
	const char *wanted = skip_dot_slash(name);
	struct cpio_file entry;
	size_t cursor = 0;
	int status;

	while ((status = cpio_next(archive, archive_size, &cursor, &entry)) ==
	       CPIO_OK) {
		if (is_regular(entry.mode) &&
		    strcmp(skip_dot_slash(entry.name), wanted) == 0) {
			*file = entry;
			return CPIO_OK;
		}
	}
	return status == CPIO_END ? CPIO_ERR_NOT_FOUND : status;
}

int cpio_check(const void *archive, size_t archive_size)
{
	struct cpio_file entry;
	size_t cursor = 0;
	int status;

	do {
		status = cpio_next(archive, archive_size, &cursor, &entry);
	} while (status == CPIO_OK);
	return status == CPIO_END ? CPIO_OK : status;
}

const char *cpio_strerror(int status)
{
	switch (status) {
	case CPIO_OK: return "ok";
	case CPIO_END: return "end of archive";
	case CPIO_ERR_MAGIC: return "bad header magic (not a newc cpio archive)";
	case CPIO_ERR_TRUNCATED: return "entry runs past the end of the archive";
	case CPIO_ERR_FIELD: return "header field is not 8 hex digits";
	case CPIO_ERR_NAME: return "bad file name (size 0 or not NUL-terminated)";
	case CPIO_ERR_NO_TRAILER: return "archive ends without TRAILER!!!";
	case CPIO_ERR_NOT_FOUND: return "file not found";
	case CPIO_ERR_CHECKSUM: return "data does not match the entry's checksum";
	default: return "unknown cpio error";
	}
}
