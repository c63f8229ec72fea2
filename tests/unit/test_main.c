/*
 * Runner for the host unit tests: runs every registered test (or those
 * whose "suite/name" contains argv[1]) in its own child process and exits
 * 1 if any failed. A summary goes to stderr so stdout holds only the
 * PASS/FAIL lines the test runner parses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

#define EXIT_TEST_PASSED 0
#define EXIT_TEST_FAILED 42	/* the child already printed its FAIL line */
#define TEST_TIMEOUT_SECONDS 120

#ifndef UNIT_FIXTURE_DIR
#define UNIT_FIXTURE_DIR "build/host"
#endif

static struct unit_test *first_test, **last_test = &first_test;
static const struct unit_test *current_test;
static jmp_buf test_abort;
static uint64_t rand_state;

void unit_register(struct unit_test *test)
{
	/* Appending keeps the order in which the tests appear in each file. */
	*last_test = test;
	last_test = &test->next;
}

void unit_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("FAIL unit/%s/%s: %s:%d: ", current_test->suite,
	       current_test->name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	longjmp(test_abort, 1);
}

uint64_t unit_rand(void)
{
	/* xorshift64*: good enough, and the same sequence on every host. */
	rand_state ^= rand_state >> 12;
	rand_state ^= rand_state << 25;
	rand_state ^= rand_state >> 27;
	return rand_state * 0x2545f4914f6cdd1dULL;
}

uint64_t unit_rand_below(uint64_t bound)
{
	return bound == 0 ? 0 : unit_rand() % bound;
}

const char *unit_fixture_path(const char *relative)
{
	static char path[4096];
	const char *dir = getenv("UNIT_FIXTURE_DIR");

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : UNIT_FIXTURE_DIR,
		 relative);
	return path;
}

void *unit_load_fixture(const char *relative, size_t *size)
{
	const char *path = unit_fixture_path(relative);
	FILE *f = fopen(path, "rb");
	char *data;
	long len;

	if (f == NULL)
		unit_fail(__FILE__, __LINE__, "cannot open fixture %s", path);
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		unit_fail(__FILE__, __LINE__, "cannot size fixture %s", path);
	}
	/* malloc(0) may return NULL; keep at least one byte. */
	data = malloc(len > 0 ? (size_t)len : 1);
	if (data == NULL || fread(data, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		unit_fail(__FILE__, __LINE__, "cannot read fixture %s", path);
	}
	fclose(f);
	*size = (size_t)len;
	return data;
}

void unit_check_eq(const char *file, int line, const char *a_text,
		   const char *b_text, uint64_t a, uint64_t b)
{
	if (a != b)
		unit_fail(file, line,
			  "CHECK_EQ(%s, %s): %lld (0x%llx) != %lld (0x%llx)",
			  a_text, b_text, (long long)a, (unsigned long long)a,
			  (long long)b, (unsigned long long)b);
}

void unit_check_str_eq(const char *file, int line, const char *a_text,
		       const char *b_text, const char *a, const char *b)
{
	if (a == NULL || b == NULL ? a != b : strcmp(a, b) != 0)
		unit_fail(file, line, "CHECK_STR_EQ(%s, %s): \"%s\" != \"%s\"",
			  a_text, b_text, a ? a : "(null)", b ? b : "(null)");
}

void unit_check_contains(const char *file, int line, const char *text,
			 const char *haystack, const char *needle)
{
	if (haystack == NULL || strstr(haystack, needle) == NULL)
		unit_fail(file, line, "CHECK_CONTAINS(%s): \"%s\" not in \"%s\"",
			  text, needle, haystack ? haystack : "(null)");
}

void unit_check_mem_eq(const char *file, int line, const void *a,
		       const void *b, size_t n)
{
	const unsigned char *pa = a, *pb = b;
	size_t i;

	for (i = 0; i < n; i++) {
		if (pa[i] != pb[i])
			unit_fail(file, line,
				  "CHECK_MEM_EQ: byte %zu of %zu differs: 0x%02x != 0x%02x",
				  i, n, pa[i], pb[i]);
	}
}

static void run_in_child(const struct unit_test *test)
{
	current_test = test;
	rand_state = 0x9e3779b97f4a7c15ULL;
	alarm(TEST_TIMEOUT_SECONDS);
	if (setjmp(test_abort) == 0) {
		test->run();
		printf("PASS unit/%s/%s\n", test->suite, test->name);
		fflush(stdout);
		_exit(EXIT_TEST_PASSED);
	}
	_exit(EXIT_TEST_FAILED);
}

static void describe_crash(int status, char *why, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(why, len, "killed by signal %d%s", WTERMSIG(status),
			 WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
	else
		snprintf(why, len, "crashed with exit status %d (see stderr)",
			 WEXITSTATUS(status));
}

/* Returns true if the test passed. */
static bool run_test(const struct unit_test *test)
{
	char why[128];
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("FAIL unit/%s/%s: fork failed\n", test->suite, test->name);
		return false;
	}
	if (pid == 0)
		run_in_child(test);
	if (waitpid(pid, &status, 0) != pid) {
		printf("FAIL unit/%s/%s: waitpid failed\n", test->suite,
		       test->name);
		return false;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_TEST_PASSED)
		return true;
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_TEST_FAILED)
		return false;
	describe_crash(status, why, sizeof(why));
	printf("FAIL unit/%s/%s: %s\n", test->suite, test->name, why);
	return false;
}

static bool selected(const struct unit_test *test, const char *filter)
{
	char full[256];

	if (filter == NULL)
		return true;
	snprintf(full, sizeof(full), "%s/%s", test->suite, test->name);
	return strstr(full, filter) != NULL;
}

int main(int argc, char **argv)
{
	const char *filter = argc > 1 ? argv[1] : NULL;
	const struct unit_test *test;
	unsigned passed = 0, failed = 0;

	for (test = first_test; test != NULL; test = test->next) {
		if (!selected(test, filter))
			continue;
		if (run_test(test))
			passed++;
		else
			failed++;
	}
	fflush(stdout);
	fprintf(stderr, "unit: %u passed, %u failed\n", passed, failed);
	return failed == 0 ? 0 : 1;
}
