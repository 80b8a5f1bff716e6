#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <hookhost/plugin.h>

#include "change_set.h"
#include "cli.h"
#include "evaluate.h"
#include "hook_source.h"
#include "hookset.h"
#include "inputs.h"
#include "isolation_call.h"
#include "output.h"
#include "progress.h"
#include "registry.h"
#include "report.h"

struct eval_args {
    const char *hooks_dir;       /* where the hooks come from (see hook_source.h) */
    const char *plugin_dir;
    const char *registry;
    const char *account;
    const char *config_path;
    struct hhi_hookset_options hooks;
    struct hhi_eval_options eval;
    struct hhi_input_options input; /* --input-format, --previous, --action */
    enum hhi_report_format format;
    const char *output;          /* --output FILE, or NULL: standard output */
    bool quiet;
    bool fail_on_warn;
    char **files;
    int file_count;
};

enum {
    OPT_FAIL_ON_WARN = 256,
    OPT_STACK_NAME,
    OPT_STACK_ROLE,
    OPT_ALLOW_INSECURE,
    OPT_REGISTRY,
    OPT_ACCOUNT,
    OPT_CONFIG,
    OPT_INPUT_FORMAT,
    OPT_PREVIOUS,
    OPT_ACTION,
    OPT_BUDGET,
};

static const struct option options[] = {
    { "hooks-dir", required_argument, NULL, 'd' },
    { "plugin-dir", required_argument, NULL, 'p' },
    { "format", required_argument, NULL, 'f' },
    { "output", required_argument, NULL, 'o' },
    { "quiet", no_argument, NULL, 'q' },
    { "jobs", required_argument, NULL, 'j' },
    { "budget", required_argument, NULL, OPT_BUDGET },
    { "fail-on-warn", no_argument, NULL, OPT_FAIL_ON_WARN },
    { "stack-name", required_argument, NULL, OPT_STACK_NAME },
    { "stack-role", required_argument, NULL, OPT_STACK_ROLE },
    { "allow-insecure-plugins", no_argument, NULL, OPT_ALLOW_INSECURE },
    { "allow-insecure-registry", no_argument, NULL, OPT_ALLOW_INSECURE },
    { "registry", required_argument, NULL, OPT_REGISTRY },
    { "account", required_argument, NULL, OPT_ACCOUNT },
    { "config", required_argument, NULL, OPT_CONFIG },
    { "input-format", required_argument, NULL, OPT_INPUT_FORMAT },
    { "previous", required_argument, NULL, OPT_PREVIOUS },
    { "action", required_argument, NULL, OPT_ACTION },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
    fputs("Usage: hookhost eval [OPTIONS] FILE...\n"
          "\n"
          "Judge a change with the active hooks. Each FILE is a CloudFormation template\n"
          "(JSON or YAML: every resource a CREATE) or change set (describe-change-set\n"
          "--include-property-values), a Terraform plan (terraform show -json), a Pulumi\n"
          "preview (pulumi preview --json) or a CloudFormation hook test input\n"
          "(inputs_1_pre_update.json); the format is detected from the content. Several\n"
          "files make one change and one report.\n"
          "\n"
          "Options:\n"
          "      --registry DIR         the hook registry (default $HOOKHOST_REGISTRY, the\n"
          "                             configuration's registry, or " HOOKHOST_STATE_DIR ")\n"
          "      --account NAME         the registry account (default $HOOKHOST_ACCOUNT or default);\n"
          "                             an account nothing was registered in falls back to\n"
          "                             " HOOKHOST_HOOKS_DIR "\n"
          "  -d, --hooks-dir DIR        read the active hooks from this hooks directory (one\n"
          "                             JSON file each) instead of the registry\n"
          "                             (default $HOOKHOST_HOOKS_DIR)\n"
          "  -p, --plugin-dir DIR       where a hooks directory's plugin files are loaded from\n"
          "                             (default $HOOKHOST_PLUGIN_DIR or " HOOKHOST_PLUGIN_DIR ")\n"
          "      --config FILE          host configuration (default $HOOKHOST_CONFIG or\n"
          "                             " HOOKHOST_CONFIG_FILE ")\n"
          "  -f, --format FORMAT        report format: text (default), json, junit or sarif\n"
          "  -o, --output FILE          write the report to FILE (replaced atomically) and\n"
          "                             the summary line to standard error\n"
          "  -q, --quiet                text report: only failures and warnings\n"
          "      --fail-on-warn         exit 1 when a WARN-mode hook failed\n"
          "      --stack-name NAME      the stack, for hooks' StackFilters\n"
          "      --stack-role ARN       the stack's role, for hooks' StackFilters\n"
          "      --input-format FORMAT  read every FILE as cloudformation-template,\n"
          "                             cloudformation-change-set, terraform-plan,\n"
          "                             pulumi-preview or cloudformation-hook-input\n"
          "      --previous OLD         the deployed template: judge the difference to the\n"
          "                             one template FILE (CREATE, UPDATE, DELETE)\n"
          "      --action ACTION        hook inputs: CREATE, UPDATE or DELETE (default: the\n"
          "                             pre_create/pre_update/pre_delete in the file name)\n"
          "  -j, --jobs N               threads (default: one per CPU)\n"
          "      --budget SECONDS       the whole evaluation's time (default 300): hooks not\n"
          "                             run when it runs out are FAILED under their\n"
          "                             failure modes; 0 for none\n"
          "      --allow-insecure-plugins, --allow-insecure-registry\n"
          "                             load plugin files and registries others can write\n"
          "                             (unsafe)\n"
          "  -v, --verbose              show the hooks' informational log lines\n"
          "  -h, --help                 print this help\n"
          "\n"
          "Exit status: 0 nothing denied, 1 a FAIL-mode hook failed, 2 error.\n",
          out);
}

