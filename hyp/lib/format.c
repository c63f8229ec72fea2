/*
 * snprintf-style formatting (see lib/format.h for the supported subset).
 * Output goes through one sink that counts every character, written or
 * not, so the return value is the untruncated length.
 */
#include "lib/format.h"

/* Caps width and precision so neither the count nor the padding overflows. */
#define FORMAT_MAX_FIELD 4096
#define FORMAT_MAX_RESULT 0x7fffffff

struct sink {
	char *buf;
	size_t size;
	size_t count;	/* characters produced so far, written or not */
};

struct spec {
	bool left;		/* '-' */
	bool zero_pad;		/* '0' */
	bool plus;		/* '+' */
	bool space;		/* ' ' */
	bool alternate;		/* '#' */
	int width;		/* 0: none */
	int precision;		/* -1: none */
	char length;		/* 'H' hh, 'h', 'l', 'L' ll, 'z', 't', 'j', 0 */
	char conv;
};

static void put_char(struct sink *out, char c)
{
	if (out->count + 1 < out->size)
		out->buf[out->count] = c;
	out->count++;
}

static void put_repeated(struct sink *out, char c, int n)
{
	for (; n > 0; n--)
		put_char(out, c);
}

static void put_chars(struct sink *out, const char *s, size_t n)
{
	for (; n > 0; n--)
		put_char(out, *s++);
}

static size_t bounded_length(const char *s, int precision)
{
	size_t n = 0;

	while ((precision < 0 || n < (size_t)precision) && s[n] != '\0')
		n++;
	return n;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int parse_number(const char **p)
{
	int n = 0;

	for (; is_digit(**p); (*p)++) {
		if (n <= FORMAT_MAX_FIELD)
			n = n * 10 + (**p - '0');
	}
	return MIN(n, FORMAT_MAX_FIELD);
}

static void parse_flags(const char **p, struct spec *spec)
{
	for (;; (*p)++) {
		switch (**p) {
		case '-': spec->left = true; break;
		case '0': spec->zero_pad = true; break;
		case '+': spec->plus = true; break;
		case ' ': spec->space = true; break;
		case '#': spec->alternate = true; break;
		default: return;
		}
	}
}

/* A negative '*' width means left-justify, as in C. */
static void parse_width(const char **p, struct spec *spec, va_list *ap)
{
	if (**p == '*') {
		int w = va_arg(*ap, int);

		(*p)++;
		if (w < 0) {
			spec->left = true;
			w = (w < -FORMAT_MAX_FIELD) ? FORMAT_MAX_FIELD : -w;
		}
		spec->width = MIN(w, FORMAT_MAX_FIELD);
	} else {
		spec->width = parse_number(p);
	}
}

/* A negative '*' precision counts as none, as in C. */
static void parse_precision(const char **p, struct spec *spec, va_list *ap)
{
	spec->precision = -1;
	if (**p != '.')
		return;
	(*p)++;
	if (**p == '*') {
		int prec = va_arg(*ap, int);

		(*p)++;
		spec->precision = prec < 0 ? -1 : MIN(prec, FORMAT_MAX_FIELD);
	} else {
		spec->precision = parse_number(p);
	}
}

static void parse_length(const char **p, struct spec *spec)
{
	char c = **p;

	spec->length = 0;
	if (c == 'h' || c == 'l') {
		(*p)++;
		if (**p == c) {
			(*p)++;
			spec->length = (c == 'h') ? 'H' : 'L';
		} else {
			spec->length = c;
		}
	} else if (c == 'z' || c == 't' || c == 'j') {
		(*p)++;
		spec->length = c;
	}
}

static int64_t fetch_signed(const struct spec *spec, va_list *ap)
{
	switch (spec->length) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'z': return (ptrdiff_t)va_arg(*ap, size_t);
	case 't': return va_arg(*ap, ptrdiff_t);
	case 'j': return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

static uint64_t fetch_unsigned(const struct spec *spec, va_list *ap)
{
	switch (spec->length) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned int);
	case 'h': return (unsigned short)va_arg(*ap, unsigned int);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	case 't': return (size_t)va_arg(*ap, ptrdiff_t);
	case 'j': return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned int);
	}
}

/* Digits of value, least significant first; returns how many. */
static int to_digits(uint64_t value, unsigned base, bool upper, char *digits)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0;

	do {
		digits[n++] = set[value % base];
		value /= base;
	} while (value != 0);
	return n;
}

/*
 * Lays out [spaces][sign][prefix][zeros][digits][spaces], with C's rules:
 * precision is the minimum digit count (and 0 prints nothing for 0), the
 * '0' flag pads to the width only when there is no precision.
 */
