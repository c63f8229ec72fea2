/*
 * Memory and string functions for the freestanding hypervisor and libfdt.
 *
 * Build requirement: the compiler must not turn the loops below back into
 * calls to memcpy/memset, which would recurse forever. Compile this file
 * with -ffreestanding (or -fno-builtin): with either, neither gcc 12 nor
 * clang 14 emits such calls (checked with nm at -O2/-O3/-Os). gcc's loop
 * distribution is additionally switched off per function (glibc does the
 * same): without it the hosted host-test build, where these functions are
 * renamed elv_*, could have its loops replaced by the host libc's memcpy and
 * end up testing that instead.
 *
 * Word-sized accesses are only made when both pointers are 8-byte (or, in
 * memcpy, both 4-byte) aligned, since unaligned ones fault on Device memory (all memory while the MMU is
 * off); code running then also needs -mstrict-align so the compiler does
 * not merge the byte loops into unaligned wide accesses itself.
 *
 * Host tests: see lib/string.h, -DLIB_STRING_PREFIXED renames everything.
 */
#include "lib/string.h"

#if defined(__GNUC__) && !defined(__clang__)
#define NO_LIBCALL_LOOPS __attribute__((optimize("no-tree-loop-distribute-patterns")))
#else
#define NO_LIBCALL_LOOPS
#endif

#define NAME(name) LIB_STRING_NAME(name)

/* may_alias: a word access may overlay objects of any type. */
typedef uint64_t __attribute__((may_alias)) word_t;
#define WORD_BYTES sizeof(word_t)
#define WORD_MASK (WORD_BYTES - 1)
typedef uint32_t __attribute__((may_alias)) half_t;
#define HALF_BYTES sizeof(half_t)
#define HALF_MASK (HALF_BYTES - 1)
#define ULONG_MAX_VALUE (~0UL)

static bool same_word_offset(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & WORD_MASK) == 0;
}

static bool word_aligned(const void *p)
{
	return ((uintptr_t)p & WORD_MASK) == 0;
}

/* Both 4-byte aligned after the same number of head bytes (but not 8-). */
static bool same_half_offset(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & HALF_MASK) == 0;
}

NO_LIBCALL_LOOPS
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	if (same_word_offset(d, s)) {
		for (; n > 0 && !word_aligned(d); n--)
			*d++ = *s++;
		for (; n >= WORD_BYTES; n -= WORD_BYTES) {
			*(word_t *)(void *)d = *(const word_t *)(const void *)s;
			d += WORD_BYTES;
			s += WORD_BYTES;
		}
	} else if (same_half_offset(d, s)) {
		/* e.g. a file 4 bytes off in a cpio archive: 4-byte words, still aligned */
		for (; n > 0 && ((uintptr_t)d & HALF_MASK); n--)
			*d++ = *s++;
		for (; n >= HALF_BYTES; n -= HALF_BYTES) {
			*(half_t *)(void *)d = *(const half_t *)(const void *)s;
			d += HALF_BYTES;
			s += HALF_BYTES;
		}
	}
	for (; n > 0; n--)
		*d++ = *s++;
}

/* d and s point one past the end of the areas. */
NO_LIBCALL_LOOPS
static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	if (same_word_offset(d, s)) {
		for (; n > 0 && !word_aligned(d); n--)
			*--d = *--s;
		for (; n >= WORD_BYTES; n -= WORD_BYTES) {
			d -= WORD_BYTES;
			s -= WORD_BYTES;
			*(word_t *)(void *)d = *(const word_t *)(const void *)s;
		}
	}
	for (; n > 0; n--)
		*--d = *--s;
}

