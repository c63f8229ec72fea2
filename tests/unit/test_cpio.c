/*
 * hyp/lib/cpio.c on archives written by GNU cpio (built by
 * make-cpio-fixtures.sh) and on hand-made or damaged copies of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/cpio.h"
#include "test.h"

#define HEADER_LEN 110
#define FIELD_OFFSET(i) (6 + 8 * (i))
#define FIELD_FILESIZE 6
#define FIELD_NAMESIZE 11

struct expected_entry {
	const char *name;
	unsigned type;		/* st_mode type bits */
};

static const struct expected_entry basic_entries[] = {
	{ "hello.txt", 0100000 }, { "image.bin", 0100000 },
	{ "dir", 0040000 }, { "dir/app.elf", 0100000 },
	{ "empty", 0100000 }, { "odd-name-length.bin", 0100000 },
	{ "link", 0120000 },
};

#define NBASIC (sizeof(basic_entries) / sizeof(basic_entries[0]))

static void *load_archive(const char *name, size_t *size)
{
	char relative[64];

	snprintf(relative, sizeof(relative), "cpio/%s", name);
	return unit_load_fixture(relative, size);
}

static void check_data_matches_source(const struct cpio_file *file)
{
	char relative[128];
	size_t size;
	void *source;

	snprintf(relative, sizeof(relative), "cpio/src/%s", file->name);
	source = unit_load_fixture(relative, &size);
	CHECK_EQ(file->size, size);
	CHECK_MEM_EQ(file->data, source, size);
	free(source);
}

static void check_listing(const char *archive_name)
{
	struct cpio_file file;
	size_t size, cursor = 0, i;
	void *archive = load_archive(archive_name, &size);

	for (i = 0; i < NBASIC; i++) {
		CHECK_EQ(cpio_next(archive, size, &cursor, &file), CPIO_OK);
		CHECK_STR_EQ(file.name, basic_entries[i].name);
		CHECK_EQ(file.mode & 0170000, basic_entries[i].type);
		if (basic_entries[i].type == 0100000)
			check_data_matches_source(&file);
		if (basic_entries[i].type == 0120000) {
			CHECK_EQ(file.size, strlen("hello.txt"));
			CHECK_MEM_EQ(file.data, "hello.txt", file.size);
		}
		CHECK_EQ(cursor % 4, 0);
	}
	CHECK_EQ(cpio_next(archive, size, &cursor, &file), CPIO_END);
	/* The cursor stays on the trailer: asking again gives END again. */
	CHECK_EQ(cpio_next(archive, size, &cursor, &file), CPIO_END);
	CHECK_EQ(cpio_check(archive, size), CPIO_OK);
	free(archive);
}

TEST(cpio, lists_newc_archive_from_gnu_cpio)
{
	check_listing("basic.cpio");
}

TEST(cpio, lists_crc_archive_and_verifies_checksums)
{
	check_listing("crc.cpio");
}

TEST(cpio, crc_archive_with_flipped_data_byte_fails_checksum)
{
	struct cpio_file file;
	size_t size;
	unsigned char *archive = load_archive("crc.cpio", &size);

	CHECK_EQ(cpio_find(archive, size, "hello.txt", &file), CPIO_OK);
	archive[(const unsigned char *)file.data - archive] ^= 0x01;
	CHECK_EQ(cpio_find(archive, size, "hello.txt", &file), CPIO_ERR_CHECKSUM);
	CHECK_EQ(cpio_check(archive, size), CPIO_ERR_CHECKSUM);
	free(archive);
}

TEST(cpio, find_regular_files_only)
{
	struct cpio_file file;
	size_t size;
	void *archive = load_archive("basic.cpio", &size);

	CHECK_EQ(cpio_find(archive, size, "dir/app.elf", &file), CPIO_OK);
	CHECK_EQ(file.size, 1);
	CHECK_MEM_EQ(file.data, "x", 1);
	CHECK_EQ(cpio_find(archive, size, "./hello.txt", &file), CPIO_OK);
	CHECK_STR_EQ(file.name, "hello.txt");
	CHECK_EQ(cpio_find(archive, size, "empty", &file), CPIO_OK);
	CHECK_EQ(file.size, 0);
	CHECK_EQ(cpio_find(archive, size, "dir", &file), CPIO_ERR_NOT_FOUND);
	CHECK_EQ(cpio_find(archive, size, "link", &file), CPIO_ERR_NOT_FOUND);
	CHECK_EQ(cpio_find(archive, size, "hello", &file), CPIO_ERR_NOT_FOUND);
	CHECK_EQ(cpio_find(archive, size, "hello.txt.bak", &file),
		 CPIO_ERR_NOT_FOUND);
	CHECK_EQ(cpio_find(archive, size, "TRAILER!!!", &file),
		 CPIO_ERR_NOT_FOUND);
	free(archive);
}

