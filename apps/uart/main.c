/*
 * The uart app: a PL011 UART (pl011.c has the device model and what it
 * covers) for one domain, serving the 4 KiB register block the manifest
 * gives it:
 *
 *     uart {
 *         compatible = "elvisor,app";
 *         image = "uart.elf";
 *         mmio = <0x0 0x09000000 0x0 0x1000>;
 *         irqs = <33>;
 *         console;
 *     };
 *
 * - Registers: the offset of an access is its IPA modulo 4 KiB (the manifest
 *   range is page-aligned, so that is the offset in the block; a larger
 *   range repeats the block). 32-bit accesses are the registers; 8- and
 *   16-bit ones at a register's address act on its low bits (Linux uses
 *   16-bit accesses, early consoles byte stores to UARTDR), reads at other
 *   byte offsets return the register's upper bytes (any read of UARTDR takes
 *   a byte from the FIFO, as on the PL011's 32-bit bus), writes there are
 *   ignored (the bus has no byte strobes); 64-bit accesses are two
 *   registers, low one first; misaligned accesses read as zero and are
 *   ignored.
 * - Interrupt: the PL011's combined interrupt drives the first INTID the
 *   manifest grants (`irqs`, e.g. 33: SPI 1, where QEMU's virt machine wires
 *   its own UART) as a level (IRQ_SET / IRQ_CLEAR on each change). Without a
 *   granted interrupt the device works polled and INIT says so.
 * - Output: transmitted bytes are collected into a line and logged (the
 *   hypervisor prefixes the domain's and the app's names) at '\n', when
 *   UART_LINE_MAX bytes are waiting, or when a partial line (a prompt) has
 *   seen no new byte for UART_IDLE_NS (the app timer). '\r' is dropped,
 *   backspace takes back the last byte, a tab becomes a space.
 * - Input: the domain's console input (the manifest's `console`) waits in a
 *   UART_BACKLOG-byte line buffer (the "wire") and enters the receive FIFO
 *   as fast as the guest makes room, as a terminal at a real baud rate
 *   would: pasting more than the FIFO holds loses nothing (only a full
 *   backlog drops bytes, counted).
 */
#include "app.h"
#include "pl011.h"

#define UART_LINE_MAX	160
/* 300 ms: a prompt shows soon enough, a line stalled by a busy host rarely splits. */
#define UART_IDLE_NS	300000000ULL
#define UART_BACKLOG	256

static struct pl011 uart;
static bool irq_level;			/* the level the domain's GIC has */

static char line[UART_LINE_MAX];
static unsigned int line_len;
static bool line_grew;			/* bytes came since the timer was armed */
static bool timer_armed;

/* Console input not yet in the receive FIFO (a ring). */
static uint8_t backlog[UART_BACKLOG];
static unsigned int backlog_head, backlog_count;
static uint64_t backlog_dropped;

/* ---- output -------------------------------------------------------------- */

/* The raw syscall: the text is the guest's, not a format string. */
static void flush_line(void)
{
	app_sys_log(line, line_len);
	line_len = 0;
}

static void arm_idle_timer(void)
{
	line_grew = false;
	if (app_sys_timer_set(app_sys_time() + UART_IDLE_NS) == 0)
		timer_armed = true;
	else
		flush_line();	/* APP_E_EXPIRED: the time is already up */
}

void pl011_transmit(uint8_t byte)
{
	switch (byte) {
	case '\r':
		return;
	case '\n':
		flush_line();
		return;
	case '\b':
		if (line_len)
			line_len--;
		return;
	case '\t':
		byte = ' ';
		break;
	default:
		break;
	}
	line[line_len++] = (char)byte;
	line_grew = true;
	if (line_len == UART_LINE_MAX)
		flush_line();
	else if (!timer_armed)
		arm_idle_timer();
}

/* A partial line is logged once it has been idle for a whole period. */
static void uart_timer(uint64_t deadline)
{
	(void)deadline;
	timer_armed = false;
	if (line_len == 0)
		return;
	if (line_grew)
		arm_idle_timer();
	else
		flush_line();
}

/* ---- the interrupt line ---------------------------------------------------- */

static void update_irq(void)
{
	bool level = pl011_irq_level(&uart);

	if (level == irq_level || !app_device.irq)
		return;
	irq_level = level;
	if (level)
		app_sys_irq_set((uint32_t)app_device.irq);
	else
		app_sys_irq_clear((uint32_t)app_device.irq);
}