NO_LIBCALL_LOOPS
void *NAME(memcpy)(void *dst, const void *src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

NO_LIBCALL_LOOPS
void *NAME(memmove)(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Copying forward is only wrong when dst starts inside src. */
	if ((uintptr_t)d - (uintptr_t)s >= n)
		copy_forward(d, s, n);
	else
		copy_backward(d + n, s + n, n);
	return dst;
}

NO_LIBCALL_LOOPS
void *NAME(memset)(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char byte = (unsigned char)c;
	word_t pattern = (word_t)byte * 0x0101010101010101ULL;

	for (; n > 0 && !word_aligned(d); n--)
		*d++ = byte;
	for (; n >= WORD_BYTES; n -= WORD_BYTES) {
		*(word_t *)(void *)d = pattern;
		d += WORD_BYTES;
	}
	for (; n > 0; n--)
		*d++ = byte;
	return dst;
}

NO_LIBCALL_LOOPS
int NAME(memcmp)(const void *a, const void *b, size_t n)
{
	const unsigned char *pa = a, *pb = b;

	for (; n > 0; n--, pa++, pb++) {
		if (*pa != *pb)
			return *pa - *pb;
	}
	return 0;
}

NO_LIBCALL_LOOPS
void *NAME(memchr)(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	unsigned char byte = (unsigned char)c;

	for (; n > 0; n--, p++) {
		if (*p == byte)
			return (void *)(uintptr_t)p;
	}
	return NULL;
}

NO_LIBCALL_LOOPS
size_t NAME(strlen)(const char *s)
{
	const char *p = s;

	while (*p != '\0')
		p++;
	return (size_t)(p - s);
}

NO_LIBCALL_LOOPS
size_t NAME(strnlen)(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n] != '\0')
		n++;
	return n;
}

NO_LIBCALL_LOOPS
int NAME(strcmp)(const char *a, const char *b)
{
	const unsigned char *pa = (const unsigned char *)a;
	const unsigned char *pb = (const unsigned char *)b;

	while (*pa != '\0' && *pa == *pb) {
		pa++;
		pb++;
	}
	return *pa - *pb;
}

NO_LIBCALL_LOOPS
int NAME(strncmp)(const char *a, const char *b, size_t n)
{
	const unsigned char *pa = (const unsigned char *)a;
	const unsigned char *pb = (const unsigned char *)b;

	for (; n > 0; n--, pa++, pb++) {
		if (*pa != *pb)
			return *pa - *pb;
		if (*pa == '\0')
			return 0;
	}
	return 0;
}

/* The terminating NUL counts as part of the string, as in libc. */
NO_LIBCALL_LOOPS
char *NAME(strchr)(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)(uintptr_t)s;
		if (*s == '\0')
			return NULL;
	}
}

NO_LIBCALL_LOOPS
char *NAME(strrchr)(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (*s == '\0')
			return (char *)(uintptr_t)last;
	}
}

static bool is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Value of c as a digit in bases up to 36, or 36 if it is none. */
static unsigned digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'z')
		return (unsigned)(c - 'a') + 10;
	if (c >= 'A' && c <= 'Z')
		return (unsigned)(c - 'A') + 10;
	return 36;
}

/* "0x" counts as a prefix only when a hex digit follows, as in libc. */
static bool has_hex_prefix(const char *p)
{
	return p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	       digit_value(p[2]) < 16;
}

static const char *skip_base_prefix(const char *p, int *base)
{
	if ((*base == 0 || *base == 16) && has_hex_prefix(p)) {
		*base = 16;
		return p + 2;
	}
	if (*base == 0)
		*base = (p[0] == '0') ? 8 : 10;
	return p;
}

unsigned long NAME(strtoul)(const char *s, char **end, int base)
{
	const char *p = s;
	const char *digits;
	unsigned long value = 0;
	bool negative = false, overflow = false;
	unsigned d;

	if (end != NULL)
		*end = (char *)(uintptr_t)s;
	if (base < 0 || base == 1 || base > 36)
		return 0;

	while (is_space(*p))
		p++;
	if (*p == '+' || *p == '-')
		negative = (*p++ == '-');
	p = skip_base_prefix(p, &base);

	for (digits = p; (d = digit_value(*p)) < (unsigned)base; p++) {
		if (value > (ULONG_MAX_VALUE - d) / (unsigned)base)
			overflow = true;
		value = value * (unsigned)base + d;
	}
	if (p == digits)
		return 0;	/* no digits: nothing converted, *end = s */
	if (end != NULL)
		*end = (char *)(uintptr_t)p;
	if (overflow)
		return ULONG_MAX_VALUE;
	return negative ? -value : value;
}
