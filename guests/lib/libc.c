/*
 * memset & co. (the compilers may call them for struct copies) and a small
 * vsnprintf: flags - 0 + space #, width and precision (also *), length
 * hh h l ll z j t, conversions d i u x X o p s c %. Byte by byte: with the
 * MMU off every access is Device memory, so nothing may be unaligned.
 */
#include <stdbool.h>
#include <stdint.h>

#include "libc.h"

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;

	while (n--)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, SIZE_MAX);
}

/* Output into a bounded buffer that still counts what did not fit. */
struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_repeat(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	bool left, zero, plus, space, alt;
	int width, precision;		/* precision -1: none */
};

static void put_number(struct out *o, const struct spec *sp, uint64_t v, bool negative,
		       unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, pad, zeros, plen = 0;
	char sign = negative ? '-' : sp->plus ? '+' : sp->space ? ' ' : 0;

	while (v || n == 0) {
		tmp[n++] = digits[v % base];
		v /= base;
	}
	if (sp->precision == 0 && n == 1 && tmp[0] == '0')
		n = 0;			/* "%.0d" of 0 prints nothing */
	zeros = sp->precision > n ? sp->precision - n : 0;
	if (prefix)
		plen = (int)strlen(prefix);
	pad = sp->width - n - zeros - plen - (sign ? 1 : 0);
	if (sp->zero && !sp->left && sp->precision < 0) {
		zeros += pad > 0 ? pad : 0;
		pad = 0;
	}
	if (!sp->left)
		put_repeat(o, ' ', pad);
	if (sign)
		put(o, sign);
	for (int i = 0; i < plen; i++)
		put(o, prefix[i]);
	put_repeat(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->left)
		put_repeat(o, ' ', pad);
}

static void put_string(struct out *o, const struct spec *sp, const char *s)
{
	int n = 0;

	if (!s)
		s = "(null)";
	while (s[n] && (sp->precision < 0 || n < sp->precision))
		n++;
	if (!sp->left)
		put_repeat(o, ' ', sp->width - n);
	for (int i = 0; i < n; i++)
		put(o, s[i]);
	if (sp->left)
		put_repeat(o, ' ', sp->width - n);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static uint64_t get_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR: return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT: return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG: return va_arg(*ap, unsigned long);
	case LEN_LLONG: return va_arg(*ap, unsigned long long);
	case LEN_SIZE: return va_arg(*ap, size_t);
	default: return va_arg(*ap, unsigned int);
	}
}

static int64_t get_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR: return (signed char)va_arg(*ap, int);
	case LEN_SHORT: return (short)va_arg(*ap, int);
	case LEN_LONG: return va_arg(*ap, long);
	case LEN_LLONG: return va_arg(*ap, long long);
	case LEN_SIZE: return (int64_t)va_arg(*ap, size_t);
	default: return va_arg(*ap, int);
	}
}

static int parse_int(const char **f)
{
	int n = 0;

	while (**f >= '0' && **f <= '9')
		n = n * 10 + (*(*f)++ - '0');
	return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = { buf, size, 0 };
	va_list ap;

	va_copy(ap, ap_in);
	for (const char *f = fmt; *f; f++) {
		struct spec sp = { .precision = -1 };
		enum length len = LEN_INT;

		if (*f != '%') {
			put(&o, *f);
			continue;
		}
		for (;; f++) {
			if (f[1] == '-') sp.left = true;
			else if (f[1] == '0') sp.zero = true;
			else if (f[1] == '+') sp.plus = true;
			else if (f[1] == ' ') sp.space = true;
			else if (f[1] == '#') sp.alt = true;
			else break;
		}
		f++;
		if (*f == '*') {
			sp.width = va_arg(ap, int);
			if (sp.width < 0) {
				sp.left = true;
				sp.width = -sp.width;
			}
			f++;
		} else {
			sp.width = parse_int(&f);
		}
		if (*f == '.') {
			f++;
			if (*f == '*') {
				sp.precision = va_arg(ap, int);
				f++;
			} else {
				sp.precision = parse_int(&f);
			}
		}
		for (;; f++) {
			if (*f == 'h') len = len == LEN_SHORT ? LEN_CHAR : LEN_SHORT;
			else if (*f == 'l') len = len == LEN_LONG ? LEN_LLONG : LEN_LONG;
			else if (*f == 'z' || *f == 'j' || *f == 't') len = LEN_SIZE;
			else break;
		}
		switch (*f) {
		case 'd':
		case 'i': {
			int64_t v = get_signed(&ap, len);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;

			put_number(&o, &sp, mag, v < 0, 10, false, NULL);
			break;
		}
		case 'u':
			put_number(&o, &sp, get_unsigned(&ap, len), false, 10, false, NULL);
			break;
		case 'x':
		case 'X': {
			uint64_t v = get_unsigned(&ap, len);

			put_number(&o, &sp, v, false, 16, *f == 'X',
				   sp.alt && v ? (*f == 'X' ? "0X" : "0x") : NULL);
			break;
		}
		case 'o':
			put_number(&o, &sp, get_unsigned(&ap, len), false, 8, false,
				   sp.alt ? "0" : NULL);
			break;
		case 'p':
			put_number(&o, &sp, (uintptr_t)va_arg(ap, void *), false, 16, false, "0x");
			break;
		case 's':
			put_string(&o, &sp, va_arg(ap, const char *));
			break;
		case 'c': {
			char c[2] = { (char)va_arg(ap, int), 0 };

			sp.precision = 1;
			if (!c[0])
				put(&o, 0);
			else
				put_string(&o, &sp, c);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		case '\0':
			f--;		/* a lone '%' at the end */
			break;
		default:		/* unknown: print it as it was written */
			put(&o, '%');
			put(&o, *f);
			break;
		}
	}
	va_end(ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
