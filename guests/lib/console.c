/* Console output: the hypervisor's console hypercall, or QEMU's PL011 bare-metal. */
#include "lib/format.h"
#include "arch.h"
#include "config.h"
#include "console.h"
#include "hvc.h"
#include "libc.h"

#ifdef GUEST_BAREMETAL
#define PL011_DR 0x000
#define PL011_FR 0x018
#define PL011_FR_TXFF (1u << 5)

static void uart_putc(char c)
{
	volatile uint32_t *uart = (volatile uint32_t *)BAREMETAL_UART_BASE;

	while (uart[PL011_FR / 4] & PL011_FR_TXFF)
		;
	uart[PL011_DR / 4] = (uint8_t)c;
}

/* Debug only: lines of different vCPUs may mix, nothing prefixes them. */
void console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc('\r');
		uart_putc(s[i]);
	}
}
#else
void console_write(const char *s, size_t len)
{
	while (len) {
		size_t chunk = len < CONSOLE_LINE_MAX ? len : CONSOLE_LINE_MAX;

		if (elvisor_console_write(s, chunk) < 0)
			return;		/* nothing else can say it */
		s += chunk;
		len -= chunk;
	}
}
#endif

int vprintf(const char *fmt, va_list ap)
{
	char buf[CONSOLE_LINE_MAX];
	int n = vformat(buf, sizeof(buf), fmt, ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1;

	/* Cut short: still end the line, or the next message would join it. */
	if ((size_t)n >= sizeof(buf) && len > 0)
		buf[len - 1] = '\n';
	console_write(buf, len);
	return n;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