/* --budget: 0 (none) to HHI_BUDGET_MAX seconds. */
static int parse_budget(const char *s, unsigned *out)
{
    char *end;
    unsigned long n;

    errno = 0;
    n = strtoul(s, &end, 10);
    if (errno != 0 || *end != '\0' || end == s || n > HHI_BUDGET_MAX || s[0] == '-')
        return -1;
    *out = (unsigned)n;
    return 0;
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
    memset(a, 0, sizeof(*a));
    hhi_hookset_options_init(&a->hooks);
    hhi_eval_options_init(&a->eval);
    hhi_input_options_init(&a->input);
}

/* --input-format, --previous or --action; returns 0, or -1 after an error line. */
static int input_option(struct hhi_input_options *in, int c, const char *arg)
{
    static const struct { const char *name; int32_t action; } actions[] = {
        { "CREATE", HH_ACTION_CREATE }, { "UPDATE", HH_ACTION_UPDATE },
        { "DELETE", HH_ACTION_DELETE },
    };
    size_t i;

    if (c == OPT_PREVIOUS) {
        in->previous = arg;
        return 0;
    }
    if (c == OPT_INPUT_FORMAT) {
        if (hhi_input_format_from_name(arg, &in->format) == 0)
            return 0;
        return hhi_cli_error("eval: unknown input format '%s' (cloudformation-template, "
                             "cloudformation-change-set, terraform-plan, pulumi-preview or "
                             "cloudformation-hook-input)", arg), -1;
    }
    for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
        if (strcasecmp(arg, actions[i].name) == 0) {
            in->action = actions[i].action;
            return 0;
        }
    }
    return hhi_cli_error("eval: unknown action '%s' (CREATE, UPDATE or DELETE)", arg), -1;
}

