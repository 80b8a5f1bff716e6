#include "config.h"

#include "hookset.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "schema.h"

#define HHI_PRIORITY_MIN (-1000)
#define HHI_PRIORITY_MAX 1000

void hhi_hookset_options_init(struct hhi_hookset_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->hooks_dir = HOOKHOST_HOOKS_DIR;
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

/* Each plugin file is loaded once, however many hooks use it. */
static int plugin_for(struct hhi_hookset *set, const char *file,
                      const struct hhi_plugin **out, struct hhi_error *err)
{
    struct hhi_plugin *p, **grown;
    char *real;
    size_t i;
    int rc;

    /* Relative names resolve in the plugin directory, inside the loader. */
    real = file[0] == '/' ? realpath(file, NULL) : NULL;
    for (i = 0; real != NULL && i < set->plugin_count; i++) {
        if (strcmp(set->plugins[i]->path, real) == 0) {
            free(real);
            *out = set->plugins[i];
            return HHI_OK;
        }
    }
    free(real);
    rc = hhi_loader_load(set->loader, file, &p, err);
    if (rc != HHI_OK)
        return rc;
    for (i = 0; i < set->plugin_count; i++) {
        if (strcmp(set->plugins[i]->path, p->path) == 0) {
            hhi_plugin_free(p); /* same file under another name */
            *out = set->plugins[i];
            return HHI_OK;
        }
    }
    grown = realloc(set->plugins, (set->plugin_count + 1) * sizeof(*grown));
    if (grown == NULL) {
        hhi_plugin_free(p);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    set->plugins = grown;
    set->plugins[set->plugin_count++] = p;
    *out = p;
    return HHI_OK;
}

/* ------------------------------------------------------------ hook files */

static int member_string(json_object *doc, const char *key, bool required, const char *path,
                         const char **out, struct hhi_error *err)
{
    json_object *v;

    *out = NULL;
    if (!json_object_object_get_ex(doc, key, &v)) {
        if (required)
            return hhi_error_set(err, HHI_ECONFIG, "%s: %s: required member missing", path, key);
        return HHI_OK;
    }
    if (!json_object_is_type(v, json_type_string) || json_object_get_string_len(v) == 0)
        return hhi_error_set(err, HHI_ECONFIG, "%s: %s: must be a non-empty string", path, key);
    *out = json_object_get_string(v);
    return HHI_OK;
}

static int member_priority(json_object *doc, const char *path, int32_t *out,
                           struct hhi_error *err)
{
    json_object *v;
    int64_t n;

    *out = 0;
    if (!json_object_object_get_ex(doc, "priority", &v))
        return HHI_OK;
    n = json_object_get_int64(v);
    if (!json_object_is_type(v, json_type_int) || n < HHI_PRIORITY_MIN || n > HHI_PRIORITY_MAX)
        return hhi_error_set(err, HHI_ECONFIG, "%s: priority: must be an integer from %d to %d",
                             path, HHI_PRIORITY_MIN, HHI_PRIORITY_MAX);
    *out = (int32_t)n;
    return HHI_OK;
}

static int check_top_members(json_object *doc, const char *path, struct hhi_error *err)
{
    static const char *const allowed[] = { "plugin", "typeNameAlias", "priority",
                                           "CloudFormationConfiguration", NULL };

    json_object_object_foreach(doc, key, val) {
        size_t i;
        bool ok = false;

        (void)val;
        for (i = 0; allowed[i] != NULL && !ok; i++)
            ok = strcmp(key, allowed[i]) == 0;
        if (!ok)
            return hhi_error_set(err, HHI_ECONFIG, "%s: %s: unknown member", path, key);
    }
    return HHI_OK;
}

static int read_hook_file(const struct hhi_hookset_options *opts, const char *path,
                          json_object **doc, struct hhi_error *err)
{
    char *data = NULL;
    size_t len = 0;
    int rc;

    /* Read one byte past the quota so "too large" is told apart. */
    rc = hhi_file_read(path, opts->max_config_bytes + 1, &data, &len, err);
    if (rc == HHI_EINPUT && err->code == HHI_EINPUT && strstr(err->message, "too large")) {
        hhi_error_clear(err);
        return hhi_error_set(err, HHI_EQUOTA,
                             "%s: hook configuration larger than the quota of %zu bytes", path,
                             opts->max_config_bytes);
    }
    if (rc == HHI_OK && len > opts->max_config_bytes)
        rc = hhi_error_set(err, HHI_EQUOTA,
                           "%s: hook configuration larger than the quota of %zu bytes", path,
                           opts->max_config_bytes);
    if (rc == HHI_OK)
        rc = hhi_json_parse(path, data, len, doc, err);
    free(data);
    if (rc == HHI_EINPUT)
        err->code = HHI_ECONFIG;
    if (rc == HHI_OK && !json_object_is_type(*doc, json_type_object)) {
        json_object_put(*doc);
        *doc = NULL;
        rc = hhi_error_set(err, HHI_ECONFIG, "%s: must be a JSON object", path);
    }
    return rc;
}

/* ------------------------------------------------------------- instances */

static int create_instance(struct hhi_hookset *set, struct hhi_hook *hook,
                           struct hhi_error *err)
{
    const struct hhi_plugin *p = hook->plugin;
    struct hh_instance_args args;
    struct hh_context ctx;
    const char *text;
    int32_t rc;

    text = json_object_to_json_string_ext(hook->config.properties, JSON_C_TO_STRING_PLAIN);
    memset(&args, 0, sizeof(args));
    args.abi = (struct hh_abi)HH_ABI_INIT(struct hh_instance_args);
    args.host = hhi_host_api();
    args.hook_type_name = hook->name;
    args.configuration = text;
    args.configuration_length = strlen(text);
    hhi_context_init(&ctx, hook->name, &set->log);
    ctx.docs[HH_DOC_CONFIGURATION] = hook->config.properties;
    rc = p->desc.create(&ctx, &args, &hook->instance);
    if (rc != HH_OK || hook->instance == NULL) {
        int r;

        if (rc == HH_OK)
            r = hhi_error_set(err, HHI_ECONFIG, "%s: hook %s: create returned no instance",
                              hook->source, hook->name);
        else
            r = hhi_error_set(err, HHI_ECONFIG,
                              "%s: hook %s: the plugin refused its configuration: %s%s%s",
                              hook->source, hook->name,
                              ctx.answered ? hhi_error_code_name(ctx.error_code) : "error",
                              ctx.message_len ? ": " : "", ctx.message);
        hook->instance = NULL;
        hhi_context_release(&ctx);
        return r;
    }
    hhi_context_release(&ctx);
    return HHI_OK;
}

static void hook_free(struct hhi_hook *hook)
{
    if (hook == NULL)
        return;
    if (hook->instance != NULL)
        hook->plugin->desc.destroy(hook->instance);
    hhi_hook_config_release(&hook->config);
    pthread_mutex_destroy(&hook->lock);
    free(hook->name);
    free(hook->source);
    free(hook);
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
    if (rc == HHI_OK && hhi_hook_active(hook))
        rc = create_instance(set, hook, err);
    return rc;
}

/* Name the hook file in a plugin's error: which of the hooks uses it. */
static int in_hook_file(const char *path, struct hhi_error *err)
{
    char message[HHI_ERROR_MESSAGE_MAX];
    int code = err->code;

    if (strncmp(err->message, path, strlen(path)) == 0)
        return code;
    snprintf(message, sizeof(message), "%s", err->message);
    hhi_error_clear(err);
    return hhi_error_set(err, code, "%s: %s", path, message);
}

static int load_hook(struct hhi_hookset *set, const struct hhi_hookset_options *opts,
                     const char *path, struct hhi_hook **out, struct hhi_error *err)
{
    const char *plugin_file = NULL, *alias = NULL;
    struct hhi_hook *hook = NULL;
    json_object *doc = NULL;
    int rc;

    *out = NULL;
    rc = read_hook_file(opts, path, &doc, err);
    if (rc == HHI_OK)
        rc = check_top_members(doc, path, err);
    if (rc == HHI_OK)
        rc = member_string(doc, "plugin", true, path, &plugin_file, err);
    if (rc == HHI_OK)
        rc = member_string(doc, "typeNameAlias", false, path, &alias, err);
    if (rc == HHI_OK && alias != NULL && !hhi_type_name_valid(alias))
        rc = hhi_error_set(err, HHI_ECONFIG,
                           "%s: typeNameAlias: \"%s\" does not match Org::Service::Name", path,
                           alias);
    if (rc != HHI_OK)
        goto done;
    hook = calloc(1, sizeof(*hook));
    if (hook == NULL || pthread_mutex_init(&hook->lock, NULL) != 0) {
        free(hook);
        hook = NULL;
        rc = hhi_error_set(err, HHI_ENOMEM, "out of memory");
        goto done;
    }
    rc = member_priority(doc, path, &hook->priority, err);
    if (rc == HHI_OK)
        rc = plugin_for(set, plugin_file, &hook->plugin, err);
    if (rc != HHI_OK && rc != HHI_ENOMEM)
        rc = in_hook_file(path, err);
    if (rc != HHI_OK)
        goto done;
    hook->source = strdup(path);
    hook->name = strdup(alias != NULL ? alias : hook->plugin->desc.type_name);
    if (hook->source == NULL || hook->name == NULL) {
        rc = hhi_error_set(err, HHI_ENOMEM, "out of memory");
        goto done;
    }
    hook->serialize = !(hook->plugin->desc.flags & HH_PLUGIN_FLAG_CONCURRENT);
    rc = configure_hook(set, hook, doc, err);
done:
    json_object_put(doc);
    if (rc == HHI_OK)
        *out = hook;
    else
        hook_free(hook);
    return rc;
}

/* ----------------------------------------------------------- the set */

static int is_hook_file(const struct dirent *d)
{
    size_t n = strlen(d->d_name);

    return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

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
        return hhi_error_set(err, HHI_EQUOTA, "%s: %zu active hooks, more than the quota of %zu",
                             opts->hooks_dir, active, opts->max_hooks);
    return HHI_OK;
}

static int load_dir(struct hhi_hookset *set, const struct hhi_hookset_options *opts,
                    struct hhi_error *err)
{
    struct dirent **names = NULL;
    int n, i, rc = HHI_OK;

    n = scandir(opts->hooks_dir, &names, is_hook_file, alphasort);
    if (n < 0)
        return hhi_error_set(err, HHI_ECONFIG, "hooks directory %s: %s", opts->hooks_dir,
                             strerror(errno));
    /* Count before loading anything: a runaway directory is refused cheaply. */
    if ((size_t)n > opts->max_hooks * 4)
        rc = hhi_error_set(err, HHI_EQUOTA, "hooks directory %s: %d hook files, far above the quota of %zu active hooks",
                           opts->hooks_dir, n, opts->max_hooks);
    if (rc == HHI_OK) {
        set->hooks = calloc((size_t)n + 1, sizeof(*set->hooks));
        if (set->hooks == NULL)
            rc = hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    for (i = 0; i < n && rc == HHI_OK; i++) {
        char path[PATH_MAX];

        if (snprintf(path, sizeof(path), "%s/%s", opts->hooks_dir, names[i]->d_name) >=
            (int)sizeof(path)) {
            rc = hhi_error_set(err, HHI_ECONFIG, "%s: path too long", names[i]->d_name);
            break;
        }
        rc = load_hook(set, opts, path, &set->hooks[set->hook_count], err);
        if (rc == HHI_OK)
            set->hook_count++;
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}

int hhi_hookset_load(struct hhi_hookset **out, const struct hhi_hookset_options *opts,
                     struct hhi_error *err)
{
    struct hhi_loader_options lopts = { opts->plugin_dir, opts->allow_insecure };
    struct hhi_hookset *set;
    int rc;

    *out = NULL;
    set = calloc(1, sizeof(*set));
    if (set == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    set->log = opts->log;
    rc = hhi_loader_new(&set->loader, &lopts, err);
    if (rc == HHI_OK)
        rc = load_dir(set, opts, err);
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
    for (i = 0; i < set->hook_count; i++)
        hook_free(set->hooks[i]);
    free(set->hooks);
    for (i = 0; i < set->plugin_count; i++)
        hhi_plugin_free(set->plugins[i]);
    free(set->plugins);
    hhi_loader_free(set->loader);
    free(set);
}
