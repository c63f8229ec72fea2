/*
 * The PL011 device model of the uart app: registers, receive FIFO and
 * interrupt status, and nothing of the app ABI, so that it can be read (and
 * exercised) on its own. main.c connects it to the app's events. What is
 * emulated and what is not: see pl011.c.
 */
#ifndef UART_PL011_H
#define UART_PL011_H

#include <stdbool.h>
#include <stdint.h>

/* Register offsets (PL011 TRM r1p5, table 3-1). */
#define PL011_DR	0x000
#define PL011_RSR	0x004		/* read: RSR; write: ECR */
#define PL011_FR	0x018
#define PL011_ILPR	0x020
#define PL011_IBRD	0x024
#define PL011_FBRD	0x028
#define PL011_LCR_H	0x02c
#define PL011_CR	0x030
#define PL011_IFLS	0x034
#define PL011_IMSC	0x038
#define PL011_RIS	0x03c
#define PL011_MIS	0x040
#define PL011_ICR	0x044
#define PL011_DMACR	0x048
#define PL011_PERIPHID0	0xfe0		/* ... PERIPHID3 at 0xfec */
#define PL011_PCELLID0	0xff0		/* ... PCELLID3 at 0xffc */
#define PL011_SIZE	0x1000		/* the register block */

/* UARTDR read: error bits above the data byte; UARTRSR: the same, >> 8. */
#define PL011_DR_OE	(1u << 11)
#define PL011_RSR_OE	(1u << 3)

/* UARTFR */
#define PL011_FR_CTS	(1u << 0)
#define PL011_FR_DSR	(1u << 1)
#define PL011_FR_DCD	(1u << 2)
#define PL011_FR_BUSY	(1u << 3)
#define PL011_FR_RXFE	(1u << 4)
#define PL011_FR_TXFF	(1u << 5)
#define PL011_FR_RXFF	(1u << 6)
#define PL011_FR_TXFE	(1u << 7)
#define PL011_FR_RI	(1u << 8)

/* UARTLCR_H */
#define PL011_LCR_H_FEN	(1u << 4)

/* UARTCR */
#define PL011_CR_UARTEN	(1u << 0)
#define PL011_CR_LBE	(1u << 7)
#define PL011_CR_TXE	(1u << 8)
#define PL011_CR_RXE	(1u << 9)

/* Interrupt bits, the same in IMSC, RIS, MIS and ICR. */
#define PL011_INT_RX	(1u << 4)
#define PL011_INT_TX	(1u << 5)
#define PL011_INT_RT	(1u << 6)
#define PL011_INT_OE	(1u << 10)
#define PL011_INT_ALL	0x7ffu

/* The receive FIFO of r1p5 (and so the IDs claim r1p5: see pl011.c). */
#define PL011_FIFO_DEPTH 32

struct pl011 {
	/* Receive FIFO: each entry is the byte and its error bits, as UARTDR reads. */
	uint16_t rx[PL011_FIFO_DEPTH];
	unsigned int rx_head;		/* oldest entry */
	unsigned int rx_count;
	/* Registers, as the guest reads them back. */
	uint32_t rsr, ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, dmacr;
	/* Statistics, for the app's log. */
	uint64_t tx_bytes, rx_bytes, rx_overruns, rx_dropped;
};

/*
 * Provided by the model's user: one byte leaves the transmitter (never
 * called for bytes written in loopback mode, which are received instead).
 */
void pl011_transmit(uint8_t byte);

/* Power-on state (PL011 TRM, reset values). */
void pl011_reset(struct pl011 *u);

/*
 * One 32-bit register access at a 4-byte-aligned offset in [0, PL011_SIZE).
 * Offsets with no register read as zero and ignore writes. A read of UARTDR
 * takes the oldest byte from the receive FIFO.
 */
uint32_t pl011_read(struct pl011 *u, unsigned int offset);
void pl011_write(struct pl011 *u, unsigned int offset, uint32_t value);

/*
 * Bytes arriving on the receive line, then an idle line. Returns how many
 * entered the FIFO; the rest were lost (overrun, or receiver disabled).
 */
unsigned int pl011_receive(struct pl011 *u, const uint8_t *bytes, unsigned int count);

/* How many bytes the receive FIFO takes now without overrun (0: receiver off or full). */
unsigned int pl011_rx_room(const struct pl011 *u);

/* The level of the combined interrupt output UARTINTR. */
bool pl011_irq_level(const struct pl011 *u);

#endif
