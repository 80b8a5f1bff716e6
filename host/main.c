#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "cli.h"
#include "error.h"
#include "isolation.h"
#include "worker_serve.h"

void hhi_cli_error(const char *fmt, ...)
{
    char line[HHI_ERROR_MESSAGE_MAX];
    va_list ap;

    /* One line, however long or strange the arguments it quotes. */
    va_start(ap, fmt);
    hhi_error_vformat(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "hookhost: %s\n", line);
}

static void usage(FILE *out)
{
    fputs("Usage: hookhost COMMAND [OPTIONS] [ARGS]\n"
          "\n"
          "Run hook plugins at the invocation points of infrastructure changes.\n"
          "\n"
          "Commands:\n"
          "  eval FILE...   judge a change with the active hooks\n"
          "  registry VERB  manage the hook registry (register, activate, configure...)\n"
          "  version        print the version and the plugin ABI\n"
          "  help           print this help\n"
          "\n"
          "Run 'hookhost COMMAND --help' for a command's options.\n"
          "Exit status: 0 nothing denied, 1 denied by a hook, 2 error.\n",
          out);
}

static int version(void)
{
    printf("hookhost %s (plugin ABI %d.%d)\n", PACKAGE_VERSION, HH_ABI_MAJOR, HH_ABI_MINOR);
    return ferror(stdout) ? HHI_EXIT_ERROR : HHI_EXIT_OK;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : NULL;

    if (cmd == NULL) {
        usage(stderr);
        return HHI_EXIT_ERROR;
    }
    /* Internal: a worker process the host started (worker_main.c). */
    if (strcmp(cmd, HHI_WORKER_COMMAND) == 0)
        return hhi_worker_main(argc - 1, argv + 1);
    if (strcmp(cmd, "eval") == 0)
        return hhi_cli_eval(argc - 1, argv + 1);
    if (strcmp(cmd, "registry") == 0)
        return hhi_cli_registry(argc - 1, argv + 1);
    if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0)
        return version();
    if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        usage(stdout);
        return HHI_EXIT_OK;
    }
    hhi_cli_error("unknown command '%s' (try 'hookhost help')", cmd);
    return HHI_EXIT_ERROR;
}
