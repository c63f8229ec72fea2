/* The app's file size (see app_file() in app.h): crt0 stores it on INIT and RESET. */
#include "app.h"

uint64_t app_file_size;
