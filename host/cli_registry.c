#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "hook_source.h"
#include "input.h"
#include "registry.h"
#include "report.h"

/* `hookhost registry`: CloudFormation's registry verbs on a local registry. */

struct registry_args {
    const char *registry;
    const char *account;
    const char *config_path;
    const char *alias;
    const char *plugin_dir;
    bool has_priority;
    int32_t priority;
    bool json;
    bool allow_insecure;
    const char *verb;
    char **args;
    int arg_count;
    FILE *out;          /* what a write verb reports, shown once committed */
    json_object *containment;   /* --isolation, --timeout, --memory, --allow (owned) */
};

enum {
    OPT_REGISTRY = 256,
    OPT_ACCOUNT,
    OPT_CONFIG,
    OPT_ALIAS,
    OPT_PRIORITY,
    OPT_INSECURE,
    OPT_PLUGIN_DIR,
    OPT_ISOLATION,
    OPT_TIMEOUT,
    OPT_MEMORY,
    OPT_ALLOW,
};

static const struct option options[] = {
    { "registry", required_argument, NULL, OPT_REGISTRY },
    { "account", required_argument, NULL, OPT_ACCOUNT },
    { "config", required_argument, NULL, OPT_CONFIG },
    { "alias", required_argument, NULL, OPT_ALIAS },
    { "type-name-alias", required_argument, NULL, OPT_ALIAS },
    { "priority", required_argument, NULL, OPT_PRIORITY },
    { "plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR },
    { "isolation", required_argument, NULL, OPT_ISOLATION },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "memory", required_argument, NULL, OPT_MEMORY },
    { "allow", required_argument, NULL, OPT_ALLOW },
    { "format", required_argument, NULL, 'f' },
    { "allow-insecure-registry", no_argument, NULL, OPT_INSECURE },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
    fputs("Usage: hookhost registry [OPTIONS] VERB [ARGS]\n"
          "\n"
          "Verbs (CloudFormation's registry operations):\n"
          "  register FILE.so                  add the plugin as a new version of its type\n"
          "  list                              types and activations\n"
          "  describe NAME                     a type or an activation\n"
          "  versions TYPE                     a type's versions\n"
          "  set-default-version TYPE VERSION  the version activations run\n"
          "  activate TYPE [--alias NAME] [--priority N] [--isolation process|in-process]\n"
          "           [--timeout SECONDS] [--memory MIB] [--allow network,exec|none]\n"
          "                                    how the hook is contained: in worker\n"
          "                                    processes (the default) or in-process, its\n"
          "                                    time per invocation (default 30 s), its\n"
          "                                    workers' memory (default 1024 MiB) and what\n"
          "                                    their sandbox lets through (default none)\n"
          "  deactivate NAME\n"
          "  set-configuration NAME FILE|-     CloudFormationConfiguration JSON\n"
          "  get-configuration NAME\n"
          "  deregister TYPE [VERSION]\n"
          "  import DIR [--plugin-dir DIR]     seed from a hooks directory: register,\n"
          "                                    activate and configure each hook file\n"
          "\n"
          "Options:\n"
          "      --registry DIR      registry root (default $HOOKHOST_REGISTRY or " HOOKHOST_STATE_DIR ")\n"
          "      --account NAME      account (default $HOOKHOST_ACCOUNT or default)\n"
          "      --config FILE       host configuration (quotas)\n"
          "  -f, --format text|json  output of list, describe, versions\n"
          "      --allow-insecure-registry  accept a registry others can write (unsafe)\n"
          "\n"
          "Exit status: 0 done, 2 refused (usage, configuration, quota); a refused\n"
          "command changes nothing.\n",
          out);
}

static int parse_priority(const char *s, int32_t *out)
{
    char *end;
    long n;

    errno = 0;
    n = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || n < HHI_PRIORITY_MIN || n > HHI_PRIORITY_MAX)
        return -1;
    *out = (int32_t)n;
    return 0;
}

/* A whole number from min to max, or -1. */
static int64_t whole(const char *s, int64_t min, int64_t max)
{
    char *end;
    long long n;

    errno = 0;
    n = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || n < min || n > max)
        return -1;
    return n;
}

