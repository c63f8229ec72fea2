/*
 * Included first in every hypervisor source file (-include). elvisor is one
 * position-independent executable with nothing to export or preempt:
 * declaring every symbol hidden makes the compiler reach globals and
 * functions PC-relatively instead of through the GOT. That matters before
 * the MMU is on (the GOT then holds virtual addresses that are not mapped
 * yet) and on every fast path after.
 */
#pragma GCC visibility push(hidden)
