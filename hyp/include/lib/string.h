/*
 * The C string and memory functions elvisor provides for itself and for
 * libfdt (which needs exactly memchr memcmp memcpy memmove memset strchr
 * strlen strnlen strrchr strtoul). Standard semantics; strtoul does not set
 * errno (there is none) but clamps to ULONG_MAX on overflow like libc.
 *
 * Host unit tests compile string.c with -DLIB_STRING_PREFIXED: every
 * function is then named elv_memcpy, elv_strlen, ... so it can be linked
 * next to the host libc and compared against it. The rest of the code keeps
 * calling the plain names, which on the host resolve to the libc.
 */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include "lib/types.h"

#ifdef LIB_STRING_PREFIXED
#define LIB_STRING_NAME(name) elv_##name
#else
#define LIB_STRING_NAME(name) name
#endif

void *LIB_STRING_NAME(memcpy)(void *dst, const void *src, size_t n);
void *LIB_STRING_NAME(memmove)(void *dst, const void *src, size_t n);
void *LIB_STRING_NAME(memset)(void *dst, int c, size_t n);
int LIB_STRING_NAME(memcmp)(const void *a, const void *b, size_t n);
void *LIB_STRING_NAME(memchr)(const void *s, int c, size_t n);

size_t LIB_STRING_NAME(strlen)(const char *s);
size_t LIB_STRING_NAME(strnlen)(const char *s, size_t maxlen);
int LIB_STRING_NAME(strcmp)(const char *a, const char *b);
int LIB_STRING_NAME(strncmp)(const char *a, const char *b, size_t n);
char *LIB_STRING_NAME(strchr)(const char *s, int c);
char *LIB_STRING_NAME(strrchr)(const char *s, int c);
unsigned long LIB_STRING_NAME(strtoul)(const char *s, char **end, int base);

#endif