/* Returns -1 to exit with an error, 1 to exit successfully (help), 0 to run. */
static int parse_args(int argc, char **argv, struct eval_args *a)
{
    int c, longindex = -1;

    defaults(a);
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":d:p:f:j:o:qvh", options, &longindex)) != -1) {
        if (c != ':' && c != '?' && hhi_cli_check_value("eval", options, c, longindex, optarg) != 0)
            return -1;
        longindex = -1;
        switch (c) {
        case 'd': a->hooks_dir = optarg; break;
        case 'p': a->plugin_dir = optarg; break;
        case OPT_REGISTRY: a->registry = optarg; break;
        case OPT_ACCOUNT: a->account = optarg; break;
        case OPT_CONFIG: a->config_path = optarg; break;
        case OPT_INPUT_FORMAT: case OPT_PREVIOUS: case OPT_ACTION:
            if (input_option(&a->input, c, optarg) != 0)
                return -1;
            break;
        case 'f':
            if (hhi_report_format_parse(optarg, &a->format) != 0)
                return hhi_cli_error("eval: unknown format '%s' (text, json, junit or sarif)",
                                     optarg), -1;
            break;
        case 'o': a->output = optarg; break;
        case 'q': a->quiet = true; break;
        case OPT_BUDGET:
            if (parse_budget(optarg, &a->eval.budget_seconds) != 0)
                return hhi_cli_error("eval: --budget takes a number of seconds from 0 to %d",
                                     HHI_BUDGET_MAX), -1;
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
    if (hhi_cli_check_operands("eval", a->files, a->file_count) != 0)
        return -1;
    if (a->input.previous != NULL && a->file_count != 1)
        return hhi_cli_error("eval: --previous compares one template FILE with it, not %d files",
                             a->file_count), -1;
    return 0;
}

static int read_inputs(struct hhi_change_set *cs, const struct eval_args *a,
                       struct hhi_error *err)
{
    int i, rc;

    for (i = 0; i < a->file_count; i++) {
        rc = hhi_input_read(cs, a->files[i], &a->input, err);
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

/* Colour for a terminal, unless NO_COLOR is set (to anything: no-color.org). */
static bool want_colour(int fd)
{
    return getenv("NO_COLOR") == NULL && isatty(fd);
}

/* Judge, with a progress line on standard error when it is a terminal. */
static int evaluate(struct eval_args *a, struct hhi_evaluation *ev,
                    const struct hhi_hookset *set, const struct hhi_change_set *cs,
                    struct hhi_error *err)
{
    struct hhi_progress progress;
    int rc;

    hhi_progress_init(&progress, isatty(STDERR_FILENO) ? stderr : NULL, cs->count);
    a->eval.progress = progress.out != NULL ? &progress : NULL;
    rc = hhi_evaluate(ev, set, cs, &a->eval, err);
    hhi_progress_end(&progress);
    a->eval.progress = NULL;
    return rc;
}

/* The report to standard output or --output; then the summary on the terminal. */
static int report(const struct eval_args *a, const struct hhi_evaluation *ev,
                  const struct hhi_hookset *set)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_report_options opts = { false, a->quiet };
    struct hhi_output out;
    bool to_file = a->output != NULL && strcmp(a->output, "-") != 0;
    int rc = hhi_output_open(&out, a->output, &err), e;

    if (rc == HHI_OK) {
        opts.colour = a->format == HHI_REPORT_TEXT && out.stream == stdout &&
                      want_colour(STDOUT_FILENO);
        rc = hhi_report_write(out.stream, a->format, ev, set, &opts);
        e = errno;
        if (rc != HHI_OK) {
            hhi_output_abort(&out);
            hhi_error_set(&err, rc, "cannot write the report to %s: %s",
                          to_file ? a->output : "standard output", strerror(e));
        } else {
            rc = hhi_output_commit(&out, &err);
        }
    }
    if (rc != HHI_OK) {
        hhi_cli_error("eval: %s", err.message);
        return -1;
    }
    if (to_file) {
        hhi_report_summary_line(stderr, &ev->summary, want_colour(STDERR_FILENO));
        fputc('\n', stderr);
    }
    return 0;
}

/* The active hooks, from the registry or a hooks directory, loaded. */
static int load_hooks(struct eval_args *a, struct hhi_hook_specs *specs,
                      struct hhi_hookset **set, struct hhi_error *err)
{
    struct hhi_registry *held = NULL;
    struct hhi_host_config config;
    struct hhi_hook_source src;
    char plugin_dir[PATH_MAX];
    const char *from;
    int rc = hhi_host_config_load(&config, a->config_path, err);

    if (rc != HHI_OK)
        return rc;
    hhi_hook_source_init(&src, &config);
    src.hooks_dir = a->hooks_dir != NULL ? a->hooks_dir : src.hooks_dir;
    src.plugin_dir = a->plugin_dir != NULL ? a->plugin_dir : src.plugin_dir;
    src.registry = a->registry != NULL ? a->registry : src.registry;
    src.account = a->account != NULL ? a->account : src.account;
    src.allow_insecure = a->hooks.allow_insecure;
    rc = hhi_hook_source_read(&src, specs, plugin_dir, &from, &held, err);
    a->hooks.plugin_dir = plugin_dir;
    a->hooks.worker_exe = HHI_WORKER_EXE; /* this program is the workers' too */
    a->hooks.max_hooks = config.limits.max_active_hooks;
    a->hooks.max_config_bytes = config.limits.max_configuration_bytes;
    a->eval.max_hooks_per_resource = config.limits.max_hooks_per_resource;
    if (rc == HHI_OK)
        rc = hhi_hookset_load(set, &a->hooks, specs, err);
    hhi_registry_close(held); /* the plugins are loaded: writers may go on */
    a->hooks.plugin_dir = NULL;
    return rc;
}

int hhi_cli_eval(int argc, char **argv)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_change_set cs;
    struct hhi_evaluation ev;
    struct hhi_hookset *set = NULL;
    struct hhi_hook_specs specs;
    struct eval_args a;
    int rc, code = HHI_EXIT_ERROR;

    memset(&ev, 0, sizeof(ev));
    hhi_change_set_init(&cs);
    hhi_hook_specs_init(&specs);
    rc = parse_args(argc, argv, &a);
    if (rc != 0) {
        code = rc > 0 ? HHI_EXIT_OK : HHI_EXIT_ERROR;
        goto done;
    }
    /* Inputs first: a malformed file is reported before any plugin runs. */
    rc = read_inputs(&cs, &a, &err);
    if (rc == HHI_OK)
        rc = load_hooks(&a, &specs, &set, &err);
    if (rc == HHI_OK)
        rc = evaluate(&a, &ev, set, &cs, &err);
    if (rc != HHI_OK) {
        hhi_cli_error("%s", err.message);
        goto done;
    }
    if (report(&a, &ev, set) == 0)
        code = exit_code(&ev.summary, a.fail_on_warn);
done:
    hhi_evaluation_release(&ev);
    hhi_hookset_free(set);
    hhi_hook_specs_release(&specs);
    hhi_change_set_release(&cs);
    return code;
}
