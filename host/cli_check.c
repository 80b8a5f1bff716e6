#include "config.h"

/*
 * Checks every subcommand makes of its arguments before using them: an
 * option value or an operand that is empty, or longer than any path or
 * name the host accepts, is refused with one line naming it.
 */

#include <getopt.h>
#include <limits.h>
#include <string.h>

#include "cli.h"

/* The longest option value: a path (PATH_MAX with its NUL) is the longest. */
#define HHI_CLI_VALUE_MAX (PATH_MAX - 1)

static const char *option_name(const struct option *options, int c, int longindex)
{
    size_t i;

    if (longindex >= 0)
        return options[longindex].name;
    for (i = 0; options[i].name != NULL; i++) {
        if (options[i].val == c)
            return options[i].name;
    }
    return "?";
}

int hhi_cli_check_value(const char *cmd, const struct option *options, int c, int longindex,
                        const char *value)
{
    size_t n;

    if (value == NULL)
        return 0;
    n = strlen(value);
    if (n == 0)
        return hhi_cli_error("%s: --%s: empty value", cmd, option_name(options, c, longindex)),
               -1;
    if (n > HHI_CLI_VALUE_MAX)
        return hhi_cli_error("%s: --%s: value of %zu bytes, longer than the limit of %d",
                             cmd, option_name(options, c, longindex), n, HHI_CLI_VALUE_MAX),
               -1;
    return 0;
}

int hhi_cli_check_operands(const char *cmd, char *const *args, int count)
{
    int i;

    for (i = 0; i < count; i++) {
        if (args[i][0] == '\0')
            return hhi_cli_error("%s: argument %d is an empty string", cmd, i + 1), -1;
    }
    return 0;
}
