/* The hookhost command: one function per subcommand. */
#ifndef HOOKHOST_HOST_CLI_H
#define HOOKHOST_HOST_CLI_H

/* Exit codes, the same for every subcommand. */
#define HHI_EXIT_OK 0       /* nothing denied */
#define HHI_EXIT_DENIED 1   /* a FAIL-mode hook failed (or a warning with --fail-on-warn) */
#define HHI_EXIT_ERROR 2    /* bad usage, unreadable or malformed input, bad configuration */

int hhi_cli_eval(int argc, char **argv);
int hhi_cli_registry(int argc, char **argv);

/* Print "hookhost: <message>" on stderr. */
void hhi_cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

struct option;

/*
 * cli_check.c: refuse (one error line, -1) an empty option value or one
 * longer than any path, naming the option (c and longindex as getopt_long
 * gave them), and an operand that is an empty string.  0 when fine.
 */
int hhi_cli_check_value(const char *cmd, const struct option *options, int c, int longindex,
                        const char *value);
int hhi_cli_check_operands(const char *cmd, char *const *args, int count);

#endif
