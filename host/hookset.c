#include "config.h"

#include "hookset.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input.h"
#include "schema.h"
#include "worker_facts.h"
#include "worker_pool.h"


void hhi_hookset_options_init(struct hhi_hookset_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->plugin_dir = HOOKHOST_PLUGIN_DIR;
    opts->max_hooks = HHI_DEFAULT_MAX_HOOKS;
    opts->max_config_bytes = HHI_DEFAULT_MAX_CONFIG_BYTES;
    opts->log.stream = stderr;
    opts->log.max_level = HH_LOG_WARN;
}

bool hhi_hook_active(const struct hhi_hook *hook)
{
    return hook->config.enabled && hook->config.all_stacks;
}

/* -------------------------------------------------------------- plugins */

static int keep_plugin(struct hhi_hookset *set, struct hhi_plugin *p,
                       const struct hhi_plugin **out, struct hhi_error *err)
{
    struct hhi_plugin **grown = realloc(set->plugins, (set->plugin_count + 1) * sizeof(*grown));

    if (grown == NULL) {
        hhi_plugin_free(p);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    set->plugins = grown;
    set->plugins[set->plugin_count++] = p;
    *out = p;
    return HHI_OK;
}

/* Each plugin file is loaded once, however many hooks use it. */
static int plugin_for(struct hhi_hookset *set, const char *file, const char *sha256,
                      const struct hhi_plugin **out, struct hhi_error *err)
{
    struct hhi_plugin *p;
    char *real;
    size_t i;
    int rc;

    /* Relative names resolve in the plugin directory, inside the loader. */
    real = file[0] == '/' && sha256 == NULL ? realpath(file, NULL) : NULL;
    for (i = 0; real != NULL && i < set->plugin_count; i++) {
        if (set->plugins[i]->raw != NULL && strcmp(set->plugins[i]->path, real) == 0) {
            free(real);
            *out = set->plugins[i];
            return HHI_OK;
        }
    }
    free(real);
    rc = hhi_loader_load(set->loader, file, sha256, &p, err);
    if (rc != HHI_OK)
        return rc;
    for (i = 0; i < set->plugin_count; i++) {
        if (set->plugins[i]->raw != NULL && strcmp(set->plugins[i]->path, p->path) == 0) {
            hhi_plugin_free(p); /* same file under another name */
            *out = set->plugins[i];
            return HHI_OK;
        }
    }
    return keep_plugin(set, p, out, err);
}

/* ------------------------------------------------------- process isolation */

/* A plugin described by a worker, known by the file's real path. */
static struct hhi_plugin *described(const struct hhi_hookset *set, const char *path)
{
    size_t i;

    for (i = 0; i < set->plugin_count; i++) {
        if (set->plugins[i]->raw == NULL && strcmp(set->plugins[i]->path, path) == 0)
            return set->plugins[i];
    }
    return NULL;
}

/* Same plugin, same description: every worker must give the first one's. */
static int same_facts(const struct hhi_plugin *known, json_object *facts, struct hhi_error *err)
{
    const char *text = json_object_to_json_string_ext(facts, JSON_C_TO_STRING_PLAIN);
    int same = text != NULL && strcmp(text, known->facts_text) == 0;

    json_object_put(facts);
    if (!same)
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s: described itself differently in another worker",
                             known->path);
    return HHI_OK;
}

/*
 * The hook's pool and first worker; the plugin's record comes from that
 * worker's description the first time the file is used.  Its code never
 * runs in this process.
 */
static int isolated_plugin(struct hhi_hookset *set, const struct hhi_hook_spec *spec,
                           struct hhi_hook *hook, struct hhi_error *err)
{
    struct hhi_worker_spec ws;
    struct hhi_plugin *known, *p;
    json_object *facts = NULL;
    char *real = NULL;
    int fd = -1, rc;

