/*
 * uart-console: a PL011 served by an EL0 app. The manifest
 * (configs/tests/uart.dts) gives this domain the uart app (apps/uart) at
 * IPA 0x09000000 with SPI 33. Everything here goes through the device's
 * registers, as a driver would; the register layout is the PL011 TRM's
 * (r1p5), written out below independently of the app's own header.
 *
 *  1. identification: PeriphID0-3 and PCellID0-3 (32- and 16-bit reads),
 *     assembled as Linux's amba bus does;
 *  2. power-on state: CR, IFLS, IMSC, RIS, LCR_H, baud divisors, FR flags;
 *  3. programming: baud divisors, LCR_H, CR, ILPR, IFLS, IMSC and DMACR read
 *     back masked to their widths, also through 16-bit accesses;
 *  4. output: lines through UARTDR polling FR.TXFF (32-, 16- and 8-bit
 *     stores), a CRLF line, a line longer than the app's line buffer, a
 *     backspace, a partial line followed by a pause (the app logs it when
 *     idle); the scenario checks what reaches the console. TXFE stays set,
 *     TXFF and BUSY clear;
 *  5. receive FIFO, in loopback (CR.LBE): RXFE/RXFF, the RX trigger level,
 *     the receive timeout, overrun (OE in the newest entry, RSR, RIS; ECR),
 *     the 1-entry holding register with FIFOs off, the FIFO emptied by an
 *     FEN change, bytes lost while the receiver is off; looped bytes are
 *     never printed;
 *  6. interrupt status: RIS independent of IMSC, MIS = RIS & IMSC, ICR
 *     clears exactly the bits written;
 *  7. the interrupt line through the GIC: with IRQs masked at the CPU, SPI
 *     33 is pending exactly while MIS != 0 (TX, RT, RX, OE sources, cleared
 *     by ICR, by reading, by masking); with IRQs unmasked, each raised
 *     source is taken once, with MIS naming it, and nothing is taken after
 *     the source was cleared.
 */
#include "guest.h"
#include "lib/format.h"
#include "mmio.h"

#define UART_BASE 0x09000000UL
#define UART_INTID 33

/* Registers (PL011 TRM r1p5, table 3-1). */
#define DR 0x000
#define RSR_ECR 0x004
#define FR 0x018
#define ILPR 0x020
#define IBRD 0x024
#define FBRD 0x028
#define LCR_H 0x02c
#define CR 0x030
#define IFLS 0x034
#define IMSC 0x038
#define RIS 0x03c
#define MIS 0x040
#define ICR 0x044
#define DMACR 0x048
#define PERIPHID0 0xfe0
#define PCELLID0 0xff0

#define DR_OE (1u << 11)
#define RSR_OE (1u << 3)

#define FR_CTS (1u << 0)
#define FR_DSR (1u << 1)
#define FR_DCD (1u << 2)
#define FR_BUSY (1u << 3)
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define FR_RXFF (1u << 6)
#define FR_TXFE (1u << 7)
#define FR_RI (1u << 8)

#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN8 (3u << 5)

#define CR_UARTEN (1u << 0)
#define CR_LBE (1u << 7)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

#define INT_RX (1u << 4)
#define INT_TX (1u << 5)
#define INT_RT (1u << 6)
#define INT_OE (1u << 10)
#define INT_ALL 0x7ffu

#define IFLS_RX_1_8 (0u << 3)
#define IFLS_RX_1_2 (2u << 3)
#define IFLS_TX_1_2 (2u << 0)

#define FIFO_DEPTH 32		/* r1p5 */
#define APP_LINE_MAX 160	/* the app logs a line when this many bytes wait */

static uint32_t rd(unsigned off)
{
	return mmio_read32(UART_BASE + off);
}

static void wr(unsigned off, uint32_t v)
{
	mmio_write32(UART_BASE + off, v);
}

/* ---- output through UARTDR ---- */

enum width { W8, W16, W32 };

