#include "config.h"

#include "worker_facts.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "utf8.h"

/* More than a valid plugin may declare (the loader's limits are 64 and 50). */
#define HHI_FACTS_MAX_HANDLERS 64
#define HHI_FACTS_MAX_TARGETS 50
#define HHI_FACTS_TEXT_MAX 4096

/* ------------------------------------------------------------ worker side */

/* A plugin's text, valid UTF-8 and bounded, as a JSON string (or null). */
static void add_text(struct hhi_buf *b, const char *s, size_t max)
{
    char *copy;
    size_t n;

    if (s == NULL) {
        hhi_buf_adds(b, "null");
        return;
    }
    copy = malloc(max + 1);
    if (copy == NULL) {
        b->failed = true;
        return;
    }
    n = hhi_utf8_copy(copy, max + 1, s, strnlen(s, max));
    hhi_buf_add_json_string(b, copy, n);
    free(copy);
}

static void add_member(struct hhi_buf *b, const char *key, bool first)
{
    hhi_buf_adds(b, first ? "\"" : ",\"");
    hhi_buf_adds(b, key);
    hhi_buf_adds(b, "\":");
}

static void add_handler(struct hhi_buf *b, const struct hh_handler *h)
{
    size_t j;

    add_member(b, "point", true);
    hhi_buf_add_int(b, h->invocation_point);
    add_member(b, "action", false);
    hhi_buf_add_int(b, h->action);
    add_member(b, "targets", false);
    hhi_buf_adds(b, "[");
    for (j = 0; j < h->target_name_count; j++) {
        if (j > 0)
            hhi_buf_adds(b, ",");
        add_text(b, h->target_names[j], HHI_FACTS_TEXT_MAX);
    }
    hhi_buf_adds(b, "]");
}

void hhi_facts_write(struct hhi_buf *b, const struct hhi_plugin *p)
{
    const char *schema = p->desc.configuration_schema;
    size_t i;

    hhi_buf_adds(b, "{");
    add_member(b, "typeName", true);
    add_text(b, p->desc.type_name, HHI_FACTS_TEXT_MAX);
    add_member(b, "version", false);
    add_text(b, p->desc.version, HHI_FACTS_TEXT_MAX);
    add_member(b, "description", false);
    add_text(b, p->desc.description, HHI_FACTS_TEXT_MAX);
    add_member(b, "failureMode", false);
    hhi_buf_add_int(b, p->desc.default_failure_mode);
    add_member(b, "flags", false);
    hhi_buf_add_uint(b, p->desc.flags);
    add_member(b, "abiMinor", false);
    hhi_buf_add_uint(b, p->abi_minor);
    add_member(b, "schema", false);
    /* The loader parsed it: valid UTF-8 without NUL. */
    if (schema != NULL)
        hhi_buf_add_json_string(b, schema, strlen(schema));
    else
        hhi_buf_adds(b, "null");
    add_member(b, "handlers", false);
    hhi_buf_adds(b, "[");
    for (i = 0; i < p->desc.handler_count; i++) {
        hhi_buf_adds(b, i > 0 ? ",{" : "{");
        add_handler(b, hhi_plugin_handler(p, i));
        hhi_buf_adds(b, "}");
    }
    hhi_buf_adds(b, "]}");
}

/* -------------------------------------------------------------- host side */

static int malformed(const struct hhi_plugin *p, const char *what, struct hhi_error *err)
{
    return hhi_error_set(err, HHI_EPLUGIN, "plugin %s: its worker sent a malformed description: %s",
                         p->path, what);
}

static json_object *typed(json_object *obj, const char *key, enum json_type type)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) || v == NULL)
        return NULL;
    return json_object_is_type(v, type) ? v : NULL;
}

/* A string member, or NULL (for a null member when nullable); *ok false when wrong. */
static const char *text_member(json_object *obj, const char *key, bool nullable, bool *ok)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(obj, key, &v) || (v == NULL && !nullable) ||
        (v != NULL && !json_object_is_type(v, json_type_string))) {
        *ok = false;
        return NULL;
    }
    return v != NULL ? json_object_get_string(v) : NULL;
}

static bool int_member(json_object *obj, const char *key, int64_t min, int64_t max,
                       int64_t *out)
{
    json_object *v = typed(obj, key, json_type_int);

    if (v == NULL)
        return false;
    *out = json_object_get_int64(v);
    return *out >= min && *out <= max;
}

