/* elvisor's interactive console commands (the default boot mode). */
#ifndef CORE_SHELL_H
#define CORE_SHELL_H

void shell_run(void) __attribute__((noreturn));

#endif