TEST(cpio, empty_archive_has_only_a_trailer)
{
	struct cpio_file file;
	size_t size, cursor = 0;
	void *archive = load_archive("empty.cpio", &size);

	CHECK_EQ(cpio_next(archive, size, &cursor, &file), CPIO_END);
	CHECK_EQ(cpio_check(archive, size), CPIO_OK);
	CHECK_EQ(cpio_find(archive, size, "anything", &file), CPIO_ERR_NOT_FOUND);
	free(archive);
}

TEST(cpio, zero_bytes_is_not_an_archive)
{
	struct cpio_file file;
	size_t cursor = 0;
	char byte = 0;

	CHECK_EQ(cpio_next(&byte, 0, &cursor, &file), CPIO_ERR_NO_TRAILER);
	CHECK_EQ(cpio_check(&byte, 0), CPIO_ERR_NO_TRAILER);
}

/* Offset just past the trailer's name: everything before it is needed. */
static size_t trailer_name_end(const unsigned char *archive, size_t size)
{
	static const char trailer[] = "TRAILER!!!";
	size_t i;

	for (i = 0; i + sizeof(trailer) <= size; i++) {
		if (memcmp(archive + i, trailer, sizeof(trailer)) == 0)
			return i + sizeof(trailer);
	}
	unit_fail(__FILE__, __LINE__, "fixture has no trailer");
}

/* Each prefix is copied to a buffer of exactly that size, for ASan. */
TEST(cpio, every_truncation_is_an_error_and_never_overreads)
{
	static const char *const names[] = { "basic.cpio", "crc.cpio", "empty.cpio" };
	size_t n;

	for (n = 0; n < 3; n++) {
		size_t size, needed, len;
		unsigned char *archive = load_archive(names[n], &size);

		needed = trailer_name_end(archive, size);
		for (len = 0; len <= size; len++) {
			unsigned char *copy = malloc(len ? len : 1);
			int status;

			memcpy(copy, archive, len);
			status = cpio_check(copy, len);
			if (len < needed && status >= 0)
				unit_fail(__FILE__, __LINE__,
					  "%s cut to %zu bytes: status %d, expected an error",
					  names[n], len, status);
			if (len >= needed)
				CHECK_EQ(status, CPIO_OK);
			free(copy);
		}
		free(archive);
	}
}

TEST(cpio, truncation_errors_are_the_expected_kind)
{
	/* Entry 1: header, "hello.txt\0" (10), 15 bytes of data, 1 pad. */
	const size_t name_end = HEADER_LEN + 10, entry_end = name_end + 16;
	struct cpio_file file;
	size_t size;
	void *archive = load_archive("basic.cpio", &size);

	CHECK_EQ(cpio_check(archive, 50), CPIO_ERR_TRUNCATED);	/* header */
	CHECK_EQ(cpio_check(archive, HEADER_LEN + 3), CPIO_ERR_TRUNCATED);
	CHECK_EQ(cpio_check(archive, name_end + 5), CPIO_ERR_TRUNCATED);
	CHECK_EQ(cpio_find(archive, entry_end, "hello.txt", &file), CPIO_OK);
	CHECK_EQ(cpio_check(archive, entry_end), CPIO_ERR_NO_TRAILER);
	/* The last data byte present but not its padding: still complete. */
	CHECK_EQ(cpio_find(archive, entry_end - 1, "hello.txt", &file), CPIO_OK);
	CHECK_EQ(cpio_check(archive, entry_end - 1), CPIO_ERR_NO_TRAILER);
	free(archive);
}

static void set_field(unsigned char *header, int field, const char *text8)
{
	memcpy(header + FIELD_OFFSET(field), text8, 8);
}

TEST(cpio, bad_magic)
{
	static const char *const magics[] = { "070707", "070703", "170701", "07070" };
	size_t size, i;
	unsigned char *archive = load_archive("basic.cpio", &size);

	for (i = 0; i < 4; i++) {
		unsigned char saved[6];

		memcpy(saved, archive, 6);
		memcpy(archive, magics[i], strlen(magics[i]));
		if (strlen(magics[i]) < 6)
			archive[5] = 'x';
		CHECK_EQ(cpio_check(archive, size), CPIO_ERR_MAGIC);
		memcpy(archive, saved, 6);
	}
	CHECK_EQ(cpio_check(archive, size), CPIO_OK);
	free(archive);
}

TEST(cpio, bad_hex_fields)
{
	static const char *const bad[] = { "0000000g", " 0000001", "0x000001",
					   "-0000001", "0000000\n" };
	size_t size, i;
	int field;
	unsigned char *archive = load_archive("basic.cpio", &size);
	unsigned char saved[HEADER_LEN];

	memcpy(saved, archive, HEADER_LEN);
	for (field = 0; field < 13; field++) {
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			set_field(archive, field, bad[i]);
			CHECK_EQ(cpio_check(archive, size), CPIO_ERR_FIELD);
			memcpy(archive, saved, HEADER_LEN);
		}
	}
	/* Upper-case hex digits are valid. */
	set_field(archive, 0, "ABCDEF01");
	CHECK_EQ(cpio_check(archive, size), CPIO_OK);
	free(archive);
}

