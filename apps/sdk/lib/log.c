/*
 * Formatted logging for apps, on top of the hypervisor's own formatter
 * (hyp/lib/format.c, compiled into libapp unchanged): vformat() has
 * snprintf semantics, so a long message is cut at APP_LOG_MAX bytes.
 */
#include "app.h"
#include "lib/format.h"

int app_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	return vformat(buf, size, fmt, ap);
}

int app_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* Format into buf (APP_LOG_MAX + 1 bytes); returns the length kept. */
static size_t format_line(char *buf, const char *fmt, va_list ap)
{
	int n = vformat(buf, APP_LOG_MAX + 1, fmt, ap);

	if (n < 0)
		return 0;
	return (size_t)n > APP_LOG_MAX ? APP_LOG_MAX : (size_t)n;
}

void app_log(const char *fmt, ...)
{
	char buf[APP_LOG_MAX + 1];
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	len = format_line(buf, fmt, ap);
	va_end(ap);
	app_sys_log(buf, len);
}

void app_panic(const char *fmt, ...)
{
	char buf[APP_LOG_MAX + 1];
	va_list ap;
	size_t len;

	va_start(ap, fmt);
	len = format_line(buf, fmt, ap);
	va_end(ap);
	app_sys_panic(buf, len);
}
