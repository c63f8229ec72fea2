/*
 * An Arm PrimeCell UART (PL011, r1p5) as a guest sees it: enough of the
 * device for Linux's unmodified amba-pl011 driver (probe by the PrimeCell
 * IDs, 16- or 32-bit register accesses, interrupt-driven receive, polled or
 * interrupt-driven transmit) and for simple polled consoles.
 *
 * Emulated:
 * - UARTDR: a write transmits the byte at once (pl011_transmit, or the
 *   receive FIFO in loopback mode); a read takes the oldest receive FIFO
 *   entry: the byte in bits 7:0 and its error bits 11:8 (only OE can occur),
 *   0 when the FIFO is empty.
 * - The receive FIFO: 32 entries with LCR_H.FEN = 1, a 1-entry holding
 *   register with FEN = 0; changing FEN empties it. A byte that finds it
 *   full is lost: OE is set in the newest entry (the last byte before the
 *   gap, as the hardware does), in UARTRSR and in RIS. Bytes arriving while
 *   CR.UARTEN or CR.RXE is clear are lost (counted, no error).
 * - The transmitter drains instantly: UARTFR has TXFE = 1, TXFF = 0 and
 *   BUSY = 0, always; RXFE and RXFF follow the receive FIFO.
 * - UARTRSR/UARTECR (OE; a write clears it), UARTILPR, UARTIBRD, UARTFBRD,
 *   UARTLCR_H, UARTCR, UARTIFLS, UARTDMACR: stored with their widths and
 *   read back; they change nothing else (no baud rate, framing, IrDA or
 *   DMA: DMACR is accepted and ignored, so a driver falls back to PIO).
 * - Interrupts: RIS, IMSC, MIS = RIS & IMSC, ICR (write 1 to clear), and the
 *   combined output UARTINTR = (MIS != 0), which the app drives as a level
 *   interrupt. Their sources, as the TRM defines them where the model has
 *   the same events:
 *   RXRIS is set when the receive FIFO fills up to the IFLS trigger level
 *   (1/8, 1/4, 1/2, 3/4 or 7/8 of 32; one entry with FIFOs off) and cleared
 *   when reads take it below that level, or by ICR. (The edge is what Linux
 *   expects: it drains the FIFO before unmasking.)
 *   RTRIS, the receive timeout, is set when the line goes idle with data in
 *   the FIFO. The model's line goes idle at the end of every burst of input
 *   (one console input event, one loopback byte) instead of 32 bit periods
 *   later; it is cleared when reads empty the FIFO, or by ICR.
 *   TXRIS is set by every write to UARTDR: the byte is gone at once, so the
 *   FIFO has just dropped to (or below) its trigger level. Cleared by ICR
 *   only (no write can fill the FIFO above the trigger), as in QEMU's PL011;
 *   it is not set at reset, also as on the hardware (no level crossing yet).
 *   OERIS as above. The modem status interrupts and FE/PE/BE never occur.
 * - Identification: UARTPeriphID0-3 = 0x11 0x10 0x34 0x00 (part 0x011,
 *   designer 0x41 Arm, revision 3 = r1p5) and UARTPCellID0-3 = 0x0d 0xf0 0x05
 *   0xb1. QEMU's PL011 reports revision 1 (0x14) with its 16-entry FIFO; Linux
 *   sizes its FIFO use from this field (revision < 3: 16, else 32), so the
 *   IDs must match the FIFO depth emulated here.
 * - Modem lines: CTS, DSR and DCD read as asserted (a connected, always
 *   ready peer: a driver waiting for carrier or clear-to-send proceeds), RI as
 *   not. The CR modem outputs (DTR, RTS, Out1, Out2) and flow-control
 *   enables are stored only. Loopback routes data, not the modem lines.
 *
 * Not emulated, deliberately: framing, parity and break (LCR_H.BRK sends
 * nothing; FE/PE/BE are never reported), IrDA, DMA, the test registers
 * (0x080-0x08c read as zero), transmit flow control. The transmitter works
 * whether or not CR.UARTEN and CR.TXE are set, like QEMU's PL011: early
 * consoles and boot code write UARTDR without programming the UART and must
 * still be heard.
 */