/* --isolation, --timeout, --memory, --allow: into the activation's members. */
static int containment_option(struct registry_args *a, int c, const char *arg)
{
    json_object *v = NULL;
    int32_t isolation;
    uint32_t allow;
    char bad[72];
    int64_t n = 0;

    if (a->containment == NULL && (a->containment = json_object_new_object()) == NULL)
        return hhi_cli_error("registry: out of memory"), -1;
    if (c == OPT_ISOLATION && hhi_isolation_from_name(arg, &isolation) == 0)
        v = json_object_new_string(arg);
    else if (c == OPT_ISOLATION)
        return hhi_cli_error("registry: --isolation takes process or in-process"), -1;
    if (c == OPT_TIMEOUT && (n = whole(arg, HHI_TIMEOUT_MIN, HHI_TIMEOUT_MAX)) < 0)
        return hhi_cli_error("registry: --timeout takes a whole number of seconds from %d to %d",
                             HHI_TIMEOUT_MIN, HHI_TIMEOUT_MAX), -1;
    if (c == OPT_MEMORY && (n = whole(arg, HHI_MEMORY_MIN_MIB, HHI_MEMORY_MAX_MIB)) < 0)
        return hhi_cli_error("registry: --memory takes a whole number of MiB from %d to %d",
                             HHI_MEMORY_MIN_MIB, HHI_MEMORY_MAX_MIB), -1;
    if (c == OPT_TIMEOUT || c == OPT_MEMORY)
        v = json_object_new_int64(n);
    if (c == OPT_ALLOW && hhi_allow_from_list(arg, &allow, bad, sizeof(bad)) != 0)
        return hhi_cli_error("registry: --allow: unknown '%s' (network, exec, or none)", bad), -1;
    if (c == OPT_ALLOW)
        v = hhi_allow_to_json(allow);
    json_object_object_add(a->containment,
                           c == OPT_ISOLATION ? "isolation"
                           : c == OPT_TIMEOUT ? "timeoutSeconds"
                           : c == OPT_MEMORY  ? "memoryMiB"
                                              : "allow",
                           v);
    return 0;
}

/* -1 error, 1 help printed, 0 go on. */
static int parse_args(int argc, char **argv, struct registry_args *a)
{
    int c, longindex = -1;

    memset(a, 0, sizeof(*a));
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":f:h", options, &longindex)) != -1) {
        if (c != ':' && c != '?' &&
            hhi_cli_check_value("registry", options, c, longindex, optarg) != 0)
            return -1;
        longindex = -1;
        switch (c) {
        case OPT_REGISTRY: a->registry = optarg; break;
        case OPT_ACCOUNT: a->account = optarg; break;
        case OPT_CONFIG: a->config_path = optarg; break;
        case OPT_ALIAS: a->alias = optarg; break;
        case OPT_INSECURE: a->allow_insecure = true; break;
        case OPT_PLUGIN_DIR: a->plugin_dir = optarg; break;
        case OPT_ISOLATION: case OPT_TIMEOUT: case OPT_MEMORY: case OPT_ALLOW:
            if (containment_option(a, c, optarg) != 0)
                return -1;
            break;
        case OPT_PRIORITY:
            if (parse_priority(optarg, &a->priority) != 0)
                return hhi_cli_error("registry: --priority takes a whole number from %d to %d",
                                     HHI_PRIORITY_MIN, HHI_PRIORITY_MAX), -1;
            a->has_priority = true;
            break;
        case 'f':
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0)
                return hhi_cli_error("registry: unknown format '%s' (text or json)", optarg), -1;
            a->json = strcmp(optarg, "json") == 0;
            break;
        case 'h': usage(stdout); return 1;
        case ':': return hhi_cli_error("registry: option %s needs a value", argv[optind - 1]), -1;
        default:
            return hhi_cli_error("registry: unknown option %s (try 'hookhost registry --help')",
                                 argv[optind - 1]), -1;
        }
    }
    if (optind >= argc)
        return hhi_cli_error("registry: no verb (try 'hookhost registry --help')"), -1;
    a->verb = argv[optind];
    a->args = argv + optind + 1;
    a->arg_count = argc - optind - 1;
    return hhi_cli_check_operands("registry", argv + optind, argc - optind);
}

