#include "config.h"

#include "loader.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ltdl.h>

#include "input.h"
#include "schema.h"
#include "services.h"
#include "sha256.h"
#include "wildcard.h"
#include "worker.h"
#include "worker_facts.h"

/*
 * libltdl keeps process-global state and lt_dlerror() is global and cleared
 * on read, so one process-wide lock must cover every lt_* call: this is the
 * one piece of global state the host has, and it mirrors libltdl's own.
 */
static pthread_mutex_t ltdl_lock = PTHREAD_MUTEX_INITIALIZER;

/* Size of struct hh_plugin in ABI 1.0: a plugin cannot be smaller. */
#define HHI_PLUGIN_SIZE_1_0 \
    (offsetof(struct hh_plugin, get_extension) + sizeof(void *))
#define HHI_HANDLER_SIZE_1_0 \
    (offsetof(struct hh_handler, target_name_count) + sizeof(size_t))
#define HHI_MAX_HANDLERS 64
#define HHI_MAX_TARGET_NAMES 50
#define HHI_MAX_TARGET_NAME_LEN 256
#define HHI_MAX_VERSION_LEN 64

struct hhi_loader {
    char *plugin_dir;      /* real path */
    bool allow_insecure;
    char *worker_exe;      /* describe plugins in workers run from it, or NULL */
};

static int init_ltdl(void)
{
    int failed;

    pthread_mutex_lock(&ltdl_lock);
    failed = lt_dlinit();
    pthread_mutex_unlock(&ltdl_lock);
    return failed;
}

int hhi_loader_new(struct hhi_loader **out, const struct hhi_loader_options *opts,
                   struct hhi_error *err)
{
    struct hhi_loader *loader;
    char *dir;
    int failed;

    *out = NULL;
    dir = realpath(opts->plugin_dir, NULL);
    if (dir == NULL)
        return hhi_error_set(err, HHI_ECONFIG, "plugin directory %s: %s", opts->plugin_dir,
                             strerror(errno));
    loader = calloc(1, sizeof(*loader));
    if (loader == NULL) {
        free(dir);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    loader->plugin_dir = dir;
    loader->allow_insecure = opts->allow_insecure;
    failed = init_ltdl();
    if (failed) {
        free(dir);
        free(loader);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory initialising libltdl");
    }
    *out = loader;
    return HHI_OK;
}

int hhi_loader_use_workers(struct hhi_loader *loader, const char *exe, struct hhi_error *err)
{
    char *copy = strdup(exe);

    if (copy == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    free(loader->worker_exe);
    loader->worker_exe = copy;
    return HHI_OK;
}

void hhi_loader_free(struct hhi_loader *loader)
{
    if (loader == NULL)
        return;
    /*
     * No lt_dlexit: modules are opened resident (a plugin may have left
     * threads or atexit handlers behind, and unmapping their code would
     * crash later), so libltdl's list of them lives as long as the process.
     */
    free(loader->plugin_dir);
    free(loader->worker_exe);
    free(loader);
}

void hhi_plugin_free(struct hhi_plugin *plugin)
{
    if (plugin == NULL)
        return;
    hhi_schema_free(plugin->schema);
    if (plugin->fd >= 0)
        close(plugin->fd);
    json_object_put(plugin->facts);
    free(plugin->facts_text);
    free(plugin->handler_copies);
    free(plugin->target_copies);
    free(plugin->path);
    free(plugin);
}

/* ----------------------------------------------------------------- trust */

static int resolve_inside(const struct hhi_loader *loader, const char *file, char **real,
                          struct hhi_error *err)
{
    char joined[PATH_MAX];
    size_t dlen = strlen(loader->plugin_dir);
    int n;

    *real = NULL;
    if (file[0] == '\0')
        return hhi_error_set(err, HHI_EPLUGIN, "plugin: empty file name");
    if (file[0] == '/')
        n = snprintf(joined, sizeof(joined), "%s", file);
    else
        n = snprintf(joined, sizeof(joined), "%s/%s", loader->plugin_dir, file);
    if (n < 0 || (size_t)n >= sizeof(joined))
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s: path too long", file);
    *real = realpath(joined, NULL);
    if (*real == NULL)
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s: %s", joined, strerror(errno));
    if (strncmp(*real, loader->plugin_dir, dlen) != 0 || (*real)[dlen] != '/') {
        int rc = hhi_error_set(err, HHI_EPLUGIN,
                               "plugin %s: resolves to %s, outside the plugin directory %s",
                               joined, *real, loader->plugin_dir);
        free(*real);
        *real = NULL;
        return rc;
    }
    return HHI_OK;
}

static bool owner_trusted(uid_t uid)
{
    return uid == 0 || uid == geteuid();
}

static int check_file_trust(const char *path, const struct stat *st, struct hhi_error *err)
{
    if (!owner_trusted(st->st_uid))
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s: owned by uid %ld, not by root or by us: refusing to load",
                             path, (long)st->st_uid);
    if (st->st_mode & (S_IWGRP | S_IWOTH))
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s: writable by group or others (mode %04o): refusing to load",
                             path, (unsigned)(st->st_mode & 07777));
    return HHI_OK;
}

