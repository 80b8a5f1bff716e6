#include "config.h"

#include "isolation.h"

#include <stdio.h>
#include <string.h>

#include <hookhost/plugin.h>

static const char *const member_names[] = { "isolation", "timeoutSeconds", "memoryMiB", "allow",
                                            NULL };

void hhi_containment_resolve(struct hhi_containment *c)
{
    if (c->timeout_seconds == 0)
        c->timeout_seconds = HHI_TIMEOUT_DEFAULT;
    if (c->memory_mib == 0)
        c->memory_mib = HHI_MEMORY_DEFAULT_MIB;
}

bool hhi_containment_member(const char *key)
{
    size_t i;

    for (i = 0; member_names[i] != NULL; i++) {
        if (strcmp(key, member_names[i]) == 0)
            return true;
    }
    return false;
}

void hhi_containment_copy_members(json_object *to, json_object *from)
{
    size_t i;
    json_object *v;

    for (i = 0; member_names[i] != NULL; i++) {
        if (json_object_object_get_ex(from, member_names[i], &v))
            json_object_object_add(to, member_names[i], json_object_get(v));
    }
}

const char *hhi_isolation_name(int32_t isolation)
{
    return isolation == HHI_ISOLATION_IN_PROCESS ? "in-process" : "process";
}

int hhi_isolation_from_name(const char *name, int32_t *out)
{
    if (strcmp(name, "process") == 0)
        *out = HHI_ISOLATION_PROCESS;
    else if (strcmp(name, "in-process") == 0)
        *out = HHI_ISOLATION_IN_PROCESS;
    else
        return -1;
    return 0;
}

static int allow_word(const char *word, size_t len, uint32_t *bits)
{
    if (len == 7 && strncmp(word, "network", len) == 0)
        *bits |= HHI_ALLOW_NETWORK;
    else if (len == 4 && strncmp(word, "exec", len) == 0)
        *bits |= HHI_ALLOW_EXEC;
    else
        return -1;
    return 0;
}

int hhi_allow_from_list(const char *list, uint32_t *out, char *bad, size_t bad_cap)
{
    const char *p = list;

    *out = 0;
    if (strcmp(list, "none") == 0)
        return 0;
    while (*p != '\0') {
        size_t len = strcspn(p, ",");

        if (allow_word(p, len, out) != 0) {
            snprintf(bad, bad_cap, "%.*s", (int)(len < 64 ? len : 64), p);
            return -1;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

json_object *hhi_allow_to_json(uint32_t allow)
{
    json_object *a = json_object_new_array();

    if (a != NULL && (allow & HHI_ALLOW_NETWORK))
        json_object_array_add(a, json_object_new_string("network"));
    if (a != NULL && (allow & HHI_ALLOW_EXEC))
        json_object_array_add(a, json_object_new_string("exec"));
    return a;
}

bool hhi_containment_missing(uint32_t allow, uint32_t flags, char *words, size_t cap)
{
    bool network = (flags & HH_PLUGIN_FLAG_NEEDS_NETWORK) && !(allow & HHI_ALLOW_NETWORK);
    bool exec = (flags & HH_PLUGIN_FLAG_NEEDS_EXEC) && !(allow & HHI_ALLOW_EXEC);

    snprintf(words, cap, "%s%s%s", network ? "\"network\"" : "",
             network && exec ? " and " : "", exec ? "\"exec\"" : "");
    return network || exec;
}

/* --------------------------------------------------------------- parsing */

static int member_int(json_object *doc, const char *key, const char *where, int64_t min,
                      int64_t max, uint32_t *out, struct hhi_error *err)
{
    json_object *v;
    int64_t n;

    if (!json_object_object_get_ex(doc, key, &v))
        return HHI_OK;
    n = json_object_get_int64(v);
    if (!json_object_is_type(v, json_type_int) || n < min || n > max)
        return hhi_error_set(err, HHI_ECONFIG, "%s: %s: must be an integer from %lld to %lld",
                             where, key, (long long)min, (long long)max);
    *out = (uint32_t)n;
    return HHI_OK;
}

static int member_isolation(json_object *doc, const char *where, int32_t *out,
                            struct hhi_error *err)
{
    json_object *v;

    if (!json_object_object_get_ex(doc, "isolation", &v))
        return HHI_OK;
    if (!json_object_is_type(v, json_type_string) ||
        hhi_isolation_from_name(json_object_get_string(v), out) != 0)
        return hhi_error_set(err, HHI_ECONFIG,
                             "%s: isolation: must be \"process\" or \"in-process\"", where);
    return HHI_OK;
}

static int member_allow(json_object *doc, const char *where, uint32_t *out,
                        struct hhi_error *err)
{
    json_object *v;
    size_t i, n;
    uint32_t bits = 0;

    if (!json_object_object_get_ex(doc, "allow", &v))
        return HHI_OK;
    if (!json_object_is_type(v, json_type_array))
        return hhi_error_set(err, HHI_ECONFIG,
                             "%s: allow: must be an array of \"network\" and \"exec\"", where);
    n = json_object_array_length(v);
    for (i = 0; i < n; i++) {
        json_object *w = json_object_array_get_idx(v, i);

        if (!json_object_is_type(w, json_type_string) ||
            allow_word(json_object_get_string(w), (size_t)json_object_get_string_len(w),
                       &bits) != 0)
            return hhi_error_set(err, HHI_ECONFIG,
                                 "%s: allow: item %zu: must be \"network\" or \"exec\"", where,
                                 i);
    }
    *out = bits;
    return HHI_OK;
}

int hhi_containment_parse(json_object *doc, const char *where, struct hhi_containment *out,
                          struct hhi_error *err)
{
    int rc = member_isolation(doc, where, &out->isolation, err);

    if (rc == HHI_OK)
        rc = member_int(doc, "timeoutSeconds", where, HHI_TIMEOUT_MIN, HHI_TIMEOUT_MAX,
                        &out->timeout_seconds, err);
    if (rc == HHI_OK)
        rc = member_int(doc, "memoryMiB", where, HHI_MEMORY_MIN_MIB, HHI_MEMORY_MAX_MIB,
                        &out->memory_mib, err);
    if (rc == HHI_OK)
        rc = member_allow(doc, where, &out->allow, err);
    return rc;
}