static void put_integer(struct sink *out, const struct spec *spec,
			uint64_t magnitude, char sign, unsigned base)
{
	char digits[24];	/* 22 octal digits for 64 bits */
	const char *prefix = "";
	int ndigits, zeros, len, pad, prefix_len = 0;

	ndigits = to_digits(magnitude, base, spec->conv == 'X', digits);
	if (spec->precision == 0 && magnitude == 0)
		ndigits = 0;
	zeros = spec->precision > ndigits ? spec->precision - ndigits : 0;
	if (spec->alternate && base == 16 && magnitude != 0) {
		prefix = (spec->conv == 'X') ? "0X" : "0x";
		prefix_len = 2;
	}
	if (spec->alternate && base == 8 && zeros == 0 &&
	    (ndigits == 0 || digits[ndigits - 1] != '0'))
		zeros = 1;

	len = (sign != 0) + prefix_len + zeros + ndigits;
	pad = spec->width > len ? spec->width - len : 0;
	if (spec->zero_pad && !spec->left && spec->precision < 0) {
		zeros += pad;
		pad = 0;
	}

	if (!spec->left)
		put_repeated(out, ' ', pad);
	if (sign != 0)
		put_char(out, sign);
	put_chars(out, prefix, (size_t)prefix_len);
	put_repeated(out, '0', zeros);
	while (ndigits > 0)
		put_char(out, digits[--ndigits]);
	if (spec->left)
		put_repeated(out, ' ', pad);
}

static void put_padded(struct sink *out, const struct spec *spec,
		       const char *s, size_t len)
{
	int pad = 0;

	if (spec->width > 0 && (size_t)spec->width > len)
		pad = spec->width - (int)len;
	if (!spec->left)
		put_repeated(out, ' ', pad);
	put_chars(out, s, len);
	if (spec->left)
		put_repeated(out, ' ', pad);
}

static void format_signed(struct sink *out, const struct spec *spec,
			  va_list *ap)
{
	int64_t value = fetch_signed(spec, ap);
	/* Negating in unsigned arithmetic keeps INT64_MIN defined. */
	uint64_t magnitude = value < 0 ? -(uint64_t)value : (uint64_t)value;
	char sign = 0;

	if (value < 0)
		sign = '-';
	else if (spec->plus)
		sign = '+';
	else if (spec->space)
		sign = ' ';
	put_integer(out, spec, magnitude, sign, 10);
}

static void format_unsigned(struct sink *out, const struct spec *spec,
			    va_list *ap)
{
	unsigned base = 10;

	if (spec->conv == 'x' || spec->conv == 'X')
		base = 16;
	else if (spec->conv == 'o')
		base = 8;
	put_integer(out, spec, fetch_unsigned(spec, ap), 0, base);
}

static void format_pointer(struct sink *out, const struct spec *spec,
			   va_list *ap)
{
	uint64_t value = (uintptr_t)va_arg(*ap, void *);
	char text[18] = { '0', 'x' };
	int i;

	/* Always 16 digits, so pointers line up in logs. */
	for (i = 17; i >= 2; i--, value >>= 4)
		text[i] = "0123456789abcdef"[value & 0xf];
	put_padded(out, spec, text, sizeof(text));
}

static void format_string(struct sink *out, const struct spec *spec,
			  va_list *ap)
{
	const char *s = va_arg(*ap, const char *);

	if (s == NULL)
		s = "(null)";
	put_padded(out, spec, s, bounded_length(s, spec->precision));
}

static void format_char(struct sink *out, const struct spec *spec,
			va_list *ap)
{
	char c = (char)va_arg(*ap, int);

	put_padded(out, spec, &c, 1);
}

/* Returns false for an unknown conversion, which is then shown as text. */
static bool format_conversion(struct sink *out, const struct spec *spec,
			      va_list *ap)
{
	switch (spec->conv) {
	case 'd':
	case 'i':
		format_signed(out, spec, ap);
		return true;
	case 'u':
	case 'x':
	case 'X':
	case 'o':
		format_unsigned(out, spec, ap);
		return true;
	case 'p':
		format_pointer(out, spec, ap);
		return true;
	case 's':
		format_string(out, spec, ap);
		return true;
	case 'c':
		format_char(out, spec, ap);
		return true;
	case '%':
		put_char(out, '%');
		return true;
	default:
		return false;
	}
}

/* Handles one conversion starting at the '%'; returns where text resumes. */
static const char *format_one(struct sink *out, const char *start,
			      va_list *ap)
{
	const char *p = start + 1;
	struct spec spec = { 0 };

	parse_flags(&p, &spec);
	parse_width(&p, &spec, ap);
	parse_precision(&p, &spec, ap);
	parse_length(&p, &spec);
	spec.conv = *p;
	if (format_conversion(out, &spec, ap))
		return p + 1;

	if (*p != '\0')
		p++;
	put_chars(out, start, (size_t)(p - start));
	return p;
}

int vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sink out = { .buf = buf, .size = size, .count = 0 };
	const char *p = fmt;
	va_list args;

	/* A copy, so helpers can take a pointer to it portably. */
	va_copy(args, ap);
	while (*p != '\0') {
		if (*p == '%')
			p = format_one(&out, p, &args);
		else
			put_char(&out, *p++);
	}
	va_end(args);

	if (size > 0)
		buf[MIN(out.count, size - 1)] = '\0';
	return (int)MIN(out.count, (size_t)FORMAT_MAX_RESULT);
}

int format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
