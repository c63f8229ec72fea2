/*
 * The manifest parser's shared pieces (core/manifest.c reads domains,
 * core/manifest_app.c their app nodes): the parser state, error reporting
 * with the node's path, and property readers that check every length.
 * Internal to the parser; portable (host unit tests compile it).
 */
#ifndef CORE_MANIFEST_PARSER_H
#define CORE_MANIFEST_PARSER_H

#include <libfdt.h>

#include "core/manifest.h"
#include "lib/format.h"

#define PATH_TEXT_MAX 96

enum prop_status {
	PROP_ABSENT,		/* not there (and not required) */
	PROP_OK,		/* there and well-formed */
	PROP_BAD,		/* reported */
};

struct parser {
	const void *fdt;
	const struct manifest_env *env;
	uint64_t memory_used;		/* by the domains accepted so far */
	char path[PATH_TEXT_MAX];	/* of the node being parsed */
	unsigned errors;		/* reported for that node */
};

/* "<path>: <prop>: <message>", or "<path>: <message>" when prop is NULL. */
void mp_fail(struct parser *p, const char *prop, const char *fmt, ...) __printf(3, 4);

/*
 * The property, or NULL with *status PROP_ABSENT when it is not there.
 * Any other libfdt failure is reported (PROP_BAD).
 */
const void *mp_get_prop(struct parser *p, int node, const char *name, int *len,
		     enum prop_status *status);
/* One cell: <n>. A required property that is absent is reported. */
enum prop_status mp_get_u32(struct parser *p, int node, const char *name, bool required,
			 uint32_t *value);
/* An address: one or two cells (<addr> or <hi lo>). */
enum prop_status mp_get_address(struct parser *p, int node, const char *name, uint64_t *value);
/* Exactly one string, copied to buf (size bytes with the NUL) if it fits. */
enum prop_status mp_get_string(struct parser *p, int node, const char *name, bool required,
			    char *buf, size_t size);
/* A file property: a non-empty name of a non-empty file in the archive. */
enum prop_status mp_get_file(struct parser *p, int node, const char *name, bool required,
			  char *buf, const void **data, size_t *size);

/* A domain's or app's (what) node name: 1..MANIFEST_NAME_MAX-1 of [A-Za-z0-9_-]. */
bool mp_check_node_name(struct parser *p, const char *name, int len, const char *what);

/* Apps (core/manifest_app.c): the child nodes of the domain node. */
void parse_apps(struct parser *p, int domain_node, struct domain_config *d);

#endif
