/* What the manifest gave this app instance (see app.h): crt0 fills it on INIT and RESET. */
#include "app.h"

struct app_device_info app_device;