TEST(cpio, missing_trailer)
{
	size_t size, end;
	unsigned char *archive = load_archive("basic.cpio", &size);

	end = trailer_name_end(archive, size) - sizeof("TRAILER!!!") - HEADER_LEN;
	CHECK_EQ(cpio_check(archive, end), CPIO_ERR_NO_TRAILER);
	/* Zero padding where the trailer should be is a bad magic. */
	memset(archive + end, 0, size - end);
	CHECK_EQ(cpio_check(archive, size), CPIO_ERR_MAGIC);
	free(archive);
}

TEST(cpio, name_not_nul_terminated_or_empty)
{
	size_t size;
	unsigned char *archive = load_archive("basic.cpio", &size);

	/* "hello.txt" has namesize 10; its NUL is at HEADER_LEN + 9. */
	archive[HEADER_LEN + 9] = 'X';
	CHECK_EQ(cpio_check(archive, size), CPIO_ERR_NAME);
	archive[HEADER_LEN + 9] = '\0';
	archive[HEADER_LEN + 4] = '\0';	/* NUL inside the name */
	CHECK_EQ(cpio_check(archive, size), CPIO_ERR_NAME);
	archive[HEADER_LEN + 4] = 'o';
	set_field(archive, FIELD_NAMESIZE, "00000000");
	CHECK_EQ(cpio_check(archive, size), CPIO_ERR_NAME);
	set_field(archive, FIELD_NAMESIZE, "0000000A");
	CHECK_EQ(cpio_check(archive, size), CPIO_OK);
	free(archive);
}

TEST(cpio, huge_sizes_are_truncation_not_overflow)
{
	size_t size;
	unsigned char *archive = load_archive("basic.cpio", &size);

	set_field(archive, FIELD_FILESIZE, "FFFFFFFF");
	CHECK_EQ(cpio_check(archive, size), CPIO_ERR_TRUNCATED);
	set_field(archive, FIELD_FILESIZE, "0000000F");
	set_field(archive, FIELD_NAMESIZE, "FFFFFFFF");
	CHECK_EQ(cpio_check(archive, size), CPIO_ERR_TRUNCATED);
	free(archive);
}

/* A newc entry built by hand, for names GNU cpio will not write. */
static size_t put_entry(unsigned char *out, const char *name, unsigned mode,
			const char *data)
{
	size_t namesize = strlen(name) + 1, datasize = strlen(data), pos;

	pos = (size_t)sprintf((char *)out,
		"070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		1U, mode, 0U, 0U, 1U, 0U, datasize, 0U, 0U, 0U, 0U, namesize, 0U);
	memcpy(out + pos, name, namesize);
	pos += namesize;
	while (pos % 4)
		out[pos++] = 0;
	memcpy(out + pos, data, datasize);
	pos += datasize;
	while (pos % 4)
		out[pos++] = 0;
	return pos;
}

TEST(cpio, leading_dot_slash_in_archive_names_is_ignored)
{
	unsigned char archive[1024];
	struct cpio_file file;
	size_t len = 0;

	len += put_entry(archive + len, "./manifest.dtb", 0100644, "dtb!");
	len += put_entry(archive + len, "././Image", 0100644, "kernel");
	len += put_entry(archive + len, "TRAILER!!!", 0, "");
	CHECK_EQ(cpio_find(archive, len, "manifest.dtb", &file), CPIO_OK);
	CHECK_MEM_EQ(file.data, "dtb!", 4);
	CHECK_EQ(cpio_find(archive, len, "./Image", &file), CPIO_OK);
	CHECK_EQ(file.size, 6);
	CHECK_EQ(cpio_check(archive, len), CPIO_OK);
}

TEST(cpio, first_duplicate_wins)
{
	unsigned char archive[1024];
	struct cpio_file file;
	size_t len = 0;

	len += put_entry(archive + len, "a", 0100644, "first");
	len += put_entry(archive + len, "a", 0100644, "second");
	len += put_entry(archive + len, "TRAILER!!!", 0, "");
	CHECK_EQ(cpio_find(archive, len, "a", &file), CPIO_OK);
	CHECK_MEM_EQ(file.data, "first", 5);
}

/* Every single-byte corruption: any status is fine, a crash is not. */
TEST(cpio, single_byte_corruptions_never_crash)
{
	size_t size, i, cursor;
	unsigned char *archive = load_archive("basic.cpio", &size);
	struct cpio_file file;

	for (i = 0; i < size; i++) {
		unsigned char saved = archive[i];

		archive[i] = (unsigned char)unit_rand();
		cpio_check(archive, size);
		cursor = 0;
		while (cpio_next(archive, size, &cursor, &file) == CPIO_OK)
			CHECK(cursor <= size + 3);
		archive[i] = saved;
	}
	free(archive);
}

TEST(cpio, strerror_names_every_status)
{
	int s;

	for (s = CPIO_ERR_CHECKSUM; s <= CPIO_END; s++)
		CHECK(strstr(cpio_strerror(s), "unknown") == NULL);
	CHECK_STR_EQ(cpio_strerror(-100), "unknown cpio error");
}
