#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change_set.h"
#include "cli.h"
#include "evaluate.h"
#include "hookset.h"
#include "report.h"

enum report_format { FORMAT_TEXT, FORMAT_JSON };

struct eval_args {
    struct hhi_hookset_options hooks;
    struct hhi_eval_options eval;
    enum report_format format;
    bool fail_on_warn;
    char **files;
    int file_count;
};

enum {
    OPT_FAIL_ON_WARN = 256,
    OPT_STACK_NAME,
    OPT_STACK_ROLE,
    OPT_ALLOW_INSECURE,
};

static const struct option options[] = {
    { "hooks-dir", required_argument, NULL, 'd' },
    { "plugin-dir", required_argument, NULL, 'p' },
    { "format", required_argument, NULL, 'f' },
    { "jobs", required_argument, NULL, 'j' },
    { "fail-on-warn", no_argument, NULL, OPT_FAIL_ON_WARN },
    { "stack-name", required_argument, NULL, OPT_STACK_NAME },
    { "stack-role", required_argument, NULL, OPT_STACK_ROLE },
    { "allow-insecure-plugins", no_argument, NULL, OPT_ALLOW_INSECURE },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
    fputs("Usage: hookhost eval [OPTIONS] FILE...\n"
          "\n"
          "Judge a change with the active hooks: every resource of each CloudFormation\n"
          "template (JSON) is a CREATE at PRE_PROVISION. Several files make one report.\n"
          "\n"
          "Options:\n"
          "  -d, --hooks-dir DIR        active hooks, one JSON file each\n"
          "                             (default $HOOKHOST_HOOKS_DIR or " HOOKHOST_HOOKS_DIR ")\n"
          "  -p, --plugin-dir DIR       where plugin files are loaded from\n"
          "                             (default $HOOKHOST_PLUGIN_DIR or " HOOKHOST_PLUGIN_DIR ")\n"
          "  -f, --format text|json     report format (default text)\n"
          "      --fail-on-warn         exit 1 when a WARN-mode hook failed\n"
          "      --stack-name NAME      the stack, for hooks' StackFilters\n"
          "      --stack-role ARN       the stack's role, for hooks' StackFilters\n"
          "  -j, --jobs N               threads (default: one per CPU)\n"
          "      --allow-insecure-plugins  load plugin files others can write (unsafe)\n"
          "  -v, --verbose              show the hooks' informational log lines\n"
          "  -h, --help                 print this help\n"
          "\n"
          "Exit status: 0 nothing denied, 1 a FAIL-mode hook failed, 2 error.\n",
          out);
}

static int parse_jobs(const char *s, unsigned *out)
{
    char *end;
    unsigned long n;

    errno = 0;
    n = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s || n < 1 || n > 256 || s[0] == '-')
        return -1;
    *out = (unsigned)n;
    return 0;
}

static void defaults(struct eval_args *a)
{
    const char *env;

    memset(a, 0, sizeof(*a));
    hhi_hookset_options_init(&a->hooks);
    hhi_eval_options_init(&a->eval);
    env = getenv("HOOKHOST_HOOKS_DIR");
    if (env != NULL && env[0] != '\0')
        a->hooks.hooks_dir = env;
    env = getenv("HOOKHOST_PLUGIN_DIR");
    if (env != NULL && env[0] != '\0')
        a->hooks.plugin_dir = env;
}

/* Returns -1 to exit with an error, 1 to exit successfully (help), 0 to run. */
static int parse_args(int argc, char **argv, struct eval_args *a)
{
    int c;

    defaults(a);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":d:p:f:j:vh", options, NULL)) != -1) {
        switch (c) {
        case 'd': a->hooks.hooks_dir = optarg; break;
        case 'p': a->hooks.plugin_dir = optarg; break;
        case 'f':
            if (strcmp(optarg, "text") == 0)
                a->format = FORMAT_TEXT;
            else if (strcmp(optarg, "json") == 0)
                a->format = FORMAT_JSON;
            else
                return hhi_cli_error("eval: unknown format '%s' (text or json)", optarg), -1;
            break;
        case 'j':
            if (parse_jobs(optarg, &a->eval.jobs) != 0)
                return hhi_cli_error("eval: --jobs takes a number from 1 to 256"), -1;
            break;
        case OPT_FAIL_ON_WARN: a->fail_on_warn = true; break;
        case OPT_STACK_NAME: a->eval.stack.name = optarg; break;
        case OPT_STACK_ROLE: a->eval.stack.role = optarg; break;
        case OPT_ALLOW_INSECURE: a->hooks.allow_insecure = true; break;
        case 'v': a->hooks.log.max_level = HH_LOG_INFO; break;
        case 'h': usage(stdout); return 1;
        case ':':
            return hhi_cli_error("eval: option %s needs a value", argv[optind - 1]), -1;
        default:
            return hhi_cli_error("eval: unknown option %s (try 'hookhost eval --help')",
                                 argv[optind - 1]), -1;
        }
    }
    a->files = argv + optind;
    a->file_count = argc - optind;
    if (a->file_count == 0)
        return hhi_cli_error("eval: no input file (try 'hookhost eval --help')"), -1;
    return 0;
}

static int read_inputs(struct hhi_change_set *cs, const struct eval_args *a,
                       struct hhi_error *err)
{
    int i, rc;

    for (i = 0; i < a->file_count; i++) {
        rc = hhi_cfn_template_read(cs, a->files[i], err);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}

static int exit_code(const struct hhi_summary *s, bool fail_on_warn)
{
    if (s->verdict == HHI_VERDICT_FAIL)
        return HHI_EXIT_DENIED;
    if (s->verdict == HHI_VERDICT_WARN && fail_on_warn)
        return HHI_EXIT_DENIED;
    return HHI_EXIT_OK;
}

static int report(const struct eval_args *a, const struct hhi_evaluation *ev,
                  const struct hhi_hookset *set)
{
    int rc;

    /* Reports can be hundreds of megabytes: write them in large blocks. */
    setvbuf(stdout, NULL, _IOFBF, 1 << 20);
    rc = a->format == FORMAT_JSON ? hhi_report_json(stdout, ev, set)
                                  : hhi_report_text(stdout, ev, set);

    if (fflush(stdout) != 0 || rc != HHI_OK) {
        hhi_cli_error("eval: cannot write the report: %s", strerror(errno));
        return -1;
    }
    return 0;
}

int hhi_cli_eval(int argc, char **argv)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_change_set cs;
    struct hhi_evaluation ev;
    struct hhi_hookset *set = NULL;
    struct eval_args a;
    int rc, code = HHI_EXIT_ERROR;

    memset(&ev, 0, sizeof(ev));
    hhi_change_set_init(&cs);
    rc = parse_args(argc, argv, &a);
    if (rc != 0) {
        code = rc > 0 ? HHI_EXIT_OK : HHI_EXIT_ERROR;
        goto done;
    }
    /* Inputs first: a malformed file is reported before any plugin runs. */
    rc = read_inputs(&cs, &a, &err);
    if (rc == HHI_OK)
        rc = hhi_hookset_load(&set, &a.hooks, &err);
    if (rc == HHI_OK)
        rc = hhi_evaluate(&ev, set, &cs, &a.eval, &err);
    if (rc != HHI_OK) {
        hhi_cli_error("%s", err.message);
        goto done;
    }
    if (report(&a, &ev, set) == 0)
        code = exit_code(&ev.summary, a.fail_on_warn);
done:
    hhi_evaluation_release(&ev);
    hhi_hookset_free(set);
    hhi_change_set_release(&cs);
    return code;
}
