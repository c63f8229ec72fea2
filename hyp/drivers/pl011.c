/* PL011 UART (Arm PrimeCell UART, DDI 0183). Firmware or QEMU set the baud. */
#include "drivers/pl011.h"

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTIMSC 0x38
#define UARTICR 0x44
#define FR_RXFE (1u << 4)
#define FR_TXFF (1u << 5)
#define INT_RX (1u << 4)
#define INT_RT (1u << 6)

static volatile uint32_t *reg(void *regs, unsigned off)
{
	return (volatile uint32_t *)((uintptr_t)regs + off);
}

void pl011_putc(void *regs, char c)
{
	while (*reg(regs, UARTFR) & FR_TXFF)
		;
	*reg(regs, UARTDR) = (uint8_t)c;
}

int pl011_getc(void *regs)
{
	if (*reg(regs, UARTFR) & FR_RXFE)
		return -1;
	return (int)(*reg(regs, UARTDR) & 0xff);
}

void pl011_enable_rx_irq(void *regs)
{
	*reg(regs, UARTIMSC) |= INT_RX | INT_RT;
}

void pl011_clear_irqs(void *regs)
{
	*reg(regs, UARTICR) = 0x7ff;
}