/* ---------------------------------------------------------------- output */

static const char *str(json_object *obj, const char *key)
{
    const char *s = json_object_get_string(json_object_object_get(obj, key));

    return s != NULL ? s : "";
}

static json_object *hook_configuration(json_object *activation)
{
    json_object *cfg = json_object_object_get(activation, "configuration");

    cfg = json_object_object_get(cfg, "CloudFormationConfiguration");
    return json_object_object_get(cfg, "HookConfiguration");
}

/* ENABLED only when switched on, as the evaluation decides it. */
static const char *invocation_status(json_object *activation)
{
    json_object *hc = hook_configuration(activation);
    const char *status = str(hc, "HookInvocationStatus"), *stacks = str(hc, "TargetStacks");

    if (!json_object_get_boolean(json_object_object_get(activation, "active")))
        return "INACTIVE";
    if (hc == NULL || (status[0] == '\0' && stacks[0] == '\0'))
        return "DISABLED (no configuration)";
    if (strcmp(status, "DISABLED") == 0 || strcmp(stacks, "NONE") == 0)
        return "DISABLED";
    return "ENABLED";
}

static void print_list_text(json_object *index)
{
    json_object *types = json_object_object_get(index, "types");
    json_object *acts = json_object_object_get(index, "activations");

    printf("Types in account %s:\n", str(index, "account"));
    json_object_object_foreach(types, type, t) {
        printf("  %s  default %s  %d version(s)\n", type, str(t, "defaultVersion"),
               json_object_object_length(json_object_object_get(t, "versions")));
    }
    printf("Activations:\n");
    json_object_object_foreach(acts, name, a) {
        printf("  %s  type %s  priority %d  %s\n", name, str(a, "type"),
               json_object_get_int(json_object_object_get(a, "priority")), invocation_status(a));
    }
}

/* The activation's containment, defaults filled in. */
static void add_containment(json_object *o, json_object *a)
{
    struct hhi_containment c;

    memset(&c, 0, sizeof(c));
    (void)hhi_containment_parse(a, "", &c, NULL); /* checked when the index was read */
    hhi_containment_resolve(&c);
    json_object_object_add(o, "isolation", json_object_new_string(hhi_isolation_name(c.isolation)));
    json_object_object_add(o, "timeoutSeconds", json_object_new_int64(c.timeout_seconds));
    json_object_object_add(o, "memoryMiB", json_object_new_int64(c.memory_mib));
    json_object_object_add(o, "allow", hhi_allow_to_json(c.allow));
}

static json_object *activation_summary(const char *name, json_object *a)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "name", json_object_new_string(name));
    json_object_object_add(o, "typeName", json_object_new_string(str(a, "type")));
    json_object_object_add(o, "active", json_object_get(json_object_object_get(a, "active")));
    json_object_object_add(o, "priority", json_object_get(json_object_object_get(a, "priority")));
    json_object_object_add(o, "hookInvocationStatus",
                           json_object_new_string(invocation_status(a)));
    json_object_object_add(o, "configured",
                           json_object_new_boolean(json_object_object_get(a, "configuration") != NULL));
    add_containment(o, a);
    return o;
}

static json_object *type_summary(const char *type, json_object *t)
{
    json_object *o = json_object_new_object();
    json_object *def = json_object_object_get(json_object_object_get(t, "versions"),
                                              str(t, "defaultVersion"));

    json_object_object_add(o, "typeName", json_object_new_string(type));
    json_object_object_add(o, "defaultVersionId", json_object_new_string(str(t, "defaultVersion")));
    json_object_object_add(o, "description", json_object_new_string(str(def, "description")));
    json_object_object_add(o, "versionCount",
                           json_object_new_int(json_object_object_length(json_object_object_get(t, "versions"))));
    return o;
}

