/* bootarg_find() from hyp/core/bootargs.c. */
#include <string.h>

#include "core/platform.h"
#include "test.h"

static void check_value(const char *cmdline, const char *key,
			const char *expected)
{
	const char *value = NULL;
	size_t len = 12345;

	if (!bootarg_find(cmdline, key, &value, &len))
		unit_fail(__FILE__, __LINE__, "\"%s\" not found in \"%s\"", key, cmdline);
	if (len != strlen(expected) || strncmp(value, expected, len) != 0)
		unit_fail(__FILE__, __LINE__, "\"%s\" in \"%s\": got \"%.*s\", want \"%s\"",
			  key, cmdline, (int)len, value, expected);
}

TEST(bootargs, finds_key_value_and_bare_key)
{
	const char *cmd = "console=ttyAMA0,115200 elvisor.test=vgic quiet";

	check_value(cmd, "console", "ttyAMA0,115200");
	check_value(cmd, "elvisor.test", "vgic");
	check_value(cmd, "quiet", "");
	check_value("x=", "x", "");
	check_value("  \t lead=1  ", "lead", "1");
}

TEST(bootargs, matches_whole_keys_only)
{
	const char *cmd = "elvisor.testing=1 xquiet quiet2 a=b=c";

	CHECK(!bootarg_find(cmd, "elvisor.test", NULL, NULL));
	CHECK(!bootarg_find(cmd, "quiet", NULL, NULL));
	CHECK(!bootarg_find(cmd, "b", NULL, NULL));
	check_value(cmd, "a", "b=c");
	CHECK(bootarg_find(cmd, "xquiet", NULL, NULL));
}

TEST(bootargs, last_occurrence_wins)
{
	check_value("loglevel=3 foo loglevel=7", "loglevel", "7");
}

TEST(bootargs, quotes_group_spaces_and_are_stripped)
{
	const char *cmd = "name=\"two words\" next=1 mid=a\"b c\"d";

	check_value(cmd, "name", "two words");
	check_value(cmd, "next", "1");
	check_value(cmd, "mid", "a\"b c\"d");
	/* An unterminated quote runs to the end. */
	check_value("bad=\"open ended", "bad", "\"open ended");
}

TEST(bootargs, empty_and_null_inputs)
{
	const char *value;
	size_t len;

	CHECK(!bootarg_find("", "a", &value, &len));
	CHECK(!bootarg_find("   ", "a", &value, &len));
	CHECK(!bootarg_find(NULL, "a", &value, &len));
	CHECK(!bootarg_find("a=1", NULL, &value, &len));
	CHECK(!bootarg_find("a=1", "", &value, &len));
	CHECK(bootarg_find("a=1", "a", NULL, &len));
	CHECK_EQ(len, 1);
	CHECK(bootarg_find("a=1", "a", &value, NULL));
	CHECK_EQ(*value, '1');
}