static int check_one_dir(const char *path, const char *dir, struct hhi_error *err)
{
    struct stat st;

    /* Name the file too: the caller must learn which plugin was refused. */
    if (stat(dir, &st) != 0)
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s: directory %s: %s", path, dir,
                             strerror(errno));
    if (!owner_trusted(st.st_uid))
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s: directory %s owned by uid %ld, not by root or by us: refusing to load from it",
                             path, dir, (long)st.st_uid);
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s: directory %s writable by group or others (mode %04o): refusing to load from it",
                             path, dir, (unsigned)(st.st_mode & 07777));
    return HHI_OK;
}

/*
 * Every directory from the file's up to the plugin directory: whoever can
 * write one of them can rename a file of theirs into the plugin's place.
 * Directories above the plugin directory are the administrator's choice.
 */
static int check_dir_trust(const struct hhi_loader *loader, const char *path,
                           struct hhi_error *err)
{
    size_t top = strlen(loader->plugin_dir);
    char dir[PATH_MAX];
    char *slash;
    int rc;

    snprintf(dir, sizeof(dir), "%s", path);
    for (;;) {
        slash = strrchr(dir, '/');
        if (slash == NULL || (size_t)(slash - dir) < top)
            return HHI_OK;
        *slash = '\0';
        if (dir[0] == '\0')
            return check_one_dir(path, "/", err);
        rc = check_one_dir(path, dir, err);
        if (rc != HHI_OK || strlen(dir) <= top)
            return rc;
    }
}

static int open_trusted(const struct hhi_loader *loader, const char *path, int *fd_out,
                        struct hhi_error *err)
{
    unsigned char magic[4];
    struct stat st;
    int fd, rc;

    *fd_out = -1;
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        rc = hhi_error_set(err, HHI_EPLUGIN, "plugin %s: %s", path, strerror(errno));
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        rc = hhi_error_set(err, HHI_EPLUGIN, "plugin %s: not a regular file", path);
        goto fail;
    }
    if (!loader->allow_insecure) {
        rc = check_file_trust(path, &st, err);
        if (rc == HHI_OK)
            rc = check_dir_trust(loader, path, err);
        if (rc != HHI_OK)
            goto fail;
    }
    if (pread(fd, magic, sizeof(magic), 0) != (ssize_t)sizeof(magic) ||
        memcmp(magic, "\177ELF", 4) != 0) {
        rc = hhi_error_set(err, HHI_EPLUGIN,
                           "plugin %s: not a loadable library (no ELF header)", path);
        goto fail;
    }
    *fd_out = fd;
    return HHI_OK;
fail:
    close(fd);
    return rc;
}

/*
 * The file must still be the one that was registered.  It is hashed on the
 * descriptor that is then loaded, so it cannot change in between.
 */
static int check_sha256(const char *path, int fd, const char *expected, struct hhi_error *err)
{
    char actual[HHI_SHA256_HEX_LEN + 1];
    int rc = hhi_sha256_fd(fd, path, actual, err);

    if (rc != HHI_OK)
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s: cannot be hashed", path);
    if (strcmp(actual, expected) != 0)
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s: changed since it was registered (SHA-256 %s, registered %s): refusing to load",
                             path, actual, expected);
    return HHI_OK;
}

/* --------------------------------------------------------------- loading */

static int open_module(const char *path, int fd, hh_plugin_entry_fn *entry, bool *loaded,
                       struct hhi_error *err)
{
    char fdpath[64];
    lt_dladvise advise;
    lt_dlhandle handle = NULL;
    const char *why = NULL;
    void *sym = NULL;
    int rc = HHI_OK;

