/* The hookhost command: one function per subcommand. */
#ifndef HOOKHOST_HOST_CLI_H
#define HOOKHOST_HOST_CLI_H

/* Exit codes, the same for every subcommand. */
#define HHI_EXIT_OK 0       /* nothing denied */
#define HHI_EXIT_DENIED 1   /* a FAIL-mode hook failed (or a warning with --fail-on-warn) */
#define HHI_EXIT_ERROR 2    /* bad usage, unreadable or malformed input, bad configuration */

int hhi_cli_eval(int argc, char **argv);

/* Print "hookhost: <message>" on stderr. */
void hhi_cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

#endif
