/*
 * uart-echo: reads lines typed at the console through its PL011 (the uart
 * app with the manifest's `console` property, at IPA 0x09000000, SPI 33)
 * and echoes each one back through the same PL011. Interrupt-driven: the
 * vCPU sleeps in WFI until the receive interrupt (RXIM at the FIFO's
 * half-full level, RTIM for anything less) arrives, and the handler empties
 * the FIFO. Typed bytes reach the app only while this domain has the
 * console's focus: Ctrl-T at the elvisor console moves it.
 *
 * Bootargs: uart-echo.lines=N: a test (configs/tests/uart-echo.dts) that
 * passes after N lines, each received by interrupt without overrun; 0 (the
 * default) echoes forever (the demo, configs/demo.dts).
 */
#include "guest.h"
#include "lib/format.h"
#include "mmio.h"

#define UART_BASE 0x09000000UL
#define UART_INTID 33

/* The PL011 registers and bits used here (PL011 TRM r1p5). */
#define DR 0x000
#define FR 0x018
#define IBRD 0x024
#define FBRD 0x028
#define LCR_H 0x02c
#define CR 0x030
#define IFLS 0x034
#define IMSC 0x038
#define MIS 0x040
#define ICR 0x044
#define DR_OE (1u << 11)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN8 (3u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)
#define INT_OE (1u << 10)
#define INT_ALL 0x7ffu
#define IFLS_HALF 0x12u

#define LINE_MAX 120
#define RING_SIZE 256			/* bytes taken by the handler, not yet used */
#define TEST_WAIT_US (30 * 1000000ULL)	/* test mode: longest silence */

static uint32_t rd(unsigned off)
{
	return mmio_read32(UART_BASE + off);
}

static void wr(unsigned off, uint32_t v)
{
	mmio_write32(UART_BASE + off, v);
}

/* ---- output ---- */

static void uart_puts(const char *s)
{
	for (; *s; s++) {
		unsigned spins = 0;

		while (rd(FR) & FR_TXFF)
			if (++spins == 1000000)
				test_fatal("FR.TXFF stuck at 1");
		wr(DR, (uint8_t)*s);
	}
}

static void uart_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void uart_printf(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	uart_puts(buf);
}

/* ---- input: the interrupt handler fills a ring, the main loop empties it ---- */

static volatile uint8_t ring[RING_SIZE];
static volatile uint32_t ring_head, ring_tail;	/* written by main / by the handler */
static volatile uint32_t rx_irqs, overruns, ring_lost;

static void ring_put(uint8_t byte)
{
	if (ring_tail - ring_head == RING_SIZE) {
		ring_lost++;
		return;
	}
	ring[ring_tail % RING_SIZE] = byte;
	dmb(sy);
	ring_tail = ring_tail + 1;
}

/* Empty the FIFO: that also clears RX and RT. */
static void uart_irq(unsigned intid)
{
	uint32_t mis = rd(MIS);

	(void)intid;
	rx_irqs++;
	for (unsigned n = 0; n < 64 && !(rd(FR) & FR_RXFE); n++) {
		uint32_t v = rd(DR);

		if (v & DR_OE)
			overruns++;
		ring_put((uint8_t)v);
	}
	if (mis & INT_OE)
		wr(ICR, INT_OE);
}

static bool ring_nonempty(void *arg)
{
	(void)arg;
	return ring_tail != ring_head;
}

static int ring_get(void)
{
	uint8_t byte;

	if (ring_tail == ring_head)
		return -1;
	byte = ring[ring_head % RING_SIZE];
	ring_head = ring_head + 1;
	return byte;
}

static void uart_setup(void)
{
	wr(CR, 0);
	wr(FBRD, 1);			/* 115200 baud at 24 MHz, for form's sake */
	wr(IBRD, 13);
	wr(LCR_H, LCR_H_WLEN8 | LCR_H_FEN);
	wr(IFLS, IFLS_HALF);
	wr(ICR, INT_ALL);
	wr(IMSC, INT_RX | INT_RT | INT_OE);
	wr(CR, CR_UARTEN | CR_TXE | CR_RXE);
}

/*
 * Collect one line (ended by CR or LF; backspace and DEL take back a byte).
 * False if no byte came for timeout_us; 0 waits forever.
 */
static bool read_line(char *line, size_t size, uint64_t timeout_us)
{
	size_t len = 0;
	int c;

	for (;;) {
		while ((c = ring_get()) >= 0) {
			if (c == '\r' || c == '\n') {
				if (len == 0 && c == '\n')
					continue;	/* the LF of a CRLF */
				line[len] = '\0';
				return true;
			}
			if ((c == '\b' || c == 0x7f) && len > 0)
				len--;
			else if (c >= ' ' && c < 0x7f && len + 1 < size)
				line[len++] = (char)c;
		}
		if (!wait_until(ring_nonempty, NULL, timeout_us ? timeout_us : 1000000) &&
		    timeout_us)
			return false;
	}
}

void guest_main(void)
{
	uint64_t lines = bootarg_uint_or("uart-echo.lines", 0);
	char line[LINE_MAX];

	if (lines)
		test_init("uart-echo");
	if (!gic_init())
		test_fatal("GIC setup failed");
	irq_set_handler(UART_INTID, uart_irq);
	gic_enable_irq(UART_INTID);
	uart_setup();
	irq_enable();
	uart_puts("uart-echo: ready; press Ctrl-T for this domain's console, then type a line\n");

	for (uint64_t n = 1; !lines || n <= lines; n++) {
		if (!read_line(line, sizeof(line), lines ? TEST_WAIT_US : 0))
			test_fatal("nothing typed for %llu s",
				   (unsigned long long)(TEST_WAIT_US / 1000000));
		uart_printf("uart-echo: line %llu: \"%s\"\n", (unsigned long long)n, line);
	}
	CHECK(rx_irqs > 0, "the input arrived without a receive interrupt");
	CHECK(overruns == 0 && ring_lost == 0, "%u overruns, %u bytes lost", overruns, ring_lost);
	uart_printf("uart-echo: %u receive interrupts\n", rx_irqs);
	test_done();
}
