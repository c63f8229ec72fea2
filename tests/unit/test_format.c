/* hyp/lib/format.c against the host's vsnprintf, plus its own rules. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/format.h"
#include "test.h"

#define OUT 256

/* Checks vformat and the host's vsnprintf agree on text and length. */
static void vcompare(const char *file, int line, const char *fmt, va_list ap)
{
	char got[OUT], want[OUT];
	va_list ap_copy;
	int got_len, want_len;

	va_copy(ap_copy, ap);
	got_len = vformat(got, sizeof(got), fmt, ap);
	want_len = vsnprintf(want, sizeof(want), fmt, ap_copy);
	va_end(ap_copy);
	if (got_len != want_len || strcmp(got, want) != 0)
		unit_fail(file, line, "format \"%s\": got \"%s\" (%d), libc \"%s\" (%d)",
			  fmt, got, got_len, want, want_len);
}

__attribute__((format(printf, 3, 4)))
static void compare_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcompare(file, line, fmt, ap);
	va_end(ap);
}

/* For deliberate mismatches such as an int passed to %hhd. */
static void compare_unchecked_at(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vcompare(file, line, fmt, ap);
	va_end(ap);
}

#define COMPARE(...) compare_at(__FILE__, __LINE__, __VA_ARGS__)
#define COMPARE_UNCHECKED(...) compare_unchecked_at(__FILE__, __LINE__, __VA_ARGS__)

