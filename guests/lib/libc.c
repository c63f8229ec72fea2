/*
 * The guests' printf family, on top of the hypervisor's portable formatter
 * (hyp/lib/format.c, compiled into the guests' library by guests.mk, as is
 * hyp/lib/string.c for memset & co.). Both work byte by byte or with
 * aligned words only: with the MMU off every access is Device memory,
 * where nothing may be unaligned.
 */
#include "lib/format.h"
#include "libc.h"

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vformat(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
