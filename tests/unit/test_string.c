/*
 * hyp/lib/string.c, built with its functions renamed elv_* (see
 * lib/string.h), checked against the host libc on random inputs.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define LIB_STRING_PREFIXED
#include "lib/string.h"

#include "test.h"

#define BUF 512
#define ROUNDS 3000

static int sign_of(int x)
{
	return (x > 0) - (x < 0);
}

static void fill_random(unsigned char *buf, size_t n, unsigned alphabet)
{
	size_t i;

	/* A small alphabet makes equal prefixes and hits likely. */
	for (i = 0; i < n; i++)
		buf[i] = (unsigned char)('a' + unit_rand_below(alphabet));
}

/* A random NUL-terminated string in buf (room for BUF bytes). */
static void random_string(char *buf, unsigned alphabet)
{
	size_t len = unit_rand_below(BUF - 1);

	fill_random((unsigned char *)buf, len, alphabet);
	buf[len] = '\0';
}

TEST(string, memcpy_matches_libc_at_every_alignment)
{
	unsigned char src[BUF], got[BUF + 16], want[BUF + 16];
	int round;

	for (round = 0; round < ROUNDS; round++) {
		size_t s_off = unit_rand_below(16), d_off = unit_rand_below(16);
		size_t n = unit_rand_below(BUF - 16);

		fill_random(src, sizeof(src), 256);
		memset(got, 0x5a, sizeof(got));
		memset(want, 0x5a, sizeof(want));
		CHECK(elv_memcpy(got + d_off, src + s_off, n) == got + d_off);
		memcpy(want + d_off, src + s_off, n);
		CHECK_MEM_EQ(got, want, sizeof(got));
	}
}

TEST(string, memmove_handles_overlap_both_ways)
{
	unsigned char got[BUF], want[BUF];
	int round;

	for (round = 0; round < ROUNDS; round++) {
		size_t n = unit_rand_below(BUF / 2);
		size_t src = unit_rand_below(BUF - n), dst = unit_rand_below(BUF - n);

		fill_random(got, sizeof(got), 256);
		memcpy(want, got, sizeof(want));
		CHECK(elv_memmove(got + dst, got + src, n) == got + dst);
		memmove(want + dst, want + src, n);
		CHECK_MEM_EQ(got, want, sizeof(got));
	}
}

TEST(string, memmove_overlap_by_one_byte_and_one_word)
{
	unsigned char buf[64];
	size_t i;

	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)i;
	elv_memmove(buf + 1, buf, 40);	/* forward overlap: must copy backwards */
	CHECK_EQ(buf[0], 0);
	for (i = 1; i <= 40; i++)
		CHECK_EQ(buf[i], i - 1);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)i;
	elv_memmove(buf, buf + 8, 48);	/* backward overlap, word aligned */
	for (i = 0; i < 48; i++)
		CHECK_EQ(buf[i], i + 8);
	CHECK_EQ(buf[48], 48);
}

TEST(string, memset_matches_libc)
{
	unsigned char got[BUF], want[BUF];
	int round;

	for (round = 0; round < ROUNDS; round++) {
		size_t off = unit_rand_below(16), n = unit_rand_below(BUF - 16);
		int c = (int)unit_rand_below(1024) - 512;	/* only the low byte counts */

		memset(got, 0x11, sizeof(got));
		memset(want, 0x11, sizeof(want));
		CHECK(elv_memset(got + off, c, n) == got + off);
		memset(want + off, c, n);
		CHECK_MEM_EQ(got, want, sizeof(got));
	}
}

TEST(string, memcmp_sign_matches_libc)
{
	unsigned char a[64], b[64];
	int round;

	for (round = 0; round < ROUNDS; round++) {
		size_t n = unit_rand_below(sizeof(a));

		fill_random(a, sizeof(a), 3);
		fill_random(b, sizeof(b), 3);
		if (unit_rand_below(2))
			memcpy(b, a, unit_rand_below(sizeof(a)));
		CHECK_EQ(sign_of(elv_memcmp(a, b, n)), sign_of(memcmp(a, b, n)));
	}
	a[0] = 0x80;
	b[0] = 0x7f;	/* bytes compare as unsigned char */
	CHECK(elv_memcmp(a, b, 1) > 0);
	CHECK_EQ(elv_memcmp(a, b, 0), 0);
}

TEST(string, memchr_matches_libc)
{
	unsigned char buf[BUF];
	int round;

	for (round = 0; round < ROUNDS; round++) {
		size_t n = unit_rand_below(sizeof(buf));
		int c = 'a' + (int)unit_rand_below(30);

		fill_random(buf, sizeof(buf), 26);
		CHECK(elv_memchr(buf, c, n) == memchr(buf, c, n));
	}
	buf[3] = 0xff;
	CHECK(elv_memchr(buf, -1, 4) == buf + 3);	/* c converts to unsigned char */
}