/* For formats the compiler would rightly reject. */
static int format_unchecked(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static const long long signed_values[] = {
	0, 1, -1, 7, -7, 42, -42, 255, 256, 0x7fffffffLL, -0x80000000LL,
	0x123456789abcdefLL, INT64_MAX, INT64_MIN,
};

/* Every flag subset x width x precision x conversion, with ll values. */
TEST(format, integer_conversions_match_libc)
{
	static const char *const widths[] = { "", "1", "5", "21", "*" };
	static const char *const precisions[] = { "", ".", ".0", ".3", ".25", ".*" };
	static const char convs[] = "diuxXo";
	static const char flag_chars[] = "-0+ #";
	char fmt[32];
	unsigned flags;
	size_t w, p, c, v, f;

	for (flags = 0; flags < 32; flags++) {
		char flag_text[8];
		size_t n = 0;

		for (f = 0; f < 5; f++) {
			if (flags & (1U << f))
				flag_text[n++] = flag_chars[f];
		}
		flag_text[n] = '\0';
		for (w = 0; w < 5; w++)
		for (p = 0; p < 6; p++)
		for (c = 0; c < 6; c++) {
			/* '#' with d/i is undefined in C; nothing to compare. */
			if ((flags & 16) && (convs[c] == 'd' || convs[c] == 'i'))
				continue;
			snprintf(fmt, sizeof(fmt), "[%%%s%s%sll%c]", flag_text,
				 widths[w], precisions[p], convs[c]);
			for (v = 0; v < sizeof(signed_values) / sizeof(signed_values[0]); v++) {
				long long x = signed_values[v];

				if (w == 4 && p == 5)
					COMPARE(fmt, 9, 4, x);
				else if (w == 4 || p == 5)
					COMPARE(fmt, w == 4 ? 9 : 4, x);
				else
					COMPARE(fmt, x);
			}
		}
	}
}

TEST(format, length_modifiers_truncate_like_libc)
{
	/* The arguments are ints on purpose: the conversion must narrow them. */
	COMPARE_UNCHECKED("%hhd %hhu %hhx", 300, -1, 0x1ff);
	COMPARE_UNCHECKED("%hd %hu %hx", 70000, -1, 0x12345);
	COMPARE("%ld %lu %lx", -5L, 5UL, 0xdeadbeefUL);
	COMPARE("%lld %llu %llx", -5LL, ~0ULL, 0xfedcba9876543210ULL);
	COMPARE("%zu %zx %zd", (size_t)-1, (size_t)4096, (size_t)12);
	COMPARE("%td %tu", (ptrdiff_t)-5, (ptrdiff_t)5);
	COMPARE("%jd %ju %jx", INTMAX_MIN, UINTMAX_MAX, (uintmax_t)0xabc);
	COMPARE("%d %i %u %x %X %o", -2147483647 - 1, 2147483647, 4294967295U,
		0xabcdefU, 0xabcdefU, 0777U);
}

TEST(format, extremes)
{
	char buf[OUT];

	CHECK_EQ(format(buf, sizeof(buf), "%lld", (long long)INT64_MIN), 20);
	CHECK_STR_EQ(buf, "-9223372036854775808");
	format(buf, sizeof(buf), "%llx", (unsigned long long)UINT64_MAX);
	CHECK_STR_EQ(buf, "ffffffffffffffff");
	format(buf, sizeof(buf), "%#llo", (unsigned long long)UINT64_MAX);
	CHECK_STR_EQ(buf, "01777777777777777777777");
	format(buf, sizeof(buf), "%#llX", 0xabcdef0123456789ULL);
	CHECK_STR_EQ(buf, "0XABCDEF0123456789");
	COMPARE("%+lld % lld", (long long)INT64_MIN, (long long)INT64_MAX);
}

TEST(format, strings_and_chars_match_libc)
{
	COMPARE("[%s]", "hello");
	COMPARE("[%10s]", "hello");
	COMPARE("[%-10s]", "hello");
	COMPARE("[%.3s]", "hello");
	COMPARE("[%10.3s]", "hello");
	COMPARE("[%-10.3s]", "hello");
	COMPARE("[%.0s]", "hello");
	COMPARE("[%.10s]", "hello");
	COMPARE("[%*s]", 7, "ab");
	COMPARE("[%*s]", -7, "ab");
	COMPARE("[%-*.*s]", 6, 2, "abcdef");
	COMPARE("[%.*s]", -1, "negative precision is none");
	COMPARE("[%s]", "");
	COMPARE("[%c]", 'x');
	COMPARE("[%5c]", 'x');
	COMPARE("[%-5c]", 'x');
	COMPARE("[%c%c%c]", 'a', 0x100 + 'b', 'c');
	COMPARE("100%% and %d%%", 5);
	COMPARE("%d %s %x %c %u", -3, "mix", 0xbeefU, 'q', 99U);
}

TEST(format, string_precision_does_not_read_past_it)
{
	char unterminated[3] = { 'a', 'b', 'c' };
	char buf[OUT];

	/* ASan would flag a read of unterminated[3]. */
	CHECK_EQ(format(buf, sizeof(buf), "%.3s|", unterminated), 4);
	CHECK_STR_EQ(buf, "abc|");
}

TEST(format, null_string_prints_null)
{
	const char *nothing = NULL;
	char buf[OUT];

	/* format_unchecked: gcc rightly warns about a NULL %s argument. */
	CHECK_EQ(format_unchecked(buf, sizeof(buf), "[%s]", nothing), 8);
	CHECK_STR_EQ(buf, "[(null)]");
	format_unchecked(buf, sizeof(buf), "[%8s]", nothing);
	CHECK_STR_EQ(buf, "[  (null)]");
}

TEST(format, pointer_is_0x_and_16_digits)
{
	char buf[OUT];

	CHECK_EQ(format(buf, sizeof(buf), "%p", (void *)0x1234), 18);
	CHECK_STR_EQ(buf, "0x0000000000001234");
	format(buf, sizeof(buf), "%p", (void *)0);
	CHECK_STR_EQ(buf, "0x0000000000000000");
	format(buf, sizeof(buf), "%p", (void *)~(uintptr_t)0);
	CHECK_STR_EQ(buf, "0xffffffffffffffff");
	format(buf, sizeof(buf), "[%20p]", (void *)0xab);
	CHECK_STR_EQ(buf, "[  0x00000000000000ab]");
	format(buf, sizeof(buf), "[%-20p]", (void *)0xab);
	CHECK_STR_EQ(buf, "[0x00000000000000ab  ]");
}

TEST(format, unknown_conversions_are_printed_literally)
{
	char buf[OUT];

	CHECK_EQ(format_unchecked(buf, sizeof(buf), "a%qb"), 4);
	CHECK_STR_EQ(buf, "a%qb");
	format_unchecked(buf, sizeof(buf), "[%-5k]");
	CHECK_STR_EQ(buf, "[%-5k]");
	CHECK_EQ(format_unchecked(buf, sizeof(buf), "end%"), 4);
	CHECK_STR_EQ(buf, "end%");
	format_unchecked(buf, sizeof(buf), "end%-0");
	CHECK_STR_EQ(buf, "end%-0");
	format_unchecked(buf, sizeof(buf), "%ll");
	CHECK_STR_EQ(buf, "%ll");
	format_unchecked(buf, sizeof(buf), "%d then %y then %d", 1, 2);
	CHECK_STR_EQ(buf, "1 then %y then 2");
}

/* Every buffer size from 0 to past the end: prefix, NUL, length, no overrun. */
TEST(format, truncation_keeps_prefix_and_full_length)
{
	static const char expected[] = "value=-42 name=elvisor hex=0xbeef";
	const size_t full = sizeof(expected) - 1;
	char buf[64];
	size_t size, i;

	for (size = 0; size <= full + 2; size++) {
		memset(buf, '#', sizeof(buf));
		CHECK_EQ(format(size ? buf : NULL, size, "value=%d name=%s hex=%#x",
				-42, "elvisor", 0xbeefU), full);
		if (size > 0) {
			size_t kept = size - 1 < full ? size - 1 : full;

			CHECK_MEM_EQ(buf, expected, kept);
			CHECK_EQ(buf[kept], '\0');
			for (i = kept + 1; i < sizeof(buf); i++)
				CHECK_EQ(buf[i], '#');
		} else {
			for (i = 0; i < sizeof(buf); i++)
				CHECK_EQ(buf[i], '#');
		}
	}
}

TEST(format, size_zero_writes_nothing_even_with_buffer)
{
	char buf[4] = "xyz";

	CHECK_EQ(format(buf, 0, "%s", "long text"), 9);
	CHECK_STR_EQ(buf, "xyz");
	CHECK_EQ(format(buf, 1, "%s", "long text"), 9);
	CHECK_STR_EQ(buf, "");
}