/* Wait (bounded) for room in the TX FIFO, then store one byte. */
static void uart_putc(char c, enum width w)
{
	unsigned spins = 0;

	while (rd(FR) & FR_TXFF)
		if (++spins == 1000000)
			test_fatal("FR.TXFF stuck at 1");
	if (w == W8)
		mmio_write8(UART_BASE + DR, (uint8_t)c);
	else if (w == W16)
		mmio_write16(UART_BASE + DR, (uint8_t)c);
	else
		wr(DR, (uint8_t)c);
}

static void uart_puts(const char *s, enum width w)
{
	while (*s)
		uart_putc(*s++, w);
}

static void uart_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void uart_printf(const char *fmt, ...)
{
	char buf[200];
	va_list ap;

	va_start(ap, fmt);
	vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	uart_puts(buf, W32);
}

/* ---- 1. identification ---- */

static void check_ids(void)
{
	static const uint8_t ids[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	uint32_t periphid = 0, cellid = 0;

	for (unsigned i = 0; i < 8; i++) {
		uint32_t v = rd(PERIPHID0 + 4 * i);

		CHECK(v == ids[i], "ID register %#x = %#x, expected %#x", PERIPHID0 + 4 * i, v,
		      ids[i]);
		v = (uint32_t)mmio_read16(UART_BASE + PERIPHID0 + 4 * i);
		CHECK(v == ids[i], "ID register %#x, 16-bit read = %#x", PERIPHID0 + 4 * i, v);
	}
	/* As Linux's amba bus: the low byte of each, little-endian. */
	for (unsigned i = 0; i < 4; i++) {
		periphid |= (rd(PERIPHID0 + 4 * i) & 0xff) << (8 * i);
		cellid |= (rd(PCELLID0 + 4 * i) & 0xff) << (8 * i);
	}
	CHECK((periphid & 0x000fffff) == 0x00041011, "periphid %#x is not an Arm PL011", periphid);
	CHECK((periphid >> 20 & 0xf) == 3, "revision %u, expected 3 (r1p5, 32-byte FIFOs)",
	      periphid >> 20 & 0xf);
	CHECK(cellid == 0xb105f00d, "PrimeCell id %#x", cellid);
}

/* ---- 2. power-on state ---- */

static void check_reset_state(void)
{
	uint32_t fr = rd(FR);

	CHECK(rd(CR) == (CR_TXE | CR_RXE), "CR at reset %#x, expected 0x300", rd(CR));
	CHECK(rd(IFLS) == 0x12, "IFLS at reset %#x, expected 0x12", rd(IFLS));
	CHECK(rd(IMSC) == 0, "IMSC at reset %#x", rd(IMSC));
	CHECK(rd(RIS) == 0, "RIS at reset %#x", rd(RIS));
	CHECK(rd(MIS) == 0, "MIS at reset %#x", rd(MIS));
	CHECK(rd(LCR_H) == 0 && rd(IBRD) == 0 && rd(FBRD) == 0,
	      "LCR_H/IBRD/FBRD at reset %#x/%#x/%#x", rd(LCR_H), rd(IBRD), rd(FBRD));
	CHECK(rd(RSR_ECR) == 0, "RSR at reset %#x", rd(RSR_ECR));
	CHECK(fr == (FR_TXFE | FR_RXFE | FR_CTS | FR_DSR | FR_DCD),
	      "FR at reset %#x: expected TXFE, RXFE and CTS/DSR/DCD (0x97)", fr);
	CHECK(rd(DR) == 0, "DR read with an empty FIFO: %#x", rd(DR));
}

/* ---- 3. programming ---- */

static void check_width(unsigned off, uint32_t mask, const char *name)
{
	uint32_t old = rd(off), v;

	wr(off, 0xffffffff);
	v = rd(off);
	CHECK(v == mask, "%s after writing all ones: %#x, expected %#x", name, v, mask);
	wr(off, old);
	CHECK(rd(off) == old, "%s not restored: %#x, expected %#x", name, rd(off), old);
}

static void program_uart(void)
{
	wr(CR, 0);			/* disable while changing the line settings */
	/* 115200 baud from a 24 MHz clock: 13 + 1/64 (Linux writes FBRD first). */
	wr(FBRD, 1);
	wr(IBRD, 13);
	wr(LCR_H, LCR_H_WLEN8 | LCR_H_FEN);
	CHECK(rd(IBRD) == 13 && rd(FBRD) == 1, "IBRD/FBRD read back %u/%u", rd(IBRD), rd(FBRD));
	CHECK(rd(LCR_H) == (LCR_H_WLEN8 | LCR_H_FEN), "LCR_H read back %#x", rd(LCR_H));

	check_width(IBRD, 0xffff, "IBRD");
	check_width(FBRD, 0x3f, "FBRD");
	check_width(ILPR, 0xff, "ILPR");
	check_width(IFLS, 0x3f, "IFLS");
	check_width(IMSC, INT_ALL, "IMSC");
	check_width(DMACR, 0x7, "DMACR");
	check_width(CR, 0xff87, "CR");	/* bits 6:3 reserved */
	CHECK(rd(FR) == (FR_TXFE | FR_RXFE | FR_CTS | FR_DSR | FR_DCD),
	      "FR %#x after programming", rd(FR));
	wr(RIS, INT_ALL);		/* read-only */
	wr(FR, 0);
	CHECK(rd(RIS) == 0, "RIS is writable: %#x", rd(RIS));

	/* Linux's driver uses 16-bit accesses. */
	mmio_write16(UART_BASE + IBRD, 0x1234);
	CHECK(mmio_read16(UART_BASE + IBRD) == 0x1234, "16-bit IBRD read back %#lx",
	      mmio_read16(UART_BASE + IBRD));
	mmio_write16(UART_BASE + IBRD, 13);

	wr(IFLS, IFLS_RX_1_2 | IFLS_TX_1_2);
	wr(CR, CR_UARTEN | CR_TXE | CR_RXE);
	CHECK(rd(CR) == (CR_UARTEN | CR_TXE | CR_RXE), "CR read back %#x", rd(CR));
}

/* ---- 4. output ---- */

static void check_tx_flags(const char *when)
{
	uint32_t fr = rd(FR);

	CHECK((fr & (FR_TXFE | FR_TXFF | FR_BUSY)) == FR_TXFE,
	      "FR %#x %s: expected TXFE, no TXFF, no BUSY", fr, when);
}

static void print_lines(void)
{
	char long_line[APP_LINE_MAX + 41];

	uart_puts("hello from the PL011\n", W32);
	check_tx_flags("after a line");
	CHECK(rd(RIS) & INT_TX, "RIS %#x: no TX interrupt status after writes", rd(RIS));
	uart_puts("line 2: 8-bit stores to UARTDR\n", W8);
	uart_puts("line 3: 16-bit stores, CRLF\r\n", W16);
	uart_printf("line 4: formatted, %d + %d = %d\n", 2, 3, 2 + 3);
	/* 200 characters: the app logs 160, then the 40 after them. */
	for (unsigned i = 0; i < sizeof(long_line) - 1; i++)
		long_line[i] = (char)('0' + i % 10);
	long_line[sizeof(long_line) - 1] = '\0';
	uart_puts(long_line, W32);
	uart_puts("\n", W32);
	uart_puts("backspace: typo\b\b\bext fixed\n", W32);
	/* A partial line, then silence: the app logs it by itself. */
	uart_puts("partial line, then a pause", W32);
	mdelay(600);
	uart_puts("continued after the pause\n", W32);
	check_tx_flags("after all lines");
}

/* ---- 5. receive FIFO, in loopback ---- */

static void loopback(bool on)
{
	uint32_t cr = CR_UARTEN | CR_TXE | CR_RXE;

	wr(CR, on ? cr | CR_LBE : cr);
}

/* Read and discard whatever the FIFO holds (bounded). */
static unsigned drain(void)
{
	unsigned n = 0;

	while (!(rd(FR) & FR_RXFE) && n < 2 * FIFO_DEPTH) {
		rd(DR);
		n++;
	}
	return n;
}

static void check_fifo_basics(void)
{
	uint32_t v;

	CHECK(rd(FR) & FR_RXFE, "FR %#x: RX FIFO not empty before loopback", rd(FR));
	wr(DR, 'L');
	CHECK(!(rd(FR) & FR_RXFE), "FR %#x: a looped byte did not arrive", rd(FR));
	CHECK(rd(RIS) & INT_RT, "RIS %#x: no receive timeout with data waiting", rd(RIS));
	v = rd(DR);
	CHECK(v == 'L', "DR read %#x, expected 'L' without error bits", v);
	CHECK(rd(FR) & FR_RXFE, "FR %#x: FIFO not empty after reading it", rd(FR));
	CHECK(!(rd(RIS) & INT_RT), "RIS %#x: timeout not cleared by emptying the FIFO", rd(RIS));
	/* 16-bit reads, as Linux does. */
	wr(DR, 'M');
	v = (uint32_t)mmio_read16(UART_BASE + DR);
	CHECK(v == 'M', "16-bit DR read %#x, expected 'M'", v);
	/* Never printed: the scenario forbids this text. */
	uart_puts("looped, must not be printed\n", W32);
	CHECK(drain() == 28, "the looped line did not arrive whole");
}

static void check_trigger_level(void)
{
	wr(IFLS, IFLS_RX_1_8 | IFLS_TX_1_2);	/* RX at 4 of 32 */
	wr(ICR, INT_ALL);
	for (unsigned i = 0; i < 3; i++)
		wr(DR, 'a' + i);
	CHECK(!(rd(RIS) & INT_RX), "RIS %#x: RX status below the trigger level (3 of 4)", rd(RIS));
	wr(DR, 'd');
	CHECK(rd(RIS) & INT_RX, "RIS %#x: no RX status at the trigger level (4)", rd(RIS));
	CHECK(rd(DR) == 'a', "FIFO order");
	CHECK(!(rd(RIS) & INT_RX), "RIS %#x: RX status not cleared below the level", rd(RIS));
	CHECK(rd(RIS) & INT_RT, "RIS %#x: timeout cleared with data still waiting", rd(RIS));
	CHECK(drain() == 3, "FIFO did not hold 3 bytes");
	CHECK(!(rd(RIS) & (INT_RX | INT_RT)), "RIS %#x after draining", rd(RIS));
	wr(IFLS, IFLS_RX_1_2 | IFLS_TX_1_2);
}

static void check_overrun(void)
{
	uint32_t v;

	wr(ICR, INT_ALL);
	for (unsigned i = 0; i < FIFO_DEPTH; i++) {
		CHECK(!(rd(FR) & FR_RXFF), "FR %#x: RXFF with %u of %u", rd(FR), i, FIFO_DEPTH);
		wr(DR, 'A' + i % 26);
	}
	CHECK(rd(FR) & FR_RXFF, "FR %#x: RXFF clear with the FIFO full", rd(FR));
	CHECK(!(rd(RIS) & INT_OE) && rd(RSR_ECR) == 0, "overrun before the FIFO overflowed");
	wr(DR, '!');				/* lost */
	CHECK(rd(RIS) & INT_OE, "RIS %#x: no overrun status", rd(RIS));
	CHECK(rd(RSR_ECR) == RSR_OE, "RSR %#x, expected OE", rd(RSR_ECR));
	for (unsigned i = 0; i < FIFO_DEPTH; i++) {
		uint32_t want = ('A' + i % 26) | (i == FIFO_DEPTH - 1 ? DR_OE : 0);

		v = rd(DR);
		CHECK(v == want, "FIFO entry %u = %#x, expected %#x", i, v, want);
	}
	CHECK(rd(FR) & FR_RXFE, "FR %#x: the lost byte arrived after all", rd(FR));
	wr(RSR_ECR, 0);
	CHECK(rd(RSR_ECR) == 0, "RSR %#x after a write to ECR", rd(RSR_ECR));
	wr(ICR, INT_OE);
	CHECK(!(rd(RIS) & INT_OE), "RIS %#x: OE not cleared by ICR", rd(RIS));
}

static void check_fifo_off(void)
{
	uint32_t v;

	wr(LCR_H, LCR_H_WLEN8);		/* FIFOs off: a 1-byte holding register */
	wr(ICR, INT_ALL);
	wr(DR, 'x');
	CHECK(rd(FR) & FR_RXFF, "FR %#x: holding register not full after 1 byte", rd(FR));
	CHECK(rd(RIS) & INT_RX, "RIS %#x: no RX status with FIFOs off", rd(RIS));
	wr(DR, 'y');				/* lost */
	v = rd(DR);
	CHECK(v == ('x' | DR_OE), "holding register read %#x, expected 'x' with OE", v);
	CHECK(rd(FR) & FR_RXFE, "FR %#x: more than one byte held with FIFOs off", rd(FR));
	CHECK(!(rd(RIS) & INT_RX), "RIS %#x: RX status not cleared by the read", rd(RIS));
	wr(RSR_ECR, 0);

	wr(LCR_H, LCR_H_WLEN8 | LCR_H_FEN);
	for (unsigned i = 0; i < 5; i++)
		wr(DR, '0' + i);
	wr(LCR_H, LCR_H_WLEN8);
	CHECK(rd(FR) & FR_RXFE, "FR %#x: FIFO kept its bytes across an FEN change", rd(FR));
	wr(LCR_H, LCR_H_WLEN8 | LCR_H_FEN);
	wr(ICR, INT_ALL);
}

static void check_receiver_off(void)
{
	wr(CR, CR_UARTEN | CR_TXE | CR_LBE);	/* RXE clear */
	wr(DR, 'z');
	CHECK(rd(FR) & FR_RXFE, "FR %#x: a byte was received with RXE clear", rd(FR));
	wr(CR, CR_TXE | CR_RXE | CR_LBE);	/* UARTEN clear */
	wr(DR, 'z');
	CHECK(rd(FR) & FR_RXFE, "FR %#x: a byte was received with UARTEN clear", rd(FR));
	loopback(true);
	wr(ICR, INT_ALL);
}

/* ---- 6. interrupt status ---- */

static void check_status_registers(void)
{
	wr(ICR, INT_ALL);
	CHECK(rd(RIS) == 0, "RIS %#x after clearing all", rd(RIS));
	wr(IMSC, 0);
	wr(DR, 'i');				/* looped: TX and RT */
	CHECK(rd(RIS) == (INT_TX | INT_RT), "RIS %#x, expected TX and RT", rd(RIS));
	CHECK(rd(MIS) == 0, "MIS %#x with IMSC 0", rd(MIS));
	wr(IMSC, INT_RT | INT_OE);
	CHECK(rd(MIS) == INT_RT, "MIS %#x with IMSC RT|OE, expected RT", rd(MIS));
	wr(IMSC, INT_ALL);
	CHECK(rd(MIS) == (INT_TX | INT_RT), "MIS %#x with IMSC all", rd(MIS));
	wr(ICR, INT_TX);
	CHECK(rd(RIS) == INT_RT, "RIS %#x after ICR TX: RT must stay", rd(RIS));
	wr(ICR, INT_RT);
	CHECK(rd(RIS) == 0, "RIS %#x after ICR RT", rd(RIS));
	CHECK(rd(DR) == 'i', "looped byte lost");
	wr(IMSC, 0);
}

/* ---- 7. the interrupt line through the GIC ---- */

static volatile unsigned irq_count;
static volatile uint32_t irq_mis, irq_empty;

/* Record what interrupted, then lower the line by masking everything. */
static void uart_irq(unsigned intid)
{
	uint32_t mis = rd(MIS);

	(void)intid;
	irq_mis = mis;
	if (mis == 0)
		irq_empty++;		/* taken with nothing pending */
	irq_count++;
	wr(IMSC, 0);
}

static bool line_pending(void)
{
	return gic_irq_pending(UART_INTID);
}

/* With IRQs masked at the CPU: the SPI follows MIS != 0. */
static void check_line_masked(void)
{
	wr(IMSC, 0);
	wr(ICR, INT_ALL);
	CHECK(!line_pending(), "SPI %u pending with nothing raised", UART_INTID);
	wr(DR, 'p');				/* looped: TX and RT in RIS */
	CHECK(!line_pending(), "SPI %u pending with IMSC 0", UART_INTID);
	wr(IMSC, INT_TX);
	CHECK(line_pending(), "SPI %u not pending with TXIM unmasked", UART_INTID);
	wr(ICR, INT_TX);
	CHECK(!line_pending(), "SPI %u still pending after ICR cleared TX", UART_INTID);
	wr(IMSC, INT_RT);
	CHECK(line_pending(), "SPI %u not pending with RTIM unmasked", UART_INTID);
	rd(DR);					/* emptying the FIFO ends the timeout */
	CHECK(!line_pending(), "SPI %u still pending after the FIFO was read empty",
	      UART_INTID);
	wr(DR, 'q');
	CHECK(line_pending(), "SPI %u not pending for a second timeout", UART_INTID);
	wr(IMSC, 0);
	CHECK(!line_pending(), "SPI %u still pending after masking IMSC", UART_INTID);
	drain();
	wr(ICR, INT_ALL);
}

static bool irq_seen(void *arg)
{
	return irq_count >= *(unsigned *)arg;
}

/* Unmask `source`, raise it with `raise`, expect exactly one interrupt naming it. */
static void expect_irq(uint32_t source, void (*raise)(void), const char *what)
{
	unsigned want = irq_count + 1;

	wr(ICR, INT_ALL);
	wr(IMSC, source);
	irq_enable();
	raise();
	CHECK(wait_until(irq_seen, &want, 100000), "no interrupt for %s", what);
	udelay(2000);				/* and not a second one */
	irq_disable();
	CHECK(irq_count == want, "%s: %u interrupts, expected 1", what, irq_count - want + 1);
	CHECK(irq_mis == source, "%s: MIS %#x in the handler, expected %#x", what, irq_mis,
	      source);
	CHECK(rd(RIS) & source, "%s: RIS %#x lost the source (masking must not clear it)", what,
	      rd(RIS));
	CHECK(!line_pending(), "%s: SPI %u pending after the handler masked IMSC", what,
	      UART_INTID);
	drain();
	wr(ICR, INT_ALL);
}

static void raise_tx(void)
{
	wr(DR, 't');
}

static void raise_rx(void)
{
	for (unsigned i = 0; i < FIFO_DEPTH / 2; i++)	/* the 1/2 trigger level */
		wr(DR, 'r');
}

static void raise_oe(void)
{
	for (unsigned i = 0; i <= FIFO_DEPTH; i++)
		wr(DR, 'o');
}

/* A source raised and cleared while IRQs are masked must not be taken later. */
static void check_cleared_not_taken(void)
{
	unsigned before = irq_count;

	wr(ICR, INT_ALL);
	wr(IMSC, INT_TX);
	wr(DR, 'c');
	CHECK(line_pending(), "SPI %u not pending", UART_INTID);
	wr(ICR, INT_TX);
	irq_enable();
	udelay(5000);
	irq_disable();
	CHECK(irq_count == before, "an interrupt was taken after ICR had cleared its source");
	wr(IMSC, 0);
	drain();
}

static void check_interrupts(void)
{
	if (!CHECK(gic_init(), "GIC setup failed"))
		return;
	irq_set_handler(UART_INTID, uart_irq);
	gic_enable_irq(UART_INTID);
	irq_disable();
	check_line_masked();
	expect_irq(INT_TX, raise_tx, "TX");
	expect_irq(INT_RX, raise_rx, "RX trigger level");
	expect_irq(INT_OE, raise_oe, "overrun");
	check_cleared_not_taken();
	CHECK(irq_empty == 0, "%u interrupts taken with MIS 0", irq_empty);
}

void guest_main(void)
{
	test_init("uart-console");
	check_ids();
	check_reset_state();
	program_uart();
	print_lines();

	loopback(true);
	check_fifo_basics();
	check_trigger_level();
	check_overrun();
	check_fifo_off();
	check_receiver_off();
	check_status_registers();
	check_interrupts();
	loopback(false);

	CHECK(rd(FR) & FR_RXFE, "FR %#x: bytes left in the FIFO", rd(FR));
	uart_printf("uart-console: %u interrupts taken, all checks done\n", irq_count);
	test_done();
}
