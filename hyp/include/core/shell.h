/* elvisor's interactive console commands (the default boot mode). */
#ifndef CORE_SHELL_H
#define CORE_SHELL_H

/* Start taking commands from the UART (interrupt-driven, boot CPU). */
void shell_start(void);
/* The same without banner or prompt (test modes: typed input still reaches domains). */
void shell_listen_quietly(void);

#endif