TEST(string, strlen_strnlen_match_libc)
{
	char s[BUF];
	int round;

	for (round = 0; round < ROUNDS; round++) {
		size_t max = unit_rand_below(BUF);

		random_string(s, 26);
		CHECK_EQ(elv_strlen(s), strlen(s));
		CHECK_EQ(elv_strnlen(s, max), strnlen(s, max));
	}
	CHECK_EQ(elv_strlen(""), 0);
	/* strnlen must not read past maxlen: no terminator in range. */
	{
		char unterminated[4] = { 'a', 'b', 'c', 'd' };

		CHECK_EQ(elv_strnlen(unterminated, sizeof(unterminated)), 4);
	}
}

TEST(string, strcmp_strncmp_signs_match_libc)
{
	char a[BUF], b[BUF];
	int round;

	for (round = 0; round < ROUNDS; round++) {
		size_t n = unit_rand_below(16);

		random_string(a, 2);
		if (unit_rand_below(2))
			strcpy(b, a);
		else
			random_string(b, 2);
		if (unit_rand_below(4) == 0 && strlen(b) > 0)
			b[unit_rand_below(strlen(b))] = '\0';
		CHECK_EQ(sign_of(elv_strcmp(a, b)), sign_of(strcmp(a, b)));
		CHECK_EQ(sign_of(elv_strncmp(a, b, n)), sign_of(strncmp(a, b, n)));
	}
	CHECK(elv_strcmp("\x80", "\x7f") > 0);
	CHECK_EQ(elv_strncmp("abc", "abd", 2), 0);
	CHECK_EQ(elv_strncmp("ab", "ab\0x", 4), 0);
}

TEST(string, strchr_strrchr_match_libc)
{
	char s[BUF];
	int round;

	for (round = 0; round < ROUNDS; round++) {
		int c = 'a' + (int)unit_rand_below(28);

		random_string(s, 26);
		CHECK(elv_strchr(s, c) == strchr(s, c));
		CHECK(elv_strrchr(s, c) == strrchr(s, c));
	}
	strcpy(s, "a/b/c");
	CHECK(elv_strchr(s, '\0') == s + 5);	/* the NUL is findable */
	CHECK(elv_strrchr(s, '\0') == s + 5);
	CHECK(elv_strrchr(s, '/') == s + 3);
}

static void check_strtoul(const char *text, int base)
{
	char *got_end, *want_end;
	unsigned long got = elv_strtoul(text, &got_end, base);
	unsigned long want = strtoul(text, &want_end, base);

	if (got != want || got_end != want_end)
		unit_fail(__FILE__, __LINE__,
			  "strtoul(\"%s\", %d): got %lu end +%td, libc %lu end +%td",
			  text, base, got, got_end - text, want, want_end - text);
}

TEST(string, strtoul_edge_cases_match_libc)
{
	static const char *const texts[] = {
		"0", "42", "  \t\n42xyz", "+7", "-1", "-0", "0x1f", "0X1F", "0x",
		"0xg", "0x 1", "017", "09", "z", "Zz", "", "   ", "-", "+",
		"18446744073709551615", "18446744073709551616",
		"99999999999999999999999", "-18446744073709551615",
		"0xffffffffffffffff", "0x10000000000000000", "1_000", "0b101",
	};
	static const int bases[] = { 0, 2, 8, 10, 16, 36 };
	size_t t, b;

	for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		for (b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
			check_strtoul(texts[t], bases[b]);
	}
}

TEST(string, strtoul_random_matches_libc)
{
	static const char alphabet[] = "0123456789abcdefxXzZ +-\t";
	char text[24];
	int round;

	for (round = 0; round < 20000; round++) {
		size_t len = unit_rand_below(sizeof(text)), i;
		int base = (int)unit_rand_below(37);

		for (i = 0; i < len; i++)
			text[i] = alphabet[unit_rand_below(sizeof(alphabet) - 1)];
		text[len] = '\0';
		if (base == 1)
			base = 0;
		check_strtoul(text, base);
	}
}

TEST(string, strtoul_null_end_and_bad_base)
{
	char *end = NULL;
	const char *text = "123";

	CHECK_EQ(elv_strtoul(text, NULL, 10), 123);
	CHECK_EQ(elv_strtoul(text, &end, 1), 0);
	CHECK(end == text);
	CHECK_EQ(elv_strtoul(text, &end, 37), 0);
	CHECK(end == text);
	CHECK_EQ(elv_strtoul("zz", NULL, 36), 35 * 36 + 35);
	CHECK_EQ(elv_strtoul("18446744073709551616", NULL, 10), ULONG_MAX);
}
