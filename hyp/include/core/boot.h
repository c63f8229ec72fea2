/* What boot found: the machine description, read-only after boot. */
#ifndef CORE_BOOT_H
#define CORE_BOOT_H

#include "core/platform.h"

const struct platform *platform_get(void);

#endif