static int print_json(json_object *o)
{
    const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
                                                             JSON_C_TO_STRING_NOSLASHESCAPE);
    int rc = text != NULL ? puts(text) : -1; /* NULL: out of memory */

    json_object_put(o);
    return rc < 0 ? -1 : 0;
}

static int verb_list(struct hhi_registry *reg, const struct registry_args *a)
{
    json_object *index = hhi_registry_index(reg), *out, *types, *acts;

    if (!a->json) {
        print_list_text(index);
        return 0;
    }
    out = json_object_new_object();
    types = json_object_new_array();
    acts = json_object_new_array();
    json_object_object_foreach(json_object_object_get(index, "types"), type, t)
        json_object_array_add(types, type_summary(type, t));
    json_object_object_foreach(json_object_object_get(index, "activations"), name, act)
        json_object_array_add(acts, activation_summary(name, act));
    json_object_object_add(out, "account", json_object_new_string(str(index, "account")));
    json_object_object_add(out, "types", types);
    json_object_object_add(out, "activations", acts);
    return print_json(out);
}

static json_object *versions_of(json_object *t)
{
    json_object *out = json_object_new_array();

    json_object_object_foreach(json_object_object_get(t, "versions"), id, v) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "versionId", json_object_new_string(id));
        json_object_object_add(o, "isDefaultVersion",
                               json_object_new_boolean(strcmp(id, str(t, "defaultVersion")) == 0));
        json_object_object_add(o, "pluginVersion", json_object_new_string(str(v, "pluginVersion")));
        json_object_object_add(o, "sha256", json_object_new_string(str(v, "sha256")));
        json_object_object_add(o, "registeredAt", json_object_new_string(str(v, "registeredAt")));
        json_object_object_add(o, "source", json_object_new_string(str(v, "source")));
        json_object_array_add(out, o);
    }
    return out;
}

static void print_versions_text(json_object *versions)
{
    size_t i;

    for (i = 0; i < json_object_array_length(versions); i++) {
        json_object *v = json_object_array_get_idx(versions, i);

        printf("  %s%s  plugin %s  sha256 %s  registered %s\n", str(v, "versionId"),
               json_object_get_boolean(json_object_object_get(v, "isDefaultVersion")) ? " (default)" : "",
               str(v, "pluginVersion"), str(v, "sha256"), str(v, "registeredAt"));
    }
}

static int verb_versions(struct hhi_registry *reg, const struct registry_args *a,
                         struct hhi_error *err)
{
    json_object *t = json_object_object_get(json_object_object_get(hhi_registry_index(reg), "types"),
                                            a->args[0]), *v;

    if (t == NULL)
        return hhi_error_set(err, HHI_EUSAGE, "type %s is not registered", a->args[0]);
    v = versions_of(t);
    if (a->json)
        return print_json(v) == 0 ? HHI_OK : HHI_EIO;
    printf("Versions of %s:\n", a->args[0]);
    print_versions_text(v);
    json_object_put(v);
    return HHI_OK;
}

static int verb_describe(struct hhi_registry *reg, const struct registry_args *a,
                         struct hhi_error *err)
{
    json_object *index = hhi_registry_index(reg);
    const char *name = a->args[0];
    json_object *act = json_object_object_get(json_object_object_get(index, "activations"), name);
    const char *type = act != NULL ? str(act, "type") : name;
    json_object *t = json_object_object_get(json_object_object_get(index, "types"), type), *out;
    json_object *acts;

    if (t == NULL)
        return hhi_error_set(err, HHI_EUSAGE, "%s is neither a registered type nor an activation",
                             name);
    out = type_summary(type, t);
    acts = json_object_new_array();
    json_object_object_add(out, "versions", versions_of(t));
    json_object_object_foreach(json_object_object_get(index, "activations"), n, ac) {
        if (strcmp(str(ac, "type"), type) == 0)
            json_object_array_add(acts, activation_summary(n, ac));
    }
    json_object_object_add(out, "activations", acts);
    if (a->json)
        return print_json(out) == 0 ? HHI_OK : HHI_EIO;
    printf("%s\n  %s\n  default version %s\n", type, str(out, "description"),
           str(out, "defaultVersionId"));
    print_versions_text(json_object_object_get(out, "versions"));
    json_object_object_foreach(json_object_object_get(index, "activations"), n2, ac2) {
        if (strcmp(str(ac2, "type"), type) == 0)
            printf("  activated as %s  priority %d  %s\n", n2,
                   json_object_get_int(json_object_object_get(ac2, "priority")),
                   invocation_status(ac2));
    }
    json_object_put(out);
    return HHI_OK;
}

