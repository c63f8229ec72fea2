/* Basic types shared by all of elvisor's portable code. */
#ifndef LIB_TYPES_H
#define LIB_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t;	/* a physical address */
typedef uint64_t vaddr_t;	/* a hypervisor virtual address */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define PAGE_SHIFT 12
#define PAGE_SIZE (1UL << PAGE_SHIFT)

#define __unused __attribute__((unused))
#define __noreturn __attribute__((noreturn))
#define __printf(f, a) __attribute__((format(printf, f, a)))
/*
 * For the few hot-path functions (the app round trip) whose only arrays are
 * fixed-size argument blocks indexed by constants: -fstack-protector-strong
 * would add a canary load and check to every guest trap into an app.
 */
#define __no_canary __attribute__((no_stack_protector))
#define __aligned(n) __attribute__((aligned(n)))
#define __section(s) __attribute__((section(s)))

#endif
