/*
 * elvisor's host unit-test framework. A test is
 *
 *	TEST(suite, name) { CHECK_EQ(1 + 1, 2); }
 *
 * and reports one line: "PASS unit/<suite>/<name>" or
 * "FAIL unit/<suite>/<name>: <file>:<line>: <why>". Every test runs in a
 * child process, so a crash or a sanitizer report fails that test only. A
 * failed CHECK ends the test at once (longjmp), so helpers may CHECK too.
 */
#ifndef TESTS_UNIT_TEST_H
#define TESTS_UNIT_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct unit_test {
	const char *suite;
	const char *name;
	void (*run)(void);
	struct unit_test *next;
};

void unit_register(struct unit_test *test);

__attribute__((noreturn, format(printf, 3, 4)))
void unit_fail(const char *file, int line, const char *fmt, ...);

/* Deterministic pseudo-random numbers; reseeded before every test. */
uint64_t unit_rand(void);
uint64_t unit_rand_below(uint64_t bound);

/* Fixtures built by unit.mk: "<UNIT_FIXTURE_DIR>/<relative>". */
const char *unit_fixture_path(const char *relative);
/* Whole file in a malloc'd buffer of exactly *size bytes; fails the test if missing. */
void *unit_load_fixture(const char *relative, size_t *size);

void unit_check_eq(const char *file, int line, const char *a_text,
		   const char *b_text, uint64_t a, uint64_t b);
void unit_check_str_eq(const char *file, int line, const char *a_text,
		       const char *b_text, const char *a, const char *b);
void unit_check_contains(const char *file, int line, const char *text,
			 const char *haystack, const char *needle);
void unit_check_mem_eq(const char *file, int line, const void *a,
		       const void *b, size_t n);

#define TEST(suite, name)						\
	static void unit_run_##suite##_##name(void);			\
	static struct unit_test unit_test_##suite##_##name = {		\
		#suite, #name, unit_run_##suite##_##name, NULL };	\
	__attribute__((constructor))					\
	static void unit_register_##suite##_##name(void)		\
	{								\
		unit_register(&unit_test_##suite##_##name);		\
	}								\
	static void unit_run_##suite##_##name(void)

#define CHECK(cond)							\
	do {								\
		if (!(cond))						\
			unit_fail(__FILE__, __LINE__, "CHECK(%s)", #cond); \
	} while (0)

/* Compares as 64-bit integers; shows both values in decimal and hex. */
#define CHECK_EQ(a, b)							\
	unit_check_eq(__FILE__, __LINE__, #a, #b, (uint64_t)(a), (uint64_t)(b))

#define CHECK_STR_EQ(a, b)						\
	unit_check_str_eq(__FILE__, __LINE__, #a, #b, (a), (b))

#define CHECK_CONTAINS(haystack, needle)				\
	unit_check_contains(__FILE__, __LINE__, #haystack, (haystack), (needle))

#define CHECK_MEM_EQ(a, b, n)						\
	unit_check_mem_eq(__FILE__, __LINE__, (a), (b), (n))

#endif