/* Move waiting console input into the receive FIFO, as much as it takes. */
static void feed_receiver(void)
{
	unsigned int room = pl011_rx_room(&uart);
	uint8_t buf[PL011_FIFO_DEPTH];
	unsigned int n = 0;

	while (n < room && backlog_count) {
		buf[n++] = backlog[backlog_head];
		backlog_head = (backlog_head + 1) % UART_BACKLOG;
		backlog_count--;
	}
	if (n)
		pl011_receive(&uart, buf, n);
}

/* ---- registers --------------------------------------------------------------- */

static unsigned int reg_offset(uint64_t ipa)
{
	return (unsigned int)(ipa & (PL011_SIZE - 1));
}

static uint64_t uart_mmio_read(uint64_t ipa, unsigned int size)
{
	unsigned int off = reg_offset(ipa);
	uint64_t value;

	if (off & (size - 1))
		return 0;
	if (size == 8)
		value = pl011_read(&uart, off) | (uint64_t)pl011_read(&uart, off + 4) << 32;
	else
		value = pl011_read(&uart, off & ~3u) >> ((off & 3) * 8);
	if (backlog_count)
		feed_receiver();	/* a read of UARTDR, or the receiver enabled, made room */
	update_irq();		/* reading UARTDR can clear RX and RT */
	return value;
}

static void uart_mmio_write(uint64_t ipa, unsigned int size, uint64_t value)
{
	unsigned int off = reg_offset(ipa);

	if (off & (size - 1))
		return;
	if (size == 8) {
		pl011_write(&uart, off, (uint32_t)value);
		pl011_write(&uart, off + 4, (uint32_t)(value >> 32));
	} else if ((off & 3) == 0) {
		pl011_write(&uart, off, (uint32_t)value);
	}
	if (backlog_count)
		feed_receiver();	/* the guest may have just enabled the receiver */
	update_irq();
}

/* ---- input, life cycle ------------------------------------------------------- */

static void uart_input(uint64_t bytes, unsigned int count)
{
	if (count > APP_INPUT_MAX)
		count = APP_INPUT_MAX;
	for (unsigned int i = 0; i < count; i++) {
		if (backlog_count == UART_BACKLOG) {
			backlog_dropped++;
			continue;
		}
		backlog[(backlog_head + backlog_count) % UART_BACKLOG] = (uint8_t)(bytes >> (8 * i));
		backlog_count++;
	}
	feed_receiver();
	update_irq();
}

static int64_t uart_init(uint64_t domain_id)
{
	(void)domain_id;
	pl011_reset(&uart);
	if (app_device.irq)
		app_log("pl011: r1p5 ready, %d-byte FIFO, interrupt %llu", PL011_FIFO_DEPTH,
			(unsigned long long)app_device.irq);
	else
		app_log("pl011: r1p5 ready, %d-byte FIFO, no interrupt granted: polled only",
			PL011_FIFO_DEPTH);
	return 0;
}

/*
 * The hypervisor has already cancelled the timer and lowered the interrupt
 * line. After a fault the app's memory is fresh, so only a domain reset has
 * an unfinished line and statistics worth a word.
 */
static int64_t uart_reset(uint64_t reason, uint64_t domain_id)
{
	(void)domain_id;
	if (line_len)
		flush_line();
	if (reason == APP_RESET_DOMAIN)
		app_log("pl011: reset with the domain: %llu bytes out, %llu in, "
			"%llu lost to overruns, %llu while disabled, %llu beyond the backlog",
			(unsigned long long)uart.tx_bytes, (unsigned long long)uart.rx_bytes,
			(unsigned long long)uart.rx_overruns, (unsigned long long)uart.rx_dropped,
			(unsigned long long)backlog_dropped);
	else
		app_log("pl011: reset after a fault");
	pl011_reset(&uart);
	irq_level = false;
	timer_armed = false;
	backlog_head = backlog_count = 0;
	line_grew = false;
	return 0;
}

const struct app_ops app_ops = {
	.init = uart_init,
	.mmio_read = uart_mmio_read,
	.mmio_write = uart_mmio_write,
	.timer = uart_timer,
	.reset = uart_reset,
	.input = uart_input,
};
