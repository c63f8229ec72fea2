/* PL011 UART: polled transmit and receive, receive interrupt. */
#ifndef DRIVERS_PL011_H
#define DRIVERS_PL011_H

#include "lib/types.h"

void pl011_putc(void *regs, char c);
int pl011_getc(void *regs);			/* -1 when the FIFO is empty */
void pl011_enable_rx_irq(void *regs);
void pl011_clear_irqs(void *regs);

#endif