    *entry = NULL;
    snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", fd);
    pthread_mutex_lock(&ltdl_lock);
    if (lt_dladvise_init(&advise) == 0 && lt_dladvise_local(&advise) == 0 &&
        lt_dladvise_resident(&advise) == 0)
        handle = lt_dlopenadvise(fdpath, advise);
    lt_dladvise_destroy(&advise);
    if (handle == NULL) {
        why = lt_dlerror();
        if (why != NULL && strcmp(why, "not enough memory") == 0) /* libltdl's ENOMEM */
            rc = hhi_error_set(err, HHI_ENOMEM, "plugin %s: out of memory loading it", path);
        else
            rc = hhi_error_set(err, HHI_EPLUGIN, "plugin %s: not a loadable library: %s", path,
                               why != NULL ? why : "unknown error");
    } else {
        *loaded = true;
        sym = lt_dlsym(handle, HH_PLUGIN_ENTRY_NAME);
        if (sym == NULL) {
            (void)lt_dlerror(); /* clear it for the next caller */
            rc = hhi_error_set(err, HHI_EPLUGIN,
                               "plugin %s: no entry function %s: not a hookhost plugin",
                               path, HH_PLUGIN_ENTRY_NAME);
        }
    }
    pthread_mutex_unlock(&ltdl_lock);
    /* Object and function pointers have one representation on POSIX. */
    if (rc == HHI_OK)
        memcpy(entry, &sym, sizeof(*entry));
    return rc;
}

static int call_entry(const char *path, hh_plugin_entry_fn entry,
                      const struct hh_host_api *api, const struct hh_plugin **raw,
                      struct hhi_error *err)
{
    int32_t rc;

    *raw = NULL;
    rc = entry(api, raw);
    if (rc == HH_ERR_ABI)
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s: does not support the host's plugin ABI %d.%d",
                             path, HH_ABI_MAJOR, HH_ABI_MINOR);
    if (rc != HH_OK)
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s: entry function failed (code %d)",
                             path, (int)rc);
    if (*raw == NULL)
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s: entry function returned no descriptor",
                             path);
    /* Another major: refuse before calling anything else in the plugin. */
    if ((*raw)->abi.major != HH_ABI_MAJOR)
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s: built for plugin ABI major %u, this host supports major %d",
                             path, (unsigned)(*raw)->abi.major, HH_ABI_MAJOR);
    if ((*raw)->abi.struct_size < HHI_PLUGIN_SIZE_1_0)
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s: descriptor of %u bytes is smaller than ABI 1.0's %zu",
                             path, (unsigned)(*raw)->abi.struct_size, HHI_PLUGIN_SIZE_1_0);
    return HHI_OK;
}

/* ------------------------------------------------------------ validation */

static const char *const reserved_namespaces[] = {
    "AWS", "Amazon", "Alexa", "AMZN", "ASK", "Custom", "Dev", NULL
};

static bool segment_valid(const char *s, size_t n)
{
    size_t i;

    if (n < 2 || n > 64)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return false;
    }
    return true;
}

bool hhi_type_name_valid(const char *name)
{
    const char *p = name;
    int i;

    if (name == NULL)
        return false;
    for (i = 0; i < 3; i++) {
        const char *end = (i < 2) ? strstr(p, "::") : p + strlen(p);

        if (end == NULL || !segment_valid(p, (size_t)(end - p)))
            return false;
        p = (i < 2) ? end + 2 : end;
    }
    return true;
}

static const char *reserved_namespace(const char *name)
{
    size_t i, n = (size_t)(strstr(name, "::") - name);

    for (i = 0; reserved_namespaces[i] != NULL; i++) {
        if (strlen(reserved_namespaces[i]) == n &&
            strncasecmp(name, reserved_namespaces[i], n) == 0)
            return reserved_namespaces[i];
    }
    return NULL;
}

static bool target_name_valid(const char *s)
{
    size_t i;

    if (s == NULL || s[0] == '\0')
        return false;
    for (i = 0; s[i] != '\0'; i++) {
        if (i >= HHI_MAX_TARGET_NAME_LEN || s[i] <= ' ' || s[i] > '~')
            return false;
    }
    return true;
}

/* functions: check the function pointers too (a described plugin has none here). */
static int validate_identity(const char *path, const struct hh_plugin *d, bool functions,
                             struct hhi_error *err)
{
    const char *ns;