    if (set->inputs == NULL && (set->inputs = hhi_pool_inputs_new()) == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    rc = hhi_loader_open(set->loader, spec->plugin_file, spec->sha256, &real, &fd, err);
    if (rc != HHI_OK)
        return rc;
    known = described(set, real);
    if (known != NULL) {
        close(fd);
        fd = known->fd;
    }
    memset(&ws, 0, sizeof(ws));
    ws.exe = set->worker_exe;
    ws.path = real;
    ws.plugin_fd = fd;
    ws.hook = spec->name;
    ws.c = hook->containment;
    rc = hhi_pool_new(&hook->pool, &ws, &set->log, set->inputs, err);
    if (rc == HHI_OK)
        rc = hhi_pool_first(hook->pool, &facts, err);
    if (rc != HHI_OK || known != NULL) {
        if (known == NULL)
            close(fd);
        free(real);
        hook->plugin = known;
        return rc != HHI_OK ? rc : same_facts(known, facts, err);
    }
    rc = hhi_facts_plugin(real, fd, facts, &p, err); /* takes real, fd and facts */
    if (rc == HHI_OK)
        rc = keep_plugin(set, p, &hook->plugin, err);
    return rc;
}

/* ------------------------------------------------------------- instances */

/* create said no: the same one-line error in both isolations. */
static int create_refused(const struct hhi_hook *hook, bool no_instance,
                          const struct hh_context *ctx, struct hhi_error *err)
{
    if (no_instance)
        return hhi_error_set(err, HHI_ECONFIG, "%s: hook %s: create returned no instance",
                             hook->source, hook->name);
    return hhi_error_set(err, HHI_ECONFIG,
                         "%s: hook %s: the plugin refused its configuration: %s%s%s",
                         hook->source, hook->name,
                         ctx->answered ? hhi_error_code_name(ctx->error_code) : "error",
                         ctx->message_len ? ": " : "", ctx->message);
}

static int create_in_process(struct hhi_hook *hook, const char *text, struct hh_context *ctx,
                             struct hhi_error *err)
{
    struct hh_instance_args args;
    int32_t rc;

    memset(&args, 0, sizeof(args));
    args.abi = (struct hh_abi)HH_ABI_INIT(struct hh_instance_args);
    args.host = hhi_host_api();
    args.hook_type_name = hook->name;
    args.configuration = text;
    args.configuration_length = strlen(text);
    rc = hook->plugin->desc.create(ctx, &args, &hook->instance);
    if (rc == HH_OK && hook->instance != NULL)
        return HHI_OK;
    hook->instance = NULL;
    return create_refused(hook, rc == HH_OK, ctx, err);
}

/*
 * In the first worker.  A worker lost in create (a crash) does not stop
 * the others: the hook's calls then say what happened.
 */
static int create_in_workers(const struct hhi_hookset *set, struct hhi_hook *hook,
                             const char *text, struct hh_context *ctx, struct hhi_error *err)
{
    int32_t rc;
    int r = hhi_pool_configure(hook->pool, hook->plugin->facts_text, hook->name, text,
                               set->log.max_level, err);

    if (r != HHI_OK)
        return r;
    switch (hhi_pool_create_first(hook->pool, ctx, &rc)) {
    case HHI_POOL_REFUSED:
        return create_refused(hook, false, ctx, err);
    case HHI_POOL_NO_INSTANCE:
        return create_refused(hook, true, ctx, err);
    default:
        return HHI_OK;
    }
}

static int create_instance(struct hhi_hookset *set, struct hhi_hook *hook,
                           struct hhi_error *err)
{
    const char *text;
    struct hh_context ctx;
    int rc;