static int read_identity(struct hhi_plugin *p, json_object *f, struct hhi_error *err)
{
    struct hh_plugin *d = &p->desc;
    int64_t mode, flags, minor;
    bool ok = true;

    memset(d, 0, sizeof(*d));
    d->abi = (struct hh_abi)HH_ABI_INIT(struct hh_plugin);
    d->type_name = text_member(f, "typeName", false, &ok);
    d->version = text_member(f, "version", false, &ok);
    d->description = text_member(f, "description", true, &ok);
    d->configuration_schema = text_member(f, "schema", true, &ok);
    if (!ok)
        return malformed(p, "typeName, version, description or schema", err);
    if (!int_member(f, "failureMode", INT32_MIN, INT32_MAX, &mode) ||
        !int_member(f, "flags", 0, UINT32_MAX, &flags) ||
        !int_member(f, "abiMinor", 0, UINT16_MAX, &minor))
        return malformed(p, "failureMode, flags or abiMinor", err);
    d->default_failure_mode = (int32_t)mode;
    d->flags = (uint32_t)flags;
    p->abi_minor = (uint16_t)minor;
    d->abi.minor = (uint16_t)minor;
    return HHI_OK;
}

static int read_handler(struct hhi_plugin *p, json_object *h, struct hh_handler *out,
                        const char **names, struct hhi_error *err)
{
    json_object *targets = typed(h, "targets", json_type_array);
    int64_t point, action;
    size_t j, n;

    if (!json_object_is_type(h, json_type_object) || targets == NULL ||
        !int_member(h, "point", INT32_MIN, INT32_MAX, &point) ||
        !int_member(h, "action", INT32_MIN, INT32_MAX, &action))
        return malformed(p, "a handler", err);
    n = json_object_array_length(targets);
    if (n > HHI_FACTS_MAX_TARGETS)
        return malformed(p, "too many target names", err);
    for (j = 0; j < n; j++) {
        json_object *t = json_object_array_get_idx(targets, j);

        if (!json_object_is_type(t, json_type_string))
            return malformed(p, "a target name", err);
        names[j] = json_object_get_string(t);
    }
    out->invocation_point = (int32_t)point;
    out->action = (int32_t)action;
    out->target_names = n > 0 ? names : NULL;
    out->target_name_count = n;
    return HHI_OK;
}

static int read_handlers(struct hhi_plugin *p, json_object *f, struct hhi_error *err)
{
    json_object *list = typed(f, "handlers", json_type_array);
    size_t i, n;
    int rc;

    if (list == NULL || (n = json_object_array_length(list)) > HHI_FACTS_MAX_HANDLERS)
        return malformed(p, "handlers", err);
    p->handler_copies = calloc(n + 1, sizeof(*p->handler_copies));
    p->target_copies = calloc((n + 1) * HHI_FACTS_MAX_TARGETS, sizeof(*p->target_copies));
    if (p->handler_copies == NULL || p->target_copies == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        rc = read_handler(p, json_object_array_get_idx(list, i), &p->handler_copies[i],
                          p->target_copies + i * HHI_FACTS_MAX_TARGETS, err);
        if (rc != HHI_OK)
            return rc;
    }
    p->desc.handlers = n > 0 ? p->handler_copies : NULL;
    p->desc.handler_count = n;
    p->desc.handler_size = sizeof(struct hh_handler);
    return HHI_OK;
}

int hhi_facts_plugin(char *path, int fd, json_object *facts, struct hhi_plugin **out,
                     struct hhi_error *err)
{
    struct hhi_plugin *p = calloc(1, sizeof(*p));
    int rc;

    *out = NULL;
    if (p == NULL) {
        free(path);
        close(fd);
        json_object_put(facts);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    p->path = path;
    p->fd = fd;
    p->facts = facts;
    if (!json_object_is_type(facts, json_type_object))
        rc = malformed(p, "not an object", err);
    else
        rc = read_identity(p, facts, err);
    if (rc == HHI_OK)
        rc = read_handlers(p, facts, err);
    if (rc == HHI_OK) {
        const char *text = json_object_to_json_string_ext(facts, JSON_C_TO_STRING_PLAIN);

        p->facts_text = text != NULL ? strdup(text) : NULL;
        if (p->facts_text == NULL)
            rc = hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    if (rc == HHI_OK)
        rc = hhi_plugin_check_described(p, err);
    if (rc != HHI_OK) {
        hhi_plugin_free(p);
        return rc;
    }
    *out = p;
    return HHI_OK;
}
