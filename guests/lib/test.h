/*
 * The guest test API.
 *
 *   test_init("timer");          // prints "TEST START timer"
 *   CHECK(n == 3, "n is %d", n);  // on failure: "[guest] FAIL file.c:12: n is 1 (vCPU 0)"
 *   return test_done();          // "TEST PASS timer" or "TEST FAIL timer (...)",
 *                                // and ELVISOR_HVC_TEST_RESULT
 *
 * Keep messages short: the hypervisor splits console lines longer than about
 * 160 characters. CHECK works on every vCPU (failures are counted per vCPU and summed by
 * test_done(), which vCPU 0 calls once the others are finished). A check
 * that cannot continue uses test_fatal(): it reports the failure at once
 * and stops the calling vCPU.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdbool.h>

void test_init(const char *name);
const char *test_name(void);

#define CHECK(cond, ...) \
	((cond) ? true : (check_failed(__FILE__, __LINE__, __VA_ARGS__), false))

void check_failed(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A failed check without a condition. */
void test_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Failed checks so far, all vCPUs. */
unsigned test_failures(void);

/* Report the outcome (pass if no check failed); returns the number of failures. */
unsigned test_done(void);

/* Report failure now and halt this vCPU. */
void test_fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