    text = json_object_to_json_string_ext(hook->config.properties, JSON_C_TO_STRING_PLAIN);
    if (text == NULL) /* json-c could not allocate its print buffer */
        return hhi_error_set(err, HHI_ENOMEM, "%s: hook %s: out of memory", hook->source,
                             hook->name);
    hhi_context_init(&ctx, hook->name, &set->log);
    ctx.docs[HH_DOC_CONFIGURATION] = hook->config.properties;
    if (hook->pool != NULL)
        rc = create_in_workers(set, hook, text, &ctx, err);
    else
        rc = create_in_process(hook, text, &ctx, err);
    hhi_context_release(&ctx);
    return rc;
}

static void hook_free(struct hhi_hook *hook)
{
    if (hook == NULL)
        return;
    if (hook->instance != NULL)
        hook->plugin->desc.destroy(hook->instance);
    hhi_pool_free(hook->pool); /* the workers destroy theirs */
    hhi_hook_config_release(&hook->config);
    pthread_mutex_destroy(&hook->lock);
    free(hook->name);
    free(hook->version);
    free(hook->source);
    free(hook);
}

/* What the plugin declares it needs, the hook must allow. */
static int check_allowed(const struct hhi_hook *hook, struct hhi_error *err)
{
    char words[64];

    if (!hhi_containment_missing(hook->containment.allow, hook->plugin->desc.flags, words,
                                 sizeof(words)))
        return HHI_OK;
    return hhi_error_set(err, HHI_ECONFIG,
                         "%s: hook %s: its plugin needs %s, which the hook does not allow: "
                         "add it to the hook's \"allow\" to let it run",
                         hook->source, hook->name, words);
}

static int configure_hook(struct hhi_hookset *set, struct hhi_hook *hook, json_object *doc,
                          struct hhi_error *err)
{
    const struct hhi_plugin *p = hook->plugin;
    char what[PATH_MAX + 256];
    int rc;

    snprintf(what, sizeof(what), "%s: hook %s", hook->source, hook->name);
    rc = hhi_hook_config_parse(&hook->config, doc, p->desc.default_failure_mode, what, err);
    if (rc == HHI_OK)
        rc = hhi_schema_validate(p->schema, hook->config.properties, what, "Properties", err);
    if (rc == HHI_OK)
        rc = check_allowed(hook, err);
    if (rc == HHI_OK && hhi_hook_active(hook))
        rc = create_instance(set, hook, err);
    else if (rc == HHI_OK)
        hhi_pool_close(hook->pool); /* switched off: no worker needed */
    return rc;
}

/* Name the hook file in a plugin's error: which of the hooks uses it. */
/* Prefix an error with the spec's source when it does not name it yet. */
static int in_source(const char *source, struct hhi_error *err)
{
    char message[HHI_ERROR_MESSAGE_MAX];
    int code = err->code;

    if (strncmp(err->message, source, strlen(source)) == 0)
        return code;
    snprintf(message, sizeof(message), "%s", err->message);
    hhi_error_clear(err);
    return hhi_error_set(err, code, "%s: %s", source, message);
}

static int load_spec(struct hhi_hookset *set, const struct hhi_hook_spec *spec,
                     struct hhi_hook **out, struct hhi_error *err)
{
    struct hhi_hook *hook;
    json_object *empty = NULL;
    int rc;

