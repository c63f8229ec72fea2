/*
 * On-target self tests (bootargs elvisor.test=selftest): check, on the
 * emulated CPU, what host unit tests cannot: that the MMU enforces the
 * tables, that interrupts arrive on every CPU, that locks hold under
 * contention from every CPU.
 */
#ifndef CORE_SELFTEST_H
#define CORE_SELFTEST_H

/* Runs them all; prints a line per test and a summary. Returns failures. */
unsigned selftest_run(void);

/* elvisor.test=crash: take an unexpected data abort at EL2, on purpose. */
void selftest_crash(void) __attribute__((noreturn));

#endif
