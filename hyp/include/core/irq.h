/* Physical interrupts taken at EL2: a handler per INTID. */
#ifndef CORE_IRQ_H
#define CORE_IRQ_H

#include "lib/types.h"

#define IRQ_MAX 1020

typedef void (*irq_handler_fn)(uint32_t intid, void *ctx);

/* PPIs and SGIs: one handler for every CPU's copy of the interrupt. */
int irq_register(uint32_t intid, irq_handler_fn fn, void *ctx);

/* Acknowledge and handle every pending interrupt (called on IRQ entry). */
void irq_handle_pending(void);

#endif