static int verb_get_configuration(struct hhi_registry *reg, const struct registry_args *a,
                                  struct hhi_error *err)
{
    json_object *act = json_object_object_get(
        json_object_object_get(hhi_registry_index(reg), "activations"), a->args[0]);

    if (act == NULL)
        return hhi_error_set(err, HHI_EUSAGE, "%s is not activated", a->args[0]);
    return print_json(json_object_get(json_object_object_get(act, "configuration"))) == 0
               ? HHI_OK : HHI_EIO;
}

/* ---------------------------------------------------------------- writes */

static int read_configuration(const char *file, char **text, size_t *len, size_t max,
                              struct hhi_error *err)
{
    if (strcmp(file, "-") != 0)
        return hhi_file_read(file, max + 1, text, len, err);
    *text = malloc(max + 2);
    if (*text == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    *len = fread(*text, 1, max + 1, stdin);
    (*text)[*len] = '\0';
    if (ferror(stdin))
        return hhi_error_set(err, HHI_EINPUT, "standard input: %s", strerror(errno));
    if (*len == 0)
        return hhi_error_set(err, HHI_EINPUT, "standard input: empty");
    return HHI_OK;
}

static int verb_set_configuration(struct hhi_registry *reg, const struct registry_args *a,
                                  struct hhi_error *err)
{
    const char *file = a->args[1];
    char *text = NULL;
    size_t len = 0;
    int rc = read_configuration(file, &text, &len, 16u << 20, err);