    *out = NULL;
    hook = calloc(1, sizeof(*hook));
    if (hook == NULL || pthread_mutex_init(&hook->lock, NULL) != 0) {
        free(hook);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    hook->priority = spec->priority;
    hook->containment = spec->containment;
    hhi_containment_resolve(&hook->containment);
    /* Without a worker program (a test linking the library) hooks run here. */
    if (hook->containment.isolation == HHI_ISOLATION_PROCESS && set->worker_exe != NULL)
        rc = isolated_plugin(set, spec, hook, err);
    else
        rc = plugin_for(set, spec->plugin_file, spec->sha256, &hook->plugin, err);
    if (rc != HHI_OK && rc != HHI_ENOMEM)
        rc = in_source(spec->source, err);
    if (rc != HHI_OK)
        goto done;
    hook->source = strdup(spec->source);
    hook->name = strdup(spec->name != NULL ? spec->name : hook->plugin->desc.type_name);
    hook->version = strdup(spec->version != NULL ? spec->version : hook->plugin->desc.version);
    if (hook->source == NULL || hook->name == NULL || hook->version == NULL) {
        rc = hhi_error_set(err, HHI_ENOMEM, "out of memory");
        goto done;
    }
    hook->serialize = !(hook->plugin->desc.flags & HH_PLUGIN_FLAG_CONCURRENT);
    /* Activated but never configured: CloudFormation leaves such a hook off. */
    if (spec->configuration == NULL) {
        /* Not json_tokener_parse: json-c 0.16's tokener crashes out of memory. */
        static const char none[] = "{\"CloudFormationConfiguration\":{\"HookConfiguration\":{}}}";

        rc = hhi_json_parse("(no configuration)", none, sizeof(none) - 1, &empty, err);
        if (rc != HHI_OK)
            goto done;
    }
    rc = configure_hook(set, hook, spec->configuration != NULL ? spec->configuration : empty,
                        err);
done:
    json_object_put(empty);
    if (rc == HHI_OK)
        *out = hook;
    else
        hook_free(hook);
    return rc;
}

/* ----------------------------------------------------------- the set */

static int compare_hooks(const void *a, const void *b)
{
    const struct hhi_hook *x = *(const struct hhi_hook *const *)a;
    const struct hhi_hook *y = *(const struct hhi_hook *const *)b;

    if (x->priority != y->priority)
        return x->priority < y->priority ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int check_unique_and_quota(const struct hhi_hookset *set,
                                  const struct hhi_hookset_options *opts,
                                  struct hhi_error *err)
{
    size_t i, j, active = 0;

    for (i = 0; i < set->hook_count; i++) {
        if (hhi_hook_active(set->hooks[i]))
            active++;
        /* Sorted by priority first: duplicates need not be neighbours. */
        for (j = 0; j < i; j++) {
            if (strcmp(set->hooks[i]->name, set->hooks[j]->name) == 0)
                return hhi_error_set(err, HHI_ECONFIG,
                                     "%s: hook %s is already activated by %s (use typeNameAlias to activate a plugin twice)",
                                     set->hooks[i]->source, set->hooks[i]->name,
                                     set->hooks[j]->source);
        }
    }
    if (active > opts->max_hooks)
        return hhi_error_set(err, HHI_EQUOTA, "%zu active hooks, more than the quota of %zu",
                             active, opts->max_hooks);
    return HHI_OK;
}

static int load_specs(struct hhi_hookset *set, const struct hhi_hook_specs *specs,
                      struct hhi_error *err)
{
    size_t i;
    int rc = HHI_OK;

    set->hooks = calloc(specs->count + 1, sizeof(*set->hooks));
    if (set->hooks == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    for (i = 0; i < specs->count && rc == HHI_OK; i++) {
        rc = load_spec(set, &specs->v[i], &set->hooks[set->hook_count], err);
        if (rc == HHI_OK)
            set->hook_count++;
    }
    return rc;
}

int hhi_hookset_load(struct hhi_hookset **out, const struct hhi_hookset_options *opts,
                     const struct hhi_hook_specs *specs, struct hhi_error *err)
{
    struct hhi_loader_options lopts = { opts->plugin_dir, opts->allow_insecure };
    struct hhi_hookset *set;
    int rc;

    *out = NULL;
    set = calloc(1, sizeof(*set));
    if (set == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    set->log = opts->log;
    set->worker_exe = opts->worker_exe;
    rc = hhi_loader_new(&set->loader, &lopts, err);
    if (rc == HHI_OK)
        rc = load_specs(set, specs, err);
    if (rc == HHI_OK) {
        qsort(set->hooks, set->hook_count, sizeof(*set->hooks), compare_hooks);
        rc = check_unique_and_quota(set, opts, err);
    }
    if (rc != HHI_OK) {
        hhi_hookset_free(set);
        return rc;
    }
    *out = set;
    return HHI_OK;
}

void hhi_hookset_free(struct hhi_hookset *set)
{
    size_t i;

    if (set == NULL)
        return;
    /* Every worker told first, so they destroy their instances at once. */
    for (i = 0; i < set->hook_count; i++)
        hhi_pool_close(set->hooks[i]->pool);
    for (i = 0; i < set->hook_count; i++)
        hook_free(set->hooks[i]);
    free(set->hooks);
    for (i = 0; i < set->plugin_count; i++)
        hhi_plugin_free(set->plugins[i]);
    free(set->plugins);
    hhi_pool_inputs_free(set->inputs);
    hhi_loader_free(set->loader);
    free(set);
}