    if (!hhi_type_name_valid(d->type_name))
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s: type name \"%s\" does not match Org::Service::Name",
                             path, d->type_name != NULL ? d->type_name : "(null)");
    ns = reserved_namespace(d->type_name);
    if (ns != NULL)
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s: type name %s uses the reserved namespace %s",
                             path, d->type_name, ns);
    if (d->version == NULL || d->version[0] == '\0' ||
        strlen(d->version) > HHI_MAX_VERSION_LEN)
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s (%s): missing or overlong version",
                             path, d->type_name);
    if (d->default_failure_mode != HH_FAILURE_MODE_FAIL &&
        d->default_failure_mode != HH_FAILURE_MODE_WARN)
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s (%s): invalid default failure mode %d",
                             path, d->type_name, (int)d->default_failure_mode);
    if (functions && (d->create == NULL || d->destroy == NULL || d->invoke == NULL))
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s (%s): create, destroy and invoke are required",
                             path, d->type_name);
    return HHI_OK;
}

static int validate_handler(const char *path, const struct hh_plugin *d, size_t i,
                            const struct hh_handler *h, struct hhi_error *err)
{
    size_t j;

    if (h->invocation_point < 0 || h->invocation_point >= HH_POINT_COUNT ||
        h->action < 0 || h->action >= HH_ACTION_COUNT)
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s (%s): handler %zu: invalid invocation point or action",
                             path, d->type_name, i);
    if (h->target_name_count == 0 || h->target_name_count > HHI_MAX_TARGET_NAMES ||
        h->target_names == NULL)
        return hhi_error_set(err, HHI_EPLUGIN,
                             "plugin %s (%s): handler %zu: 1 to %d target names required",
                             path, d->type_name, i, HHI_MAX_TARGET_NAMES);
    for (j = 0; j < h->target_name_count; j++) {
        if (!target_name_valid(h->target_names[j]))
            return hhi_error_set(err, HHI_EPLUGIN,
                                 "plugin %s (%s): handler %zu: invalid target name %zu",
                                 path, d->type_name, i, j);
    }
    return HHI_OK;
}

static int validate_handlers(const char *path, const struct hh_plugin *d,
                             struct hhi_error *err)
{
    const unsigned char *base = (const unsigned char *)d->handlers;
    size_t i;
    int rc;

    if (d->handler_count == 0 || d->handler_count > HHI_MAX_HANDLERS || base == NULL)
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s (%s): 1 to %d handlers required",
                             path, d->type_name, HHI_MAX_HANDLERS);
    if (d->handler_size < HHI_HANDLER_SIZE_1_0)
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s (%s): handler size %zu too small",
                             path, d->type_name, d->handler_size);
    for (i = 0; i < d->handler_count; i++) {
        struct hh_handler h;

        memset(&h, 0, sizeof(h));
        memcpy(&h, base + i * d->handler_size, HHI_HANDLER_SIZE_1_0);
        rc = validate_handler(path, d, i, &h, err);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}

/* A plugin that declares no schema takes no configuration properties. */
static const char no_configuration_schema[] =
    "{\"type\":\"object\",\"additionalProperties\":false}";

static int compile_schema(const char *path, struct hhi_plugin *p, struct hhi_error *err)
{
    const char *text = p->desc.configuration_schema;
    char what[PATH_MAX + 128];
    json_object *doc = NULL;
    int rc;

    if (text == NULL)
        text = no_configuration_schema;
    snprintf(what, sizeof(what), "plugin %s (%s): configuration schema", path,
             p->desc.type_name);
    rc = hhi_json_parse(what, text, strlen(text), &doc, err);
    if (rc == HHI_OK && !json_object_is_type(doc, json_type_object))
        rc = hhi_error_set(err, HHI_EPLUGIN, "%s: not a JSON object", what);
    else if (rc == HHI_OK)
        rc = hhi_schema_compile(&p->schema, doc, what, err);
    json_object_put(doc);
    /* The parser and the schema compiler say HHI_EINPUT/ECONFIG: this is a plugin error. */
    if (rc != HHI_OK && err != NULL)
        err->code = HHI_EPLUGIN;
    return rc == HHI_OK ? HHI_OK : HHI_EPLUGIN;
}

static int validate(const char *path, struct hhi_plugin *p, bool functions,
                    struct hhi_error *err)
{
    int rc = validate_identity(path, &p->desc, functions, err);

    if (rc == HHI_OK)
        rc = validate_handlers(path, &p->desc, err);
    if (rc == HHI_OK)
        rc = compile_schema(path, p, err);
    return rc;
}

static int describe(const char *path, const struct hh_plugin *raw, struct hhi_plugin *p,
                    struct hhi_error *err)
{
    size_t n = raw->abi.struct_size;

    if (n > sizeof(p->desc))
        n = sizeof(p->desc);
    memset(&p->desc, 0, sizeof(p->desc));
    memcpy(&p->desc, raw, n);
    p->raw = raw;
    p->abi_minor = raw->abi.minor;
    return validate(path, p, true, err);
}

