#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hook_config.h"
#include "input.h"
#include "registry_internal.h"
#include "schema.h"
#include "sha256.h"

#define HHI_PLUGIN_MAX_BYTES ((size_t)256 << 20)

/* ----------------------------------------------------------------- names */

bool hhi_account_name_valid(const char *name)
{
    size_t i;

    if (name == NULL || name[0] == '\0' || name[0] == '.' || name[0] == '-' || name[0] == '_')
        return false;
    for (i = 0; name[i] != '\0'; i++) {
        char c = name[i];

        if (i >= 64 || !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static bool version_id_valid(const char *v)
{
    size_t i;

    for (i = 0; i < HHI_VERSION_ID_LEN; i++) {
        if (v[i] < '0' || v[i] > '9')
            return false;
    }
    return v[HHI_VERSION_ID_LEN] == '\0' && strcmp(v, "00000000") != 0;
}

/* "Org::Svc::Name" -> "Org-Svc-Name": segments are alphanumeric, so unique. */
static void type_dir_name(const char *type, char *out, size_t cap)
{
    size_t i = 0;

    for (; *type != '\0' && i + 1 < cap; type++) {
        if (type[0] == ':' && type[1] == ':') {
            out[i++] = '-';
            type++;
        } else {
            out[i++] = *type;
        }
    }
    out[i] = '\0';
}

json_object *hhi_registry_types(const struct hhi_registry *reg)
{
    return json_object_object_get(reg->index, "types");
}

json_object *hhi_registry_activations(const struct hhi_registry *reg)
{
    return json_object_object_get(reg->index, "activations");
}

json_object *hhi_registry_index(const struct hhi_registry *reg)
{
    return reg->index;
}

const char *hhi_registry_plugin_dir(const struct hhi_registry *reg)
{
    return reg->plugin_dir;
}

/* ------------------------------------------------------- index checking */

static int corrupt(const struct hhi_registry *reg, const char *where, const char *why,
                   struct hhi_error *err)
{
    return hhi_error_set(err, HHI_ECONFIG, "registry %s: corrupt index: %s: %s",
                         reg->index_path, where, why);
}

static json_object *member(json_object *obj, const char *key, enum json_type type)
{
    json_object *v;

    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, type))
        return NULL;
    return v;
}

static int check_version(const struct hhi_registry *reg, const char *type, const char *id,
                         json_object *v, struct hhi_error *err)
{
    json_object *file = member(v, "file", json_type_string);
    json_object *sha = member(v, "sha256", json_type_string);
    char where[256];

    snprintf(where, sizeof(where), "types.%s.versions.%s", type, id);
    if (!version_id_valid(id) || !json_object_is_type(v, json_type_object))
        return corrupt(reg, where, "not a version", err);
    if (file == NULL || strstr(json_object_get_string(file), "..") != NULL ||
        json_object_get_string(file)[0] == '/')
        return corrupt(reg, where, "file missing or outside the plugin directory", err);
    if (sha == NULL || !hhi_sha256_hex_valid(json_object_get_string(sha)))
        return corrupt(reg, where, "sha256 missing or malformed", err);
    return HHI_OK;
}

static int check_type(const struct hhi_registry *reg, const char *type, json_object *t,
                      struct hhi_error *err)
{
    json_object *versions = member(t, "versions", json_type_object);
    json_object *next = member(t, "nextVersion", json_type_int);
    json_object *def = member(t, "defaultVersion", json_type_string);
    char where[256];
    int rc;

    snprintf(where, sizeof(where), "types.%s", type);
    if (!hhi_type_name_valid(type) || versions == NULL || next == NULL ||
        json_object_get_int64(next) < 1 || json_object_get_int64(next) > 99999999)
        return corrupt(reg, where, "not a type", err);
    if (json_object_object_length(versions) > 0 &&
        (def == NULL || !json_object_object_get_ex(versions, json_object_get_string(def), NULL)))
        return corrupt(reg, where, "defaultVersion names no version", err);
    json_object_object_foreach(versions, id, v) {
        rc = check_version(reg, type, id, v, err);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}

/* isolation, timeoutSeconds, memoryMiB, allow: valid when present. */
static int check_containment(const struct hhi_registry *reg, const char *where, json_object *a,
                             struct hhi_error *err)
{
    struct hhi_containment c;
    struct hhi_error e = { HHI_OK, "" };

    memset(&c, 0, sizeof(c));
    if (hhi_containment_parse(a, where, &c, &e) != HHI_OK)
        return corrupt(reg, where, e.message + strlen(where) + 2, err);
    return HHI_OK;
}

static int check_activation(const struct hhi_registry *reg, json_object *types, const char *name,
                            json_object *a, struct hhi_error *err)
{
    json_object *type = member(a, "type", json_type_string);
    json_object *priority = member(a, "priority", json_type_int);
    json_object *cfg;
    char where[256];

    snprintf(where, sizeof(where), "activations.%s", name);
    if (!hhi_type_name_valid(name) || type == NULL ||
        !json_object_object_get_ex(types, json_object_get_string(type), NULL))
        return corrupt(reg, where, "not an activation of a registered type", err);
    if (member(a, "active", json_type_boolean) == NULL || priority == NULL)
        return corrupt(reg, where, "active or priority missing", err);
    if (json_object_get_int64(priority) < HHI_PRIORITY_MIN ||
        json_object_get_int64(priority) > HHI_PRIORITY_MAX)
        return corrupt(reg, where, "priority out of range", err);
    if (json_object_object_get_ex(a, "configuration", &cfg) && cfg != NULL &&
        !json_object_is_type(cfg, json_type_object))
        return corrupt(reg, where, "configuration is not an object", err);
    return check_containment(reg, where, a, err);
}

int hhi_registry_check_index(const struct hhi_registry *reg, json_object *index,
                             struct hhi_error *err)
{
    json_object *fmt = member(index, "formatVersion", json_type_int);
    json_object *types = member(index, "types", json_type_object);
    json_object *acts = member(index, "activations", json_type_object);
    int rc;

    if (!json_object_is_type(index, json_type_object) || fmt == NULL || types == NULL ||
        acts == NULL)
        return corrupt(reg, "(root)", "formatVersion, types and activations are required", err);
    if (json_object_get_int64(fmt) != HHI_REGISTRY_FORMAT)
        return corrupt(reg, "formatVersion", "written by another release of hookhost", err);
    json_object_object_foreach(types, type, t) {
        rc = check_type(reg, type, t, err);
        if (rc != HHI_OK)
            return rc;
    }
    json_object_object_foreach(acts, name, a) {
        rc = check_activation(reg, types, name, a, err);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}

/* --------------------------------------------------------- open / close */

int hhi_registry_open(struct hhi_registry **out, const struct hhi_registry_options *opts,
                      bool *missing, struct hhi_error *err)
{
    struct hhi_registry *reg;
    bool absent = false;
    int rc;

    *out = NULL;
    if (!hhi_account_name_valid(opts->account))
        return hhi_error_set(err, HHI_EUSAGE,
                             "account '%s': use letters, digits, '-', '_' and '.' (64 at most)",
                             opts->account != NULL ? opts->account : "");
    if (opts->root == NULL || opts->root[0] != '/')
        return hhi_error_set(err, HHI_EUSAGE, "registry %s: must be an absolute path",
                             opts->root != NULL ? opts->root : "");
    reg = calloc(1, sizeof(*reg));
    if (reg == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    reg->opts = *opts;
    snprintf(reg->root, sizeof(reg->root), "%s", opts->root);
    snprintf(reg->account, sizeof(reg->account), "%s", opts->account);
    rc = hhi_registry_store_open(reg, &absent, err);
    if (rc == HHI_OK && absent && missing == NULL)
        rc = hhi_error_set(err, HHI_ECONFIG, "registry %s: account %s has no hooks registered",
                           reg->root, reg->account);
    if (rc != HHI_OK) {
        hhi_registry_close(reg);
        return rc;
    }
    if (missing != NULL)
        *missing = absent;
    *out = reg;
    return HHI_OK;
}

static void forget_added(struct hhi_registry *reg, bool remove)
{
    size_t i;

    for (i = 0; i < reg->added_count; i++) {
        if (remove)
            unlink(reg->added[i]);
        free(reg->added[i]);
    }
    free(reg->added);
    reg->added = NULL;
    reg->added_count = 0;
}

void hhi_registry_close(struct hhi_registry *reg)
{
    size_t i;

    if (reg == NULL)
        return;
    /* Uncommitted: the files registered are removed, still under the lock. */
    forget_added(reg, true);
    hhi_registry_store_close(reg);
    for (i = 0; i < reg->plugin_count; i++)
        hhi_plugin_free(reg->plugins[i]);
    free(reg->plugins);
    hhi_loader_free(reg->loader);
    json_object_put(reg->index);
    free(reg);
}

int hhi_registry_commit(struct hhi_registry *reg, struct hhi_error *err)
{
    int rc;

    if (!reg->opts.writable)
        return HHI_OK;
    rc = hhi_registry_store_commit(reg, err);
    if (rc == HHI_OK)
        forget_added(reg, false); /* the index names them now */
    return rc;
}

/* --------------------------------------------------------------- plugins */

static int loader(struct hhi_registry *reg, struct hhi_error *err)
{
    struct hhi_loader_options lopts = { reg->plugin_dir, reg->opts.allow_insecure };

    int rc;

    if (reg->loader != NULL)
        return HHI_OK;
    rc = hhi_loader_new(&reg->loader, &lopts, err);
    if (rc == HHI_OK && reg->opts.worker_exe != NULL)
        rc = hhi_loader_use_workers(reg->loader, reg->opts.worker_exe, err);
    return rc;
}

static int load_plugin(struct hhi_registry *reg, const char *file, const char *sha256,
                       const struct hhi_plugin **out, struct hhi_error *err)
{
    struct hhi_plugin *p, **grown;
    char path[PATH_MAX];
    size_t i;
    int rc;

    if (snprintf(path, sizeof(path), "%s/%s", reg->plugin_dir, file) >= (int)sizeof(path))
        return hhi_error_set(err, HHI_ECONFIG, "registry %s: plugin path too long", file);
    for (i = 0; i < reg->plugin_count; i++) {
        if (strcmp(reg->plugins[i]->path, path) == 0) {
            *out = reg->plugins[i];
            return HHI_OK;
        }
    }
    rc = loader(reg, err);
    if (rc == HHI_OK)
        rc = hhi_loader_load(reg->loader, file, sha256, &p, err);
    if (rc != HHI_OK)
        return rc;
    grown = realloc(reg->plugins, (reg->plugin_count + 1) * sizeof(*grown));
    if (grown == NULL) {
        hhi_plugin_free(p);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    reg->plugins = grown;
    reg->plugins[reg->plugin_count++] = p;
    *out = p;
    return HHI_OK;
}

static json_object *find_type(const struct hhi_registry *reg, const char *type,
                              struct hhi_error *err)
{
    json_object *t;

    if (!json_object_object_get_ex(hhi_registry_types(reg), type, &t)) {
        hhi_error_set(err, HHI_EUSAGE, "type %s is not registered in account %s", type,
                      reg->account);
        return NULL;
    }
    return t;
}

int hhi_registry_load_default(struct hhi_registry *reg, const char *type,
                              const struct hhi_plugin **out, struct hhi_error *err)
{
    json_object *t = find_type(reg, type, err), *v;
    const char *def;

    if (t == NULL)
        return err->code;
    def = json_object_get_string(json_object_object_get(t, "defaultVersion"));
    if (def == NULL ||
        !json_object_object_get_ex(json_object_object_get(t, "versions"), def, &v))
        return hhi_error_set(err, HHI_EUSAGE, "type %s has no version", type);
    return load_plugin(reg, json_object_get_string(json_object_object_get(v, "file")),
                       json_object_get_string(json_object_object_get(v, "sha256")), out, err);
}

/* ---------------------------------------------------------------- register */

static int copy_fd(int from, int to)
{
    char buf[65536];

    for (;;) {
        ssize_t n = read(from, buf, sizeof(buf)), off = 0;

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return 0;
        while (off < n) {
            ssize_t w = write(to, buf + off, (size_t)(n - off));

            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                return -1;
            off += w;
        }
    }
}

/*
 * Whoever else can write the file, or replace it in its directory, chose
 * what would be registered: refuse it unless insecure registries are
 * allowed (a sticky directory such as /tmp lets nobody replace our file).
 */
static int check_source_trust(const char *file, const struct stat *st, struct hhi_error *err)
{
    char *real, *slash;
    struct stat dir;
    int rc = HHI_OK;

    if (st->st_uid != 0 && st->st_uid != geteuid())
        return hhi_error_set(err, HHI_EPLUGIN,
                             "%s: owned by uid %ld, not by root or by us: refusing to register it",
                             file, (long)st->st_uid);
    if (st->st_mode & (S_IWGRP | S_IWOTH))
        return hhi_error_set(err, HHI_EPLUGIN,
                             "%s: writable by group or others (mode %04o): refusing to register it",
                             file, (unsigned)(st->st_mode & 07777));
    real = realpath(file, NULL);
    if (real == NULL)
        return hhi_error_set(err, HHI_EINPUT, "%s: %s", file, strerror(errno));
    slash = strrchr(real, '/');
    if (slash != NULL)
        *(slash == real ? slash + 1 : slash) = '\0';
    if (stat(real, &dir) == 0 && (dir.st_mode & (S_IWGRP | S_IWOTH)) && !(dir.st_mode & S_ISVTX))
        rc = hhi_error_set(err, HHI_EPLUGIN,
                           "%s: in directory %s writable by group or others (mode %04o): "
                           "refusing to register it",
                           file, real, (unsigned)(dir.st_mode & 07777));
    free(real);
    return rc;
}

/* Copy file into the plugin directory as name (fsync'd, owner-writable only). */
static int copy_in(const struct hhi_registry *reg, const char *file, const char *name,
                   struct hhi_error *err)
{
    char path[PATH_MAX + 64];
    struct stat st;
    int in, out, rc = HHI_OK;

    in = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (in < 0)
        return hhi_error_set(err, HHI_EINPUT, "%s: %s", file, strerror(errno));
    if (fstat(in, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > HHI_PLUGIN_MAX_BYTES) {
        close(in);
        return hhi_error_set(err, HHI_EINPUT, "%s: not a regular file of at most %zu bytes", file,
                             HHI_PLUGIN_MAX_BYTES);
    }
    if (!reg->opts.allow_insecure && (rc = check_source_trust(file, &st, err)) != HHI_OK) {
        close(in);
        return rc;
    }
    snprintf(path, sizeof(path), "%s/%s", reg->plugin_dir, name);
    /* A writer killed earlier with our pid may have left it (we hold the lock). */
    unlink(path);
    out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (out < 0) {
        close(in);
        return hhi_error_set(err, HHI_EIO, "registry %s: %s", path, strerror(errno));
    }
    if (fchmod(out, 0644) != 0 || copy_fd(in, out) != 0 || fsync(out) != 0)
        rc = hhi_error_set(err, HHI_EIO, "registry %s: %s", path, strerror(errno));
    if (close(out) != 0 && rc == HHI_OK)
        rc = hhi_error_set(err, HHI_EIO, "registry %s: %s", path, strerror(errno));
    close(in);
    if (rc != HHI_OK)
        unlink(path);
    return rc;
}

static int file_sha256(const char *path, char hex[HHI_SHA256_HEX_LEN + 1], struct hhi_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

    if (fd < 0)
        return hhi_error_set(err, HHI_EIO, "%s: %s", path, strerror(errno));
    rc = hhi_sha256_fd(fd, path, hex, err);
    close(fd);
    return rc;
}

/* The version of type whose file has this SHA-256, or NULL. */
static const char *same_content(json_object *t, const char *sha)
{
    json_object_object_foreach(json_object_object_get(t, "versions"), id, v) {
        if (strcmp(json_object_get_string(json_object_object_get(v, "sha256")), sha) == 0)
            return id;
    }
    return NULL;
}

static void now_iso8601(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static json_object *new_type(struct hhi_registry *reg, const char *type)
{
    json_object *t = json_object_new_object();

    if (t == NULL)
        return NULL;
    json_object_object_add(t, "nextVersion", json_object_new_int(1));
    json_object_object_add(t, "versions", json_object_new_object());
    if (json_object_object_length(t) != 2 ||
        json_object_object_add(hhi_registry_types(reg), type, t) != 0) {
        json_object_put(t);
        return NULL;
    }
    return t;
}

static json_object *version_record(const struct hhi_plugin *p, const char *file,
                                   const char *sha, const char *source)
{
    json_object *v = json_object_new_object();
    char when[32];

    if (v == NULL)
        return NULL;
    now_iso8601(when, sizeof(when));
    json_object_object_add(v, "file", json_object_new_string(file));
    json_object_object_add(v, "sha256", json_object_new_string(sha));
    json_object_object_add(v, "pluginVersion", json_object_new_string(p->desc.version));
    json_object_object_add(v, "description",
                           json_object_new_string(p->desc.description ? p->desc.description : ""));
    json_object_object_add(v, "registeredAt", json_object_new_string(when));
    json_object_object_add(v, "source", json_object_new_string(source));
    if (json_object_object_length(v) != 6) {
        json_object_put(v);
        return NULL;
    }
    return v;
}

/* A file moved in, to remove unless the index that names it is committed. */
static bool remember_added(struct hhi_registry *reg, const char *path)
{
    char **grown = realloc(reg->added, (reg->added_count + 1) * sizeof(*grown));

    if (grown == NULL)
        return false;
    reg->added = grown;
    reg->added[reg->added_count] = strdup(path);
    if (reg->added[reg->added_count] == NULL)
        return false;
    reg->added_count++;
    return true;
}

/* Move the incoming copy to TYPE/VERSION.so and record it in the index. */
static int add_version(struct hhi_registry *reg, const struct hhi_plugin *p,
                       const char *incoming, const char *sha, const char *source,
                       char version[HHI_VERSION_ID_LEN + 1], struct hhi_error *err)
{
    const char *type = p->desc.type_name;
    char dir[128], file[192], from[PATH_MAX + 64], to[PATH_MAX + 256], id[24];
    char tdir[PATH_MAX + 160];
    json_object *t = json_object_object_get(hhi_registry_types(reg), type), *v;
    int64_t next;

    if (t == NULL && (t = new_type(reg, type)) == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    if ((size_t)json_object_object_length(json_object_object_get(t, "versions")) >=
        reg->opts.limits.max_versions_per_hook)
        return hhi_error_set(err, HHI_EQUOTA,
                             "type %s already has %zu versions, the quota: deregister one first",
                             type, reg->opts.limits.max_versions_per_hook);
    next = json_object_get_int64(json_object_object_get(t, "nextVersion"));
    if (next > 99999999)
        return hhi_error_set(err, HHI_EQUOTA, "type %s: version numbers exhausted", type);
    snprintf(id, sizeof(id), "%08lld", (long long)next);
    memcpy(version, id, HHI_VERSION_ID_LEN + 1);
    type_dir_name(type, dir, sizeof(dir));
    snprintf(file, sizeof(file), "%s/%s.so", dir, version);
    snprintf(from, sizeof(from), "%s/%s", reg->plugin_dir, incoming);
    snprintf(to, sizeof(to), "%s/%s", reg->plugin_dir, dir);
    if ((mkdir(to, 0755) != 0 && errno != EEXIST) || chmod(to, 0755) != 0)
        return hhi_error_set(err, HHI_EIO, "registry %s: %s", to, strerror(errno));
    snprintf(to, sizeof(to), "%s/%s", reg->plugin_dir, file);
    if (!remember_added(reg, to)) {
        unlink(from);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    if (rename(from, to) != 0)
        return hhi_error_set(err, HHI_EIO, "registry %s: %s", to, strerror(errno));
    /* The file must be on disk before the index that names it. */
    snprintf(tdir, sizeof(tdir), "%s/%s", reg->plugin_dir, dir);
    if (hhi_registry_sync_dir(tdir) != 0 || hhi_registry_sync_dir(reg->plugin_dir) != 0)
        return hhi_error_set(err, HHI_EIO, "registry %s: %s", tdir, strerror(errno));
    v = version_record(p, file, sha, source);
    if (v == NULL || json_object_object_add(json_object_object_get(t, "versions"), version, v) != 0)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    json_object_object_add(t, "nextVersion", json_object_new_int64(next + 1));
    if (json_object_object_get(t, "defaultVersion") == NULL)
        json_object_object_add(t, "defaultVersion", json_object_new_string(version));
    reg->dirty = true;
    return HHI_OK;
}

/*
 * An error about the incoming copy (".../plugins/.incoming-PID-N.so") names
 * the file the caller registers instead: the copy is ours and temporary.
 */
static void name_source(struct hhi_error *err, const char *incoming, const char *file)
{
    char head[HHI_ERROR_MESSAGE_MAX], tail[HHI_ERROR_MESSAGE_MAX];
    char *at = strstr(err->message, incoming), *start;
    int code = err->code;

    if (at == NULL)
        return;
    for (start = at; start > err->message && start[-1] != ' '; start--)
        ;
    snprintf(head, sizeof(head), "%.*s", (int)(start - err->message), err->message);
    snprintf(tail, sizeof(tail), "%s", at + strlen(incoming));
    hhi_error_clear(err);
    hhi_error_set(err, code, "%s%s%s", head, file, tail);
}

int hhi_registry_register(struct hhi_registry *reg, const char *file, char *type_out,
                          size_t type_cap, char version_out[HHI_VERSION_ID_LEN + 1],
                          struct hhi_error *err)
{
    char incoming[64], path[PATH_MAX + 64], sha[HHI_SHA256_HEX_LEN + 1];
    const struct hhi_plugin *p = NULL;
    char *source = realpath(file, NULL);
    json_object *t;
    const char *existing;
    static unsigned long serial;
    int rc;

    /* A name per call: the loaded plugins are cached by file name, and import
     * registers several files in one process. */
    snprintf(incoming, sizeof(incoming), ".incoming-%ld-%lu.so", (long)getpid(), serial++);
    snprintf(path, sizeof(path), "%s/%s", reg->plugin_dir, incoming);
    rc = copy_in(reg, file, incoming, err);
    if (rc == HHI_OK)
        rc = file_sha256(path, sha, err);
    if (rc == HHI_OK) {
        rc = load_plugin(reg, incoming, sha, &p, err);
        if (rc != HHI_OK)
            name_source(err, incoming, file);
    }
    if (rc != HHI_OK)
        goto done;
    snprintf(type_out, type_cap, "%s", p->desc.type_name);
    t = json_object_object_get(hhi_registry_types(reg), p->desc.type_name);
    existing = t != NULL ? same_content(t, sha) : NULL;
    if (existing != NULL) {
        /* Registering the same file again is a no-op: seeding is idempotent. */
        snprintf(version_out, HHI_VERSION_ID_LEN + 1, "%s", existing);
        goto done;
    }
    rc = add_version(reg, p, incoming, sha, source != NULL ? source : file, version_out, err);
done:
    unlink(path); /* gone once renamed; removed on any failure */
    free(source);
    return rc;
}

/* ------------------------------------------------------- versions, types */

int hhi_registry_set_default_version(struct hhi_registry *reg, const char *type,
                                     const char *version, struct hhi_error *err)
{
    json_object *t = find_type(reg, type, err);

    if (t == NULL)
        return err->code;
    if (!json_object_object_get_ex(json_object_object_get(t, "versions"), version, NULL))
        return hhi_error_set(err, HHI_EUSAGE, "type %s has no version %s", type, version);
    json_object_object_add(t, "defaultVersion", json_object_new_string(version));
    reg->dirty = true;
    return HHI_OK;
}

static bool type_active(const struct hhi_registry *reg, const char *type)
{
    json_object_object_foreach(hhi_registry_activations(reg), name, a) {
        (void)name;
        if (strcmp(json_object_get_string(json_object_object_get(a, "type")), type) == 0 &&
            json_object_get_boolean(json_object_object_get(a, "active")))
            return true;
    }
    return false;
}

static void drop_activations_of(struct hhi_registry *reg, const char *type)
{
    json_object *acts = hhi_registry_activations(reg);
    char names[256][200];
    size_t n = 0, i;

    json_object_object_foreach(acts, name, a) {
        if (n < 256 && strcmp(json_object_get_string(json_object_object_get(a, "type")), type) == 0)
            snprintf(names[n++], sizeof(names[0]), "%s", name);
    }
    for (i = 0; i < n; i++)
        json_object_object_del(acts, names[i]);
}

int hhi_registry_deregister(struct hhi_registry *reg, const char *type, const char *version,
                            struct hhi_error *err)
{
    json_object *t = find_type(reg, type, err), *versions;
    const char *def;

    if (t == NULL)
        return err->code;
    versions = json_object_object_get(t, "versions");
    def = json_object_get_string(json_object_object_get(t, "defaultVersion"));
    if (version != NULL) {
        if (!json_object_object_get_ex(versions, version, NULL))
            return hhi_error_set(err, HHI_EUSAGE, "type %s has no version %s", type, version);
        if (def != NULL && strcmp(def, version) == 0 && json_object_object_length(versions) > 1)
            return hhi_error_set(err, HHI_EUSAGE,
                                 "version %s is the default version of %s: set another default first",
                                 version, type);
        if (json_object_object_length(versions) > 1) {
            json_object_object_del(versions, version);
            reg->dirty = true;
            return HHI_OK;
        }
    }
    if (type_active(reg, type))
        return hhi_error_set(err, HHI_EUSAGE, "type %s is active: deactivate it first", type);
    drop_activations_of(reg, type);
    json_object_object_del(hhi_registry_types(reg), type);
    reg->dirty = true;
    return HHI_OK;
}

/* ------------------------------------------------------------- activation */

static json_object *find_activation(const struct hhi_registry *reg, const char *name,
                                    struct hhi_error *err)
{
    json_object *a;

    if (!json_object_object_get_ex(hhi_registry_activations(reg), name, &a)) {
        hhi_error_set(err, HHI_EUSAGE, "%s is not activated in account %s", name, reg->account);
        return NULL;
    }
    return a;
}

static bool containment_valid(json_object *containment, const char *name,
                              struct hhi_error *err)
{
    struct hhi_containment c;

    memset(&c, 0, sizeof(c));
    if (hhi_containment_parse(containment, name, &c, err) == HHI_OK)
        return true;
    err->code = HHI_EUSAGE;
    return false;
}

int hhi_registry_activate(struct hhi_registry *reg, const char *type, const char *alias,
                          bool has_priority, int32_t priority, json_object *containment,
                          struct hhi_error *err)
{
    const char *name = alias != NULL ? alias : type;
    json_object *a, *existing;
    const struct hhi_plugin *p;
    int rc;

    if (find_type(reg, type, err) == NULL)
        return err->code;
    if (!hhi_type_name_valid(name))
        return hhi_error_set(err, HHI_EUSAGE, "alias %s does not match Org::Service::Name", name);
    if (has_priority && (priority < HHI_PRIORITY_MIN || priority > HHI_PRIORITY_MAX))
        return hhi_error_set(err, HHI_EUSAGE, "priority must be from %d to %d", HHI_PRIORITY_MIN,
                             HHI_PRIORITY_MAX);
    if (containment != NULL && !containment_valid(containment, name, err))
        return err->code;
    if (alias != NULL && strcmp(alias, type) != 0 &&
        json_object_object_get_ex(hhi_registry_types(reg), alias, NULL))
        return hhi_error_set(err, HHI_EUSAGE, "alias %s is the name of a registered type", alias);
    rc = hhi_registry_load_default(reg, type, &p, err); /* it must load */
    if (rc != HHI_OK)
        return rc;
    if (json_object_object_get_ex(hhi_registry_activations(reg), name, &existing)) {
        if (strcmp(json_object_get_string(json_object_object_get(existing, "type")), type) != 0)
            return hhi_error_set(err, HHI_EUSAGE, "%s is already the name of an activation of %s",
                                 name, json_object_get_string(json_object_object_get(existing, "type")));
        a = existing;
    } else {
        a = json_object_new_object();
        if (a == NULL || json_object_object_add(hhi_registry_activations(reg), name, a) != 0) {
            json_object_put(a);
            return hhi_error_set(err, HHI_ENOMEM, "out of memory");
        }
        json_object_object_add(a, "type", json_object_new_string(type));
        json_object_object_add(a, "priority", json_object_new_int(0));
        json_object_object_add(a, "configuration", NULL);
    }
    json_object_object_add(a, "active", json_object_new_boolean(1));
    if (has_priority)
        json_object_object_add(a, "priority", json_object_new_int(priority));
    if (containment != NULL)
        hhi_containment_copy_members(a, containment);
    reg->dirty = true;
    return hhi_registry_check_quotas(reg, err);
}

int hhi_registry_deactivate(struct hhi_registry *reg, const char *name, struct hhi_error *err)
{
    json_object *a = find_activation(reg, name, err);

    if (a == NULL)
        return err->code;
    json_object_object_add(a, "active", json_object_new_boolean(0));
    reg->dirty = true;
    return HHI_OK;
}

/* As in a hook file, an unknown member (a typo) is refused, not ignored. */
static int check_configuration_members(json_object *doc, const char *what,
                                       struct hhi_error *err)
{
    json_object_object_foreach(doc, key, val) {
        (void)val;
        if (strcmp(key, "CloudFormationConfiguration") != 0 && !hhi_containment_member(key))
            return hhi_error_set(err, HHI_ECONFIG, "%s: %s: unknown member", what, key);
    }
    return HHI_OK;
}

int hhi_registry_set_configuration(struct hhi_registry *reg, const char *name,
                                   const char *text, size_t len, const char *what,
                                   struct hhi_error *err)
{
    json_object *a = find_activation(reg, name, err), *doc = NULL;
    const struct hhi_plugin *p;
    struct hhi_hook_config cfg;
    char label[512];
    int rc;

    if (a == NULL)
        return err->code;
    if (len > reg->opts.limits.max_configuration_bytes)
        return hhi_error_set(err, HHI_EQUOTA,
                             "%s: configuration of %zu bytes, larger than the quota of %zu bytes",
                             what, len, reg->opts.limits.max_configuration_bytes);
    rc = hhi_registry_load_default(reg, json_object_get_string(json_object_object_get(a, "type")),
                                   &p, err);
    if (rc == HHI_OK)
        rc = hhi_json_parse(what, text, len, &doc, err);
    if (rc == HHI_OK && !json_object_is_type(doc, json_type_object))
        rc = hhi_error_set(err, HHI_ECONFIG, "%s: must be a JSON object", what);
    if (rc == HHI_OK)
        rc = check_configuration_members(doc, what, err);
    snprintf(label, sizeof(label), "%s: hook %s", what, name);
    if (rc == HHI_OK)
        rc = hhi_hook_config_parse(&cfg, doc, p->desc.default_failure_mode, label, err);
    if (rc == HHI_OK) {
        rc = hhi_schema_validate(p->schema, cfg.properties, label, "Properties", err);
        hhi_hook_config_release(&cfg);
    }
    if (rc == HHI_OK) {
        json_object_object_add(a, "configuration", doc);
        doc = NULL;
        reg->dirty = true;
        rc = hhi_registry_check_quotas(reg, err);
    }
    json_object_put(doc);
    if (rc == HHI_EINPUT)
        err->code = rc = HHI_ECONFIG;
    return rc;
}

/* ------------------------------------------------------------------ specs */

int hhi_registry_specs(struct hhi_registry *reg, struct hhi_hook_specs *out,
                       struct hhi_error *err)
{
    char source[512];
    int rc;

    json_object_object_foreach(hhi_registry_activations(reg), name, a) {
        const char *type = json_object_get_string(json_object_object_get(a, "type"));
        json_object *t = json_object_object_get(hhi_registry_types(reg), type), *v;
        const char *def = json_object_get_string(json_object_object_get(t, "defaultVersion"));
        struct hhi_hook_spec spec;

        if (!json_object_get_boolean(json_object_object_get(a, "active")))
            continue;
        if (def == NULL ||
            !json_object_object_get_ex(json_object_object_get(t, "versions"), def, &v))
            continue;
        snprintf(source, sizeof(source), "registry account %s: %s", reg->account, name);
        memset(&spec, 0, sizeof(spec));
        spec.source = source;
        spec.plugin_file = json_object_get_string(json_object_object_get(v, "file"));
        spec.sha256 = json_object_get_string(json_object_object_get(v, "sha256"));
        spec.name = name;
        spec.version = def;
        spec.priority = json_object_get_int(json_object_object_get(a, "priority"));
        spec.configuration = json_object_object_get(a, "configuration");
        rc = hhi_containment_parse(a, source, &spec.containment, err);
        if (rc != HHI_OK)
            return rc;
        rc = hhi_hook_specs_add(out, &spec, err);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}
