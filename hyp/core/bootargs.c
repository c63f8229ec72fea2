/*
 * Boot argument lookup in a command line such as
 * "console=ttyAMA0 elvisor.test=vgic quiet". Arguments are separated by
 * whitespace; a double-quoted part may contain spaces (key="a b"), as on
 * Linux, and the quotes around a whole value are not part of it.
 * When a key appears more than once the last one wins, because later
 * arguments (appended by a bootloader or a user) override earlier ones.
 */
#include "core/platform.h"
#include "lib/string.h"

static bool is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

static const char *skip_separators(const char *p)
{
	while (is_separator(*p))
		p++;
	return p;
}

/* End of the argument starting at p: a separator outside quotes, or NUL. */
static const char *argument_end(const char *p)
{
	bool quoted = false;

	for (; *p != '\0'; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (is_separator(*p) && !quoted)
			break;
	}
	return p;
}

static bool key_matches(const char *arg, const char *arg_end,
			const char *key, size_t key_len)
{
	if ((size_t)(arg_end - arg) < key_len || strncmp(arg, key, key_len) != 0)
		return false;
	return arg + key_len == arg_end || arg[key_len] == '=';
}

static void argument_value(const char *arg, const char *arg_end,
			   size_t key_len, const char **value, size_t *len)
{
	const char *v = arg + key_len, *v_end = arg_end;

	if (v < v_end)
		v++;	/* the '=' */
	if (v_end - v >= 2 && v[0] == '"' && v_end[-1] == '"') {
		v++;
		v_end--;
	}
	if (value != NULL)
		*value = v;
	if (len != NULL)
		*len = (size_t)(v_end - v);
}

bool bootarg_find(const char *cmdline, const char *key, const char **value,
		  size_t *len)
{
	const char *p, *end, *found = NULL, *found_end = NULL;
	size_t key_len;

	if (cmdline == NULL || key == NULL || key[0] == '\0')
		return false;
	key_len = strlen(key);
	for (p = skip_separators(cmdline); *p != '\0';
	     p = skip_separators(end)) {
		end = argument_end(p);
		if (key_matches(p, end, key, key_len)) {
			found = p;
			found_end = end;
		}
	}
	if (found == NULL)
		return false;
	argument_value(found, found_end, key_len, value, len);
	return true;
}