int hhi_plugin_check_described(struct hhi_plugin *p, struct hhi_error *err)
{
    return validate(p->path, p, false, err);
}

int hhi_loader_open(struct hhi_loader *loader, const char *file, const char *sha256,
                    char **real, int *fd, struct hhi_error *err)
{
    int rc;

    *fd = -1;
    rc = resolve_inside(loader, file, real, err);
    if (rc == HHI_OK)
        rc = open_trusted(loader, *real, fd, err);
    if (rc == HHI_OK && sha256 != NULL)
        rc = check_sha256(*real, *fd, sha256, err);
    if (rc != HHI_OK) {
        if (*fd >= 0)
            close(*fd);
        *fd = -1;
        free(*real);
        *real = NULL;
    }
    return rc;
}

int hhi_plugin_load_fd(const char *path, int fd, const struct hh_host_api *api,
                       struct hhi_plugin **out, struct hhi_error *err)
{
    const struct hh_plugin *raw = NULL;
    struct hhi_plugin *p = NULL;
    hh_plugin_entry_fn entry;
    bool loaded = false;
    int rc;

    *out = NULL;
    if (init_ltdl() != 0)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory initialising libltdl");
    /*
     * The dynamic loader knows the module by its name, /proc/self/fd/N: were
     * N closed and reused, the next plugin opened through it would be taken
     * for this one.  The module is resident, so its descriptor stays open
     * too, for the life of the process; when the module could not even be
     * mapped, fd is closed here.
     */
    rc = open_module(path, fd, &entry, &loaded, err);
    if (rc == HHI_OK)
        rc = call_entry(path, entry, api, &raw, err);
    if (rc == HHI_OK && (p = calloc(1, sizeof(*p))) == NULL)
        rc = hhi_error_set(err, HHI_ENOMEM, "out of memory");
    if (rc == HHI_OK) {
        p->fd = -1;
        p->path = strdup(path);
        rc = p->path != NULL ? describe(p->path, raw, p, err)
                             : hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    if (rc == HHI_OK)
        *out = p;
    else
        hhi_plugin_free(p);
    if (!loaded)
        close(fd);
    return rc;
}

/* Have a worker load the plugin and describe it: its code never runs here. */
static int load_described(const struct hhi_loader *loader, char *real, int fd,
                          struct hhi_plugin **out, struct hhi_error *err)
{
    json_object *facts = NULL;
    int rc = hhi_worker_probe(loader->worker_exe, real, fd, &facts, err);

    if (rc == HHI_OK)
        return hhi_facts_plugin(real, fd, facts, out, err); /* takes all three */
    free(real);
    close(fd);
    return rc;
}

int hhi_loader_load(struct hhi_loader *loader, const char *file, const char *sha256,
                    struct hhi_plugin **out, struct hhi_error *err)
{
    char *real = NULL;
    int fd = -1, rc;

    *out = NULL;
    rc = hhi_loader_open(loader, file, sha256, &real, &fd, err);
    if (rc != HHI_OK)
        return rc;
    if (loader->worker_exe != NULL)
        return load_described(loader, real, fd, out, err);
    rc = hhi_plugin_load_fd(real, fd, hhi_host_api(), out, err);
    free(real);
    return rc;
}

/* ---------------------------------------------------------------- targets */

const struct hh_handler *hhi_plugin_handler(const struct hhi_plugin *p, size_t i)
{
    return (const struct hh_handler *)(const void *)((const unsigned char *)p->desc.handlers +
                                                      i * p->desc.handler_size);
}

bool hhi_plugin_targets(const struct hhi_plugin *p, const char *type, int32_t point,
                        int32_t action)
{
    size_t i, j;

    for (i = 0; i < p->desc.handler_count; i++) {
        const struct hh_handler *h = hhi_plugin_handler(p, i);

        if (h->invocation_point != point || h->action != action)
            continue;
        for (j = 0; j < h->target_name_count; j++) {
            if (hhi_wildcard_match(h->target_names[j], type))
                return true;
        }
    }
    return false;
}

bool hhi_plugin_targets_pattern(const struct hhi_plugin *p, const char *pattern)
{
    size_t i, j;

    for (i = 0; i < p->desc.handler_count; i++) {
        const struct hh_handler *h = hhi_plugin_handler(p, i);

        for (j = 0; j < h->target_name_count; j++) {
            if (hhi_wildcard_overlap(h->target_names[j], pattern))
                return true;
        }
    }
    return false;
}
