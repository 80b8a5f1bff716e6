#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hook_spec.h"
#include "input.h"
#include "loader.h"

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
        ok = ok || hhi_containment_member(key);
        if (!ok)
            return hhi_error_set(err, HHI_ECONFIG, "%s: %s: unknown member", path, key);
    }
    return HHI_OK;
}

static int read_hook_file(const char *path, size_t max_config_bytes, json_object **doc,
                          struct hhi_error *err)
{
    char *data = NULL;
    size_t len = 0;
    int rc;

    /* Read one byte past the quota so "too large" is told apart. */
    rc = hhi_file_read(path, max_config_bytes + 1, &data, &len, err);
    if (rc == HHI_EINPUT && err->code == HHI_EINPUT && strstr(err->message, "too large")) {
        hhi_error_clear(err);
        return hhi_error_set(err, HHI_EQUOTA,
                             "%s: hook configuration larger than the quota of %zu bytes", path,
                             max_config_bytes);
    }
    if (rc == HHI_OK && len > max_config_bytes)
        rc = hhi_error_set(err, HHI_EQUOTA,
                           "%s: hook configuration larger than the quota of %zu bytes", path,
                           max_config_bytes);
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

static int read_spec(struct hhi_hook_specs *out, const char *path, size_t max_config_bytes,
                     struct hhi_error *err)
{
    struct hhi_hook_spec spec;
    json_object *doc = NULL;
    int rc;

    memset(&spec, 0, sizeof(spec));
    spec.source = path;
    rc = read_hook_file(path, max_config_bytes, &doc, err);
    if (rc == HHI_OK)
        rc = check_top_members(doc, path, err);
    if (rc == HHI_OK)
        rc = member_string(doc, "plugin", true, path, &spec.plugin_file, err);
    if (rc == HHI_OK)
        rc = member_string(doc, "typeNameAlias", false, path, &spec.name, err);
    if (rc == HHI_OK && spec.name != NULL && !hhi_type_name_valid(spec.name))
        rc = hhi_error_set(err, HHI_ECONFIG,
                           "%s: typeNameAlias: \"%s\" does not match Org::Service::Name", path,
                           spec.name);
    if (rc == HHI_OK)
        rc = member_priority(doc, path, &spec.priority, err);
    if (rc == HHI_OK)
        rc = hhi_containment_parse(doc, path, &spec.containment, err);
    spec.configuration = doc;
    if (rc == HHI_OK)
        rc = hhi_hook_specs_add(out, &spec, err);
    json_object_put(doc);
    return rc;
}

static int is_hook_file(const struct dirent *d)
{
    size_t n = strlen(d->d_name);

    return d->d_name[0] != '.' && n > 5 && strcmp(d->d_name + n - 5, ".json") == 0;
}

int hhi_hooks_dir_read(struct hhi_hook_specs *out, const char *dir, size_t max_files,
                       size_t max_config_bytes, struct hhi_error *err)
{
    struct dirent **names = NULL;
    int n, i, rc = HHI_OK;

    n = scandir(dir, &names, is_hook_file, alphasort);
    if (n < 0)
        return hhi_error_set(err, HHI_ECONFIG, "hooks directory %s: %s", dir, strerror(errno));
    /* Count before reading anything: a runaway directory is refused cheaply. */
    if ((size_t)n > max_files)
        rc = hhi_error_set(err, HHI_EQUOTA,
                           "hooks directory %s: %d hook files, far above the quota of active hooks",
                           dir, n);
    for (i = 0; i < n && rc == HHI_OK; i++) {
        char path[PATH_MAX];

        if (snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) >= (int)sizeof(path))
            rc = hhi_error_set(err, HHI_ECONFIG, "%s: path too long", names[i]->d_name);
        else
            rc = read_spec(out, path, max_config_bytes, err);
    }
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}