    if (rc == HHI_EINPUT && strstr(err->message, "too large") != NULL)
        err->code = rc = HHI_EQUOTA;
    if (rc == HHI_OK)
        rc = hhi_registry_set_configuration(reg, a->args[0], text, len,
                                            strcmp(file, "-") == 0 ? "standard input" : file, err);
    free(text);
    return rc;
}

/* The configuration part of a hook file (not its plugin, alias, priority). */
static int import_configuration(struct hhi_registry *reg, const struct hhi_hook_spec *spec,
                                const char *name, struct hhi_error *err)
{
    json_object *cfg = json_object_new_object();
    const char *text;
    int rc;

    if (cfg == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    json_object_object_add(cfg, "CloudFormationConfiguration",
                           json_object_get(json_object_object_get(spec->configuration,
                                                                  "CloudFormationConfiguration")));
    text = json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PLAIN);
    rc = text == NULL ? hhi_error_set(err, HHI_ENOMEM, "out of memory")
                      : hhi_registry_set_configuration(reg, name, text, strlen(text),
                                                       spec->source, err);
    json_object_put(cfg);
    return rc;
}

/* Activate as the hook file says: name, priority and containment. */
static int import_activate(struct hhi_registry *reg, const struct hhi_hook_spec *spec,
                           const char *type, struct hhi_error *err)
{
    json_object *containment = json_object_new_object();
    int rc;

    if (containment == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    hhi_containment_copy_members(containment, spec->configuration);
    rc = hhi_registry_activate(reg, type, spec->name, true, spec->priority, containment, err);
    json_object_put(containment);
    return rc;
}

/* One hook file of a hooks directory into the registry; its line of report into done. */
static int import_spec(struct hhi_registry *reg, const struct hhi_hook_spec *spec,
                       const char *plugin_dir, json_object *done, struct hhi_error *err)
{
    char file[PATH_MAX], type[256], version[HHI_VERSION_ID_LEN + 1];
    const char *name;
    int rc;

    if (spec->plugin_file[0] == '/')
        snprintf(file, sizeof(file), "%s", spec->plugin_file);
    else if (snprintf(file, sizeof(file), "%s/%s", plugin_dir, spec->plugin_file) >=
             (int)sizeof(file))
        return hhi_error_set(err, HHI_ECONFIG, "%s: plugin path too long", spec->source);
    rc = hhi_registry_register(reg, file, type, sizeof(type), version, err);
    name = spec->name != NULL ? spec->name : type;
    if (rc == HHI_OK)
        rc = import_activate(reg, spec, type, err);
    if (rc == HHI_OK)
        rc = import_configuration(reg, spec, name, err);
    if (rc == HHI_OK) {
        char line[PATH_MAX + 512];

        snprintf(line, sizeof(line), "imported %s: %s version %s", spec->source, name, version);
        if (json_object_array_add(done, json_object_new_string(line)) != 0)
            rc = hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    return rc;
}

static int verb_import(struct hhi_registry *reg, const struct registry_args *a,
                       struct hhi_error *err)
{
    const char *plugin_dir = a->plugin_dir;
    json_object *done = json_object_new_array();
    struct hhi_hook_specs specs;
    size_t i;
    int rc;

    if (plugin_dir == NULL)
        plugin_dir = getenv("HOOKHOST_PLUGIN_DIR") != NULL ? getenv("HOOKHOST_PLUGIN_DIR")
                                                           : HOOKHOST_PLUGIN_DIR;
    hhi_hook_specs_init(&specs);
    rc = hhi_hooks_dir_read(&specs, a->args[0], 4096, 16u << 20, err);
    if (rc == HHI_OK && done == NULL)
        rc = hhi_error_set(err, HHI_ENOMEM, "out of memory");
    for (i = 0; rc == HHI_OK && i < specs.count; i++)
        rc = import_spec(reg, &specs.v[i], plugin_dir, done, err);
    /* Reported once all are in: a refused import imports nothing. */
    for (i = 0; rc == HHI_OK && i < json_object_array_length(done); i++)
        fprintf(a->out, "%s\n", json_object_get_string(json_object_array_get_idx(done, i)));
    json_object_put(done);
    hhi_hook_specs_release(&specs);
    return rc;
}

static int verb_register(struct hhi_registry *reg, const struct registry_args *a,
                         struct hhi_error *err)
{
    char type[256], version[HHI_VERSION_ID_LEN + 1];
    int rc = hhi_registry_register(reg, a->args[0], type, sizeof(type), version, err);

    if (rc == HHI_OK && a->json)
        fprintf(a->out, "{\"typeName\": \"%s\", \"versionId\": \"%s\"}\n", type, version);
    else if (rc == HHI_OK)
        fprintf(a->out, "registered %s version %s\n", type, version);
    return rc;
}

/* ------------------------------------------------------------- dispatch */

struct verb {
    const char *name;
    int min_args, max_args;
    bool writes;
};

static const struct verb verbs[] = {
    { "register", 1, 1, true },
    { "list", 0, 0, false },
    { "describe", 1, 1, false },
    { "versions", 1, 1, false },
    { "set-default-version", 2, 2, true },
    { "activate", 1, 1, true },
    { "deactivate", 1, 1, true },
    { "set-configuration", 2, 2, true },
    { "get-configuration", 1, 1, false },
    { "deregister", 1, 2, true },
    { "import", 1, 1, true },
};

static const struct verb *find_verb(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        if (strcmp(verbs[i].name, name) == 0)
            return &verbs[i];
    }
    return NULL;
}

static int run_verb(struct hhi_registry *reg, const struct registry_args *a,
                    struct hhi_error *err)
{
    const char *v = a->verb;

    if (strcmp(v, "register") == 0)
        return verb_register(reg, a, err);
    if (strcmp(v, "list") == 0)
        return verb_list(reg, a) == 0 ? HHI_OK : HHI_EIO;
    if (strcmp(v, "describe") == 0)
        return verb_describe(reg, a, err);
    if (strcmp(v, "versions") == 0)
        return verb_versions(reg, a, err);
    if (strcmp(v, "set-default-version") == 0)
        return hhi_registry_set_default_version(reg, a->args[0], a->args[1], err);
    if (strcmp(v, "activate") == 0)
        return hhi_registry_activate(reg, a->args[0], a->alias, a->has_priority, a->priority,
                                     a->containment, err);
    if (strcmp(v, "deactivate") == 0)
        return hhi_registry_deactivate(reg, a->args[0], err);
    if (strcmp(v, "set-configuration") == 0)
        return verb_set_configuration(reg, a, err);
    if (strcmp(v, "get-configuration") == 0)
        return verb_get_configuration(reg, a, err);
    if (strcmp(v, "import") == 0)
        return verb_import(reg, a, err);
    return hhi_registry_deregister(reg, a->args[0], a->arg_count > 1 ? a->args[1] : NULL, err);
}

static int open_registry(const struct registry_args *a, bool writes, struct hhi_registry **reg,
                         struct hhi_error *err)
{
    struct hhi_registry_options ropts;
    struct hhi_host_config config;
    struct hhi_hook_source src;
    bool missing = false;
    int rc = hhi_host_config_load(&config, a->config_path, err);

    if (rc != HHI_OK)
        return rc;
    hhi_hook_source_init(&src, &config);
    memset(&ropts, 0, sizeof(ropts));
    ropts.root = a->registry != NULL ? a->registry : src.registry;
    ropts.account = a->account != NULL ? a->account : src.account;
    ropts.writable = writes;
    ropts.allow_insecure = a->allow_insecure;
    ropts.limits = config.limits;
    ropts.worker_exe = HHI_WORKER_EXE; /* plugins are described by workers, never run here */
    /* Reading an account nothing was registered in shows it empty. */
    return hhi_registry_open(reg, &ropts, &missing, err);
}

static int registry(int argc, char **argv, struct registry_args *a)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_registry *reg = NULL;
    const struct verb *verb;
    char *report = NULL;
    size_t report_len = 0;
    int rc;

    rc = parse_args(argc, argv, a);
    if (rc != 0)
        return rc > 0 ? HHI_EXIT_OK : HHI_EXIT_ERROR;
    verb = find_verb(a->verb);
    if (verb == NULL) {
        hhi_cli_error("registry: unknown verb '%s' (try 'hookhost registry --help')", a->verb);
        return HHI_EXIT_ERROR;
    }
    if (a->arg_count < verb->min_args || a->arg_count > verb->max_args) {
        hhi_cli_error("registry %s: expected %d%s argument(s) (try 'hookhost registry --help')",
                      verb->name, verb->min_args, verb->max_args > verb->min_args ? " or more" : "");
        return HHI_EXIT_ERROR;
    }
    a->out = stdout;
    if (verb->writes && (a->out = open_memstream(&report, &report_len)) == NULL) {
        hhi_cli_error("registry %s: out of memory", a->verb);
        return HHI_EXIT_ERROR;
    }
    rc = open_registry(a, verb->writes, &reg, &err);
    if (rc == HHI_OK)
        rc = run_verb(reg, a, &err);
    /* A refused command changes nothing: only success is committed. */
    if (rc == HHI_OK)
        rc = hhi_registry_commit(reg, &err);
    hhi_registry_close(reg);
    if (verb->writes) {
        fclose(a->out);
        /* Say what was done only once it is done. */
        if (rc == HHI_OK && report_len > 0)
            fwrite(report, 1, report_len, stdout);
        free(report);
    }
    if (rc == HHI_OK && fflush(stdout) != 0)
        rc = hhi_error_set(&err, HHI_EIO, "cannot write the output: %s", strerror(errno));
    if (rc != HHI_OK) {
        hhi_cli_error("registry %s: %s", a->verb, err.message);
        return HHI_EXIT_ERROR;
    }
    return HHI_EXIT_OK;
}

int hhi_cli_registry(int argc, char **argv)
{
    struct registry_args a;
    int code = registry(argc, argv, &a);

    json_object_put(a.containment);
    return code;
}