#include "pl011.h"

#include "app.h"		/* memset (libapp) */

static const uint8_t pl011_ids[8] = { 0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

/* Eighths of the FIFO for IFLS.RXIFLSEL 0..4; reserved values act as 1/2. */
static const uint8_t rx_trigger_eighths[8] = { 1, 2, 4, 6, 7, 4, 4, 4 };

#define IFLS_RESET	0x12		/* both trigger levels at 1/2 */
#define IFLS_RX_SHIFT	3
#define IFLS_RX_MASK	7u

/* Register widths: the bits a write can set. */
#define ILPR_MASK	0xffu
#define IBRD_MASK	0xffffu
#define FBRD_MASK	0x3fu
#define LCR_H_MASK	0xffu
#define CR_MASK		0xff87u		/* bits 6:3 are reserved */
#define IFLS_MASK	0x3fu
#define DMACR_MASK	0x7u

static unsigned int fifo_depth(const struct pl011 *u)
{
	return u->lcr_h & PL011_LCR_H_FEN ? PL011_FIFO_DEPTH : 1;
}

static unsigned int rx_trigger(const struct pl011 *u)
{
	unsigned int sel = (u->ifls >> IFLS_RX_SHIFT) & IFLS_RX_MASK;

	if (!(u->lcr_h & PL011_LCR_H_FEN))
		return 1;
	return PL011_FIFO_DEPTH * rx_trigger_eighths[sel] / 8;
}

static bool receiver_enabled(const struct pl011 *u)
{
	return (u->cr & (PL011_CR_UARTEN | PL011_CR_RXE)) ==
	       (PL011_CR_UARTEN | PL011_CR_RXE);
}

void pl011_reset(struct pl011 *u)
{
	memset(u, 0, sizeof(*u));
	u->cr = PL011_CR_TXE | PL011_CR_RXE;
	u->ifls = IFLS_RESET;
}

static void rx_flush(struct pl011 *u)
{
	u->rx_head = 0;
	u->rx_count = 0;
	u->ris &= ~(PL011_INT_RX | PL011_INT_RT);
}

/* One byte into the receive FIFO; false if it was lost to an overrun. */
static bool rx_push(struct pl011 *u, uint8_t byte)
{
	unsigned int newest;

	if (u->rx_count >= fifo_depth(u)) {
		newest = (u->rx_head + u->rx_count - 1) % PL011_FIFO_DEPTH;
		u->rx[newest] |= PL011_DR_OE;
		u->rsr |= PL011_RSR_OE;
		u->ris |= PL011_INT_OE;
		u->rx_overruns++;
		return false;
	}
	u->rx[(u->rx_head + u->rx_count) % PL011_FIFO_DEPTH] = byte;
	u->rx_count++;
	u->rx_bytes++;
	if (u->rx_count == rx_trigger(u))
		u->ris |= PL011_INT_RX;
	return true;
}

/* UARTDR read: the oldest entry, and the interrupts reading can clear. */
static uint32_t rx_pop(struct pl011 *u)
{
	uint32_t entry;

	if (u->rx_count == 0)
		return 0;
	entry = u->rx[u->rx_head];
	u->rx_head = (u->rx_head + 1) % PL011_FIFO_DEPTH;
	u->rx_count--;
	if (u->rx_count < rx_trigger(u))
		u->ris &= ~PL011_INT_RX;
	if (u->rx_count == 0)
		u->ris &= ~PL011_INT_RT;
	return entry;
}

unsigned int pl011_receive(struct pl011 *u, const uint8_t *bytes, unsigned int count)
{
	unsigned int accepted = 0;

	if (!receiver_enabled(u)) {
		u->rx_dropped += count;
		return 0;
	}
	for (unsigned int i = 0; i < count; i++)
		accepted += rx_push(u, bytes[i]);
	if (u->rx_count)
		u->ris |= PL011_INT_RT;	/* the line is idle now */
	return accepted;
}

unsigned int pl011_rx_room(const struct pl011 *u)
{
	if (!receiver_enabled(u) || u->rx_count >= fifo_depth(u))
		return 0;
	return fifo_depth(u) - u->rx_count;
}

static uint32_t read_flags(const struct pl011 *u)
{
	uint32_t fr = PL011_FR_TXFE | PL011_FR_CTS | PL011_FR_DSR | PL011_FR_DCD;

	if (u->rx_count == 0)
		fr |= PL011_FR_RXFE;
	if (u->rx_count >= fifo_depth(u))
		fr |= PL011_FR_RXFF;
	return fr;
}

uint32_t pl011_read(struct pl011 *u, unsigned int offset)
{
	switch (offset) {
	case PL011_DR:
		return rx_pop(u);
	case PL011_RSR:
		return u->rsr;
	case PL011_FR:
		return read_flags(u);
	case PL011_ILPR:
		return u->ilpr;
	case PL011_IBRD:
		return u->ibrd;
	case PL011_FBRD:
		return u->fbrd;
	case PL011_LCR_H:
		return u->lcr_h;
	case PL011_CR:
		return u->cr;
	case PL011_IFLS:
		return u->ifls;
	case PL011_IMSC:
		return u->imsc;
	case PL011_RIS:
		return u->ris;
	case PL011_MIS:
		return u->ris & u->imsc;
	case PL011_DMACR:
		return u->dmacr;
	default:
		if (offset >= PL011_PERIPHID0 && offset < PL011_SIZE)
			return pl011_ids[(offset - PL011_PERIPHID0) / 4];
		return 0;	/* ICR (write-only), reserved and test registers */
	}
}

/* UARTDR write: out of the transmitter at once, or back in when looped. */
static void tx_byte(struct pl011 *u, uint8_t byte)
{
	if (u->cr & PL011_CR_LBE) {
		pl011_receive(u, &byte, 1);
	} else {
		u->tx_bytes++;
		pl011_transmit(byte);
	}
	u->ris |= PL011_INT_TX;
}

static void write_lcr_h(struct pl011 *u, uint32_t value)
{
	value &= LCR_H_MASK;
	/* The FIFO changes depth: start it empty rather than guess (QEMU does too). */
	if ((u->lcr_h ^ value) & PL011_LCR_H_FEN)
		rx_flush(u);
	u->lcr_h = value;
}

void pl011_write(struct pl011 *u, unsigned int offset, uint32_t value)
{
	switch (offset) {
	case PL011_DR:
		tx_byte(u, (uint8_t)value);
		break;
	case PL011_RSR:			/* UARTECR: any write clears the errors */
		u->rsr = 0;
		break;
	case PL011_ILPR:
		u->ilpr = value & ILPR_MASK;
		break;
	case PL011_IBRD:
		u->ibrd = value & IBRD_MASK;
		break;
	case PL011_FBRD:
		u->fbrd = value & FBRD_MASK;
		break;
	case PL011_LCR_H:
		write_lcr_h(u, value);
		break;
	case PL011_CR:
		u->cr = value & CR_MASK;
		break;
	case PL011_IFLS:
		u->ifls = value & IFLS_MASK;
		break;
	case PL011_IMSC:
		u->imsc = value & PL011_INT_ALL;
		break;
	case PL011_ICR:
		u->ris &= ~value;
		break;
	case PL011_DMACR:
		u->dmacr = value & DMACR_MASK;
		break;
	default:
		break;		/* FR, RIS, MIS, IDs: read-only; the rest: nothing there */
	}
}

bool pl011_irq_level(const struct pl011 *u)
{
	return (u->ris & u->imsc) != 0;
}
