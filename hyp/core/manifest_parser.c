/*
 * Reporting and property access for the manifest parser (see
 * core/manifest_parser.h). Every property's length is checked before it is
 * read; every problem is reported with the node's path.
 */
#include "manifest_parser.h"
#include "lib/string.h"

#define MESSAGE_MAX 384

/* ---- reporting ---- */

void mp_fail(struct parser *p, const char *prop, const char *fmt, ...)
{
	char message[MESSAGE_MAX];
	size_t len;
	va_list ap;

	if (prop != NULL)
		format(message, sizeof(message), "%s: %s: ", p->path, prop);
	else
		format(message, sizeof(message), "%s: ", p->path);
	len = strlen(message);
	va_start(ap, fmt);
	vformat(message + len, sizeof(message) - len, fmt, ap);
	va_end(ap);
	p->errors++;
	if (p->env->report != NULL)
		p->env->report(p->env->ctx, message);
}


/* ---- property access ---- */

/*
 * The property, or NULL with *status PROP_ABSENT when it is not there.
 * Any other libfdt failure is reported (PROP_BAD).
 */
const void *mp_get_prop(struct parser *p, int node, const char *name,
			    int *len, enum prop_status *status)
{
	const void *value = fdt_getprop(p->fdt, node, name, len);

	*status = PROP_OK;
	if (value == NULL) {
		*status = PROP_ABSENT;
		if (*len != -FDT_ERR_NOTFOUND) {
			mp_fail(p, name, "%s", fdt_strerror(*len));
			*status = PROP_BAD;
		}
	}
	return value;
}

/* For a property that is not there: reports it if it is required. */
static enum prop_status mp_not_there(struct parser *p, const char *name,
				  enum prop_status status, bool required)
{
	if (status == PROP_ABSENT && required) {
		mp_fail(p, name, "required property is missing");
		return PROP_BAD;
	}
	return status;
}

/* One cell: <n>. */
enum prop_status mp_get_u32(struct parser *p, int node, const char *name,
				bool required, uint32_t *value)
{
	enum prop_status status;
	int len;
	const fdt32_t *cell = mp_get_prop(p, node, name, &len, &status);

	if (cell == NULL)
		return mp_not_there(p, name, status, required);
	if (len != (int)sizeof(*cell)) {
		mp_fail(p, name, "length %d bytes: expected one cell (<n>)", len);
		return PROP_BAD;
	}
	*value = fdt32_ld(cell);
	return PROP_OK;
}

/* An address: one or two cells (<addr> or <hi lo>). */
enum prop_status mp_get_address(struct parser *p, int node,
				    const char *name, uint64_t *value)
{
	enum prop_status status;
	int len;
	const fdt32_t *cells = mp_get_prop(p, node, name, &len, &status);

	if (cells == NULL)
		return status;
	if (len == 4) {
		*value = fdt32_ld(cells);
	} else if (len == 8) {
		*value = (uint64_t)fdt32_ld(cells) << 32 | fdt32_ld(cells + 1);
	} else {
		mp_fail(p, name, "length %d bytes: expected one or two cells "
		     "(<addr> or <hi lo>)", len);
		return PROP_BAD;
	}
	return PROP_OK;
}

/* Exactly one string, copied to buf (size bytes with the NUL) if it fits. */
enum prop_status mp_get_string(struct parser *p, int node,
				   const char *name, bool required, char *buf,
				   size_t size)
{
	enum prop_status status;
	int len;
	const char *value = mp_get_prop(p, node, name, &len, &status);

	if (value == NULL)
		return mp_not_there(p, name, status, required);
	if (len == 0 || value[len - 1] != '\0' ||
	    strlen(value) != (size_t)len - 1) {
		mp_fail(p, name, "expected one string (%s = \"...\")", name);
		return PROP_BAD;
	}
	if ((size_t)len > size) {
		mp_fail(p, name, "%d characters long, at most %zu fit", len - 1,
		     size - 1);
		return PROP_BAD;
	}
	memcpy(buf, value, (size_t)len);
	return PROP_OK;
}

/* A file property: a non-empty name of a non-empty file in the archive. */
enum prop_status mp_get_file(struct parser *p, int node, const char *name,
				 bool required, char *buf, const void **data,
				 size_t *size)
{
	enum prop_status status = mp_get_string(p, node, name, required, buf,
					     MANIFEST_FILE_MAX);

	if (status != PROP_OK)
		return status;
	if (buf[0] == '\0') {
		mp_fail(p, name, "empty file name");
		return PROP_BAD;
	}
	if (p->env->find_file == NULL ||
	    !p->env->find_file(p->env->ctx, buf, data, size)) {
		mp_fail(p, name, "\"%s\" is not in the boot archive", buf);
		return PROP_BAD;
	}
	if (*size == 0) {
		mp_fail(p, name, "\"%s\" is empty", buf);
		return PROP_BAD;
	}
	return PROP_OK;
}

/* ---- node names ---- */

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool mp_check_node_name(struct parser *p, const char *name, int len, const char *what)
{
	if (len == 0) {
		mp_fail(p, NULL, "a %s node needs a name", what);
		return false;
	}
	if (memchr(name, '@', (size_t)len) != NULL) {
		mp_fail(p, NULL, "node name \"%s\" has a unit address: a %s "
			"name is letters, digits, '-' and '_' only", name, what);
		return false;
	}
	for (int i = 0; i < len; i++) {
		if (!name_char_ok(name[i])) {
			mp_fail(p, NULL, "node name \"%s\": '%c' is not allowed: "
				"a %s name is letters, digits, '-' and '_' only", name, name[i], what);
			return false;
		}
	}
	if (len >= MANIFEST_NAME_MAX) {
		mp_fail(p, NULL, "node name \"%s\" is %d characters long, at most "
			"%d are allowed", name, len, MANIFEST_NAME_MAX - 1);
		return false;
	}
	return true;
}
