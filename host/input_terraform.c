#include "config.h"

/*
 * A Terraform plan in JSON (`terraform show -json PLANFILE`): each
 * resource_changes[] item, by its change.actions:
 *
 *   ["create"]            CREATE of change.after
 *   ["update"]            UPDATE, previous = change.before
 *   ["delete"]            DELETE of change.before
 *   ["delete","create"]   replace: DELETE then CREATE
 *   ["create","delete"]   replace (create_before_destroy): CREATE then DELETE
 *   ["no-op"], ["read"], ["forget"]
 *                         not invoked (nothing is provisioned or destroyed)
 *
 * Both replace orders mean one replacement; the operations follow
 * Terraform's own order.  logical_id is the address (module path
 * included: when an older plan's address lacks its module_address, it is
 * prefixed), target_type the provider's type (aws_s3_bucket), physical_id
 * the "id" attribute when known.
 *
 * Unknown values: every path change.after_unknown marks true (nested
 * objects and list items included) holds "{{changeSet:KNOWN_AFTER_APPLY}}",
 * CloudFormation's marker for a value known only after apply, in a copy of
 * change.after kept by the change set; no value is guessed.
 *
 * Sensitive values: values at paths before_sensitive or after_sensitive
 * mark true reach hooks unchanged, but each scalar among them goes into the
 * operation's sensitive list, which reports never print.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "inputs.h"

#define FORMAT "terraform-plan"

struct tf_change {
    size_t index;
    json_object *item;      /* the resource_changes[] item */
    json_object *change;    /* its change */
    json_object *before, *after;
    struct hhi_operation op; /* what the operations share */
};

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static int bad(const struct hhi_input_doc *in, size_t i, const char *member,
               struct hhi_error *err, const char *fmt, ...)
{
    char why[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    return hhi_error_set(err, HHI_EINPUT, "%s: resource_changes[%zu]%s: %s", in->source, i,
                         member, why);
}

/* ------------------------------------------------------------ unknowns */

static bool any_true(json_object *mask)
{
    size_t i;

    switch (json_object_get_type(mask)) {
    case json_type_boolean:
        return json_object_get_boolean(mask) != 0;
    case json_type_array:
        for (i = 0; i < json_object_array_length(mask); i++) {
            if (any_true(json_object_array_get_idx(mask, i)))
                return true;
        }
        return false;
    case json_type_object: {
        json_object_object_foreach(mask, k, v) {
            (void)k;
            if (any_true(v))
                return true;
        }
        return false;
    }
    default:
        return false;
    }
}

static bool is_true(json_object *v)
{
    return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

static int mark_unknown(json_object *value, json_object *mask);

static int mark_member(json_object *obj, const char *key, json_object *mask)
{
    json_object *marker, *child = NULL;

    if (is_true(mask)) {
        marker = json_object_new_string(HHI_KNOWN_AFTER_APPLY);
        if (marker == NULL || json_object_object_add(obj, key, marker) != 0) {
            json_object_put(marker);
            return -1;
        }
        return 0;
    }
    if (json_object_object_get_ex(obj, key, &child))
        return mark_unknown(child, mask);
    return 0;
}

static int mark_item(json_object *arr, size_t i, json_object *mask)
{
    json_object *marker;

    if (!is_true(mask))
        return mark_unknown(json_object_array_get_idx(arr, i), mask);
    marker = json_object_new_string(HHI_KNOWN_AFTER_APPLY);
    if (marker == NULL || json_object_array_put_idx(arr, i, marker) != 0) {
        json_object_put(marker);
        return -1;
    }
    return 0;
}

/* Put the marker at every path of value (a copy) that mask marks true. */
static int mark_unknown(json_object *value, json_object *mask)
{
    size_t i, n;

    if (json_object_is_type(value, json_type_object) &&
        json_object_is_type(mask, json_type_object)) {
        json_object_object_foreach(mask, k, v) {
            if (mark_member(value, k, v) != 0)
                return -1;
        }
    } else if (json_object_is_type(value, json_type_array) &&
               json_object_is_type(mask, json_type_array)) {
        n = json_object_array_length(mask);
        for (i = 0; i < n && i < json_object_array_length(value); i++) {
            if (mark_item(value, i, json_object_array_get_idx(mask, i)) != 0)
                return -1;
        }
    }
    return 0;
}

/* change.after with the unknown marker, or after itself when nothing is unknown. */
static int after_with_unknowns(struct hhi_change_set *cs, struct tf_change *c,
                               struct hhi_error *err)
{
    json_object *mask = NULL, *copy = NULL;

    if (!json_object_is_type(c->after, json_type_object) ||
        !json_object_object_get_ex(c->change, "after_unknown", &mask) || !any_true(mask))
        return HHI_OK;
    if (json_object_deep_copy(c->after, &copy, NULL) != 0 || mark_unknown(copy, mask) != 0) {
        json_object_put(copy);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    c->after = copy;
    return hhi_change_set_adopt_doc(cs, copy, err);
}

/* ------------------------------------------------------------ sensitive */

static int collect_sensitive(struct hhi_secrets *s, json_object *value, json_object *mask,
                             struct hhi_error *err)
{
    int rc = HHI_OK;
    size_t i;

    if (is_true(mask))
        return hhi_secrets_add_value(s, value, err);
    if (json_object_is_type(value, json_type_object) &&
        json_object_is_type(mask, json_type_object)) {
        json_object_object_foreach(mask, k, m) {
            json_object *child = NULL;

            if (json_object_object_get_ex(value, k, &child))
                rc = collect_sensitive(s, child, m, err);
            if (rc != HHI_OK)
                return rc;
        }
    } else if (json_object_is_type(value, json_type_array) &&
               json_object_is_type(mask, json_type_array)) {
        for (i = 0; rc == HHI_OK && i < json_object_array_length(mask) &&
                    i < json_object_array_length(value); i++)
            rc = collect_sensitive(s, json_object_array_get_idx(value, i),
                                   json_object_array_get_idx(mask, i), err);
    }
    return rc;
}

static int sensitive_values(struct hhi_change_set *cs, struct tf_change *c,
                            struct hhi_error *err)
{
    json_object *before_mask = NULL, *after_mask = NULL;
    struct hhi_secrets s;
    int rc = HHI_OK;

    hhi_secrets_init(&s);
    if (json_object_object_get_ex(c->change, "before_sensitive", &before_mask))
        rc = collect_sensitive(&s, c->before, before_mask, err);
    if (rc == HHI_OK && json_object_object_get_ex(c->change, "after_sensitive", &after_mask))
        rc = collect_sensitive(&s, c->after, after_mask, err);
    if (rc != HHI_OK) {
        hhi_secrets_release(&s);
        return rc;
    }
    return hhi_secrets_finish(&s, cs, &c->op.sensitive, err);
}

/* ------------------------------------------------------------ operations */

/* The actions as one word: "create", "delete,create", ... */
static int actions_of(const struct hhi_input_doc *in, struct tf_change *c, char *buf,
                      size_t cap, struct hhi_error *err)
{
    json_object *actions = NULL;
    size_t i, n, len = 0;

    buf[0] = '\0';
    if (!json_object_object_get_ex(c->change, "actions", &actions) ||
        !json_object_is_type(actions, json_type_array) ||
        (n = json_object_array_length(actions)) == 0 || n > 2)
        return bad(in, c->index, ".change.actions", err,
                   "missing or not an array of 1 or 2 actions");
    for (i = 0; i < n; i++) {
        json_object *a = json_object_array_get_idx(actions, i);
        const char *s = json_object_get_string(a);

        if (!json_object_is_type(a, json_type_string) || strlen(s) > 16 ||
            strlen(s) != (size_t)json_object_get_string_len(a) || strchr(s, ',') != NULL)
            return bad(in, c->index, ".change.actions", err, "not an array of action names");
        len += (size_t)snprintf(buf + len, cap - len, "%s%s", i ? "," : "", s);
    }
    return HHI_OK;
}

static int add_op(struct hhi_change_set *cs, const struct tf_change *c, int32_t action,
                  struct hhi_error *err)
{
    struct hhi_operation op = c->op;

    op.action = action;
    op.properties = action == HH_ACTION_DELETE ? NULL : c->after;
    op.previous = action == HH_ACTION_CREATE ? NULL : c->before;
    if (action == HH_ACTION_CREATE)
        op.physical_id = hhi_input_str(c->after, "id");
    if (op.physical_id != NULL && strcmp(op.physical_id, HHI_KNOWN_AFTER_APPLY) == 0)
        op.physical_id = NULL;
    return hhi_change_set_add(cs, &op, err);
}

static int action_ops(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                      const struct tf_change *c, const char *actions, struct hhi_error *err)
{
    int rc;

    if (strcmp(actions, "create") == 0)
        return add_op(cs, c, HH_ACTION_CREATE, err);
    if (strcmp(actions, "update") == 0)
        return add_op(cs, c, HH_ACTION_UPDATE, err);
    if (strcmp(actions, "delete") == 0)
        return add_op(cs, c, HH_ACTION_DELETE, err);
    if (strcmp(actions, "delete,create") == 0) {
        rc = add_op(cs, c, HH_ACTION_DELETE, err);
        return rc == HHI_OK ? add_op(cs, c, HH_ACTION_CREATE, err) : rc;
    }
    if (strcmp(actions, "create,delete") == 0) {
        rc = add_op(cs, c, HH_ACTION_CREATE, err);
        return rc == HHI_OK ? add_op(cs, c, HH_ACTION_DELETE, err) : rc;
    }
    return bad(in, c->index, ".change.actions", err, "unknown actions [%s]", actions);
}

static bool not_invoked(const char *actions)
{
    return strcmp(actions, "no-op") == 0 || strcmp(actions, "read") == 0 ||
           strcmp(actions, "forget") == 0;
}

/* The address, prefixed with module_address when an older plan left it out. */
static int address_of(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                      struct tf_change *c, struct hhi_error *err)
{
    const char *address = hhi_input_str(c->item, "address");
    const char *module = hhi_input_str(c->item, "module_address");
    size_t mlen;
    char *full;

    if (address == NULL)
        return bad(in, c->index, ".address", err, "missing or not a non-empty string");
    c->op.logical_id = address;
    if (module == NULL)
        return HHI_OK;
    mlen = strlen(module);
    if (strncmp(address, module, mlen) == 0 && address[mlen] == '.')
        return HHI_OK;
    full = malloc(mlen + strlen(address) + 2);
    if (full == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    sprintf(full, "%s.%s", module, address);
    c->op.logical_id = hhi_change_set_strndup(cs, full, strlen(full), err);
    free(full);
    return c->op.logical_id != NULL ? HHI_OK : err->code;
}

static int object_or_null(const struct hhi_input_doc *in, struct tf_change *c,
                          const char *name, json_object **out, struct hhi_error *err)
{
    char member[32];

    *out = NULL;
    json_object_object_get_ex(c->change, name, out);
    if (*out == NULL || json_object_is_type(*out, json_type_object))
        return HHI_OK;
    snprintf(member, sizeof(member), ".change.%s", name);
    return bad(in, c->index, member, err, "must be an object or null");
}

static int read_change(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                       struct tf_change *c, struct hhi_error *err)
{
    const char *tokens[2];
    char index[32];
    int rc;

    c->op.target_type = hhi_input_str(c->item, "type");
    if (c->op.target_type == NULL)
        return bad(in, c->index, ".type", err, "missing or not a non-empty string");
    rc = address_of(cs, in, c, err);
    if (rc == HHI_OK)
        rc = object_or_null(in, c, "before", &c->before, err);
    if (rc == HHI_OK)
        rc = object_or_null(in, c, "after", &c->after, err);
    if (rc == HHI_OK)
        rc = sensitive_values(cs, c, err);
    if (rc == HHI_OK)
        rc = after_with_unknowns(cs, c, err);
    if (rc != HHI_OK)
        return rc;
    c->op.physical_id = hhi_input_str(c->before, "id");
    snprintf(index, sizeof(index), "%zu", c->index);
    tokens[0] = "resource_changes";
    tokens[1] = index;
    c->op.input_pointer = hhi_input_pointer(cs, tokens, 2, err);
    return c->op.input_pointer != NULL ? HHI_OK : err->code;
}

static int one_change(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                      const struct hhi_operation *base, size_t i, json_object *item,
                      struct hhi_error *err)
{
    struct tf_change c;
    char actions[64];
    int rc;

    memset(&c, 0, sizeof(c));
    c.index = i;
    c.item = item;
    c.op = *base;
    c.op.line = hhi_line_map_index(in->lines, "resource_changes", i);
    if (!json_object_is_type(item, json_type_object))
        return bad(in, i, "", err, "must be an object");
    if (!json_object_object_get_ex(item, "change", &c.change) ||
        !json_object_is_type(c.change, json_type_object))
        return bad(in, i, ".change", err, "missing or not an object");
    rc = actions_of(in, &c, actions, sizeof(actions), err);
    if (rc != HHI_OK || not_invoked(actions))
        return rc;
    rc = read_change(cs, in, &c, err);
    return rc == HHI_OK ? action_ops(cs, in, &c, actions, err) : rc;
}

int hhi_terraform_add(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                      struct hhi_error *err)
{
    struct hhi_operation base;
    json_object *changes = NULL;
    size_t i, n;
    int rc;

    if (!json_object_is_type(in->doc, json_type_object))
        return hhi_error_set(err, HHI_EINPUT,
                             "%s: not a Terraform plan: the document is not a JSON object",
                             in->source);
    if (!json_object_object_get_ex(in->doc, "resource_changes", &changes) || changes == NULL)
        return HHI_OK; /* a plan without changes */
    if (!json_object_is_type(changes, json_type_array))
        return hhi_error_set(err, HHI_EINPUT, "%s: resource_changes must be an array",
                             in->source);
    memset(&base, 0, sizeof(base));
    base.source = in->source;
    base.point = HH_POINT_PRE_PROVISION;
    base.input = in->doc;
    base.input_format = FORMAT;
    n = json_object_array_length(changes);
    for (i = 0; i < n; i++) {
        rc = one_change(cs, in, &base, i, json_object_array_get_idx(changes, i), err);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}
