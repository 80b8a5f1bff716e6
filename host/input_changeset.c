#include "config.h"

/*
 * A CloudFormation change set: the output of `aws cloudformation
 * describe-change-set --include-property-values`.  Each Changes[] item of
 * Type Resource is one ResourceChange; its BeforeContext and AfterContext
 * (JSON-encoded strings, as the API returns them, or objects, as LocalStack
 * records them) hold {"Properties": ...}.  Without property values the
 * operations have no properties.
 *
 *   Add                  CREATE of the AfterContext properties
 *   Modify               UPDATE, previous = the BeforeContext properties
 *   Modify, Replacement True or Conditional
 *                        CloudFormation creates the replacement first (its
 *                        create handler runs, so its preCreate hooks) and
 *                        deletes the old resource in the cleanup phase
 *                        (preDelete): a CREATE of the new properties, then
 *                        a DELETE of the old ones with the old physical id.
 *                        Conditional is judged as a replacement, the
 *                        stricter of its two outcomes.  PolicyAction
 *                        ReplaceAndRetain keeps the old resource: no DELETE.
 *   Remove               DELETE of the BeforeContext properties (none when
 *                        PolicyAction is Retain: nothing is deleted)
 *   Import               CREATE: the resource enters the stack with these
 *                        properties
 *   Dynamic              by the contexts it has: both (or none) UPDATE,
 *                        only AfterContext CREATE, only BeforeContext DELETE
 *
 * Values CloudFormation knows only after apply stay as it writes them,
 * "{{changeSet:KNOWN_AFTER_APPLY}}".  StackName is every operation's stack.
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "input.h"
#include "inputs.h"

#define FORMAT "cloudformation-change-set"

struct change {
    size_t index;
    json_object *rc;        /* the ResourceChange */
    const char *action;
    const char *policy;     /* PolicyAction, or NULL */
    json_object *before;    /* BeforeContext.Properties, or NULL */
    json_object *after;     /* AfterContext.Properties, or NULL */
    bool has_before, has_after;
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
    return hhi_error_set(err, HHI_EINPUT, "%s: Changes[%zu]%s: %s", in->source, i, member, why);
}

/* The Properties of a BeforeContext or AfterContext (a string or an object). */
static int context_properties(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                              struct change *ch, const char *name, json_object **props,
                              bool *present, struct hhi_error *err)
{
    char member[64], what[1200];
    json_object *ctx = NULL;
    int rc;

    *props = NULL;
    *present = false;
    snprintf(member, sizeof(member), ".ResourceChange.%s", name);
    if (!json_object_object_get_ex(ch->rc, name, &ctx) || ctx == NULL)
        return HHI_OK;
    if (json_object_is_type(ctx, json_type_string)) {
        snprintf(what, sizeof(what), "%.1000s: Changes[%zu]%s", in->source, ch->index, member);
        rc = hhi_json_parse(what, json_object_get_string(ctx),
                            (size_t)json_object_get_string_len(ctx), &ctx, err);
        if (rc == HHI_OK)
            rc = hhi_change_set_adopt_doc(cs, ctx, err);
        if (rc != HHI_OK)
            return rc;
    }
    if (!json_object_is_type(ctx, json_type_object))
        return bad(in, ch->index, member, err, "must be an object or the JSON text of one");
    *present = true;
    if (json_object_object_get_ex(ctx, "Properties", props) && *props != NULL &&
        !json_object_is_type(*props, json_type_object))
        return bad(in, ch->index, member, err, "Properties must be an object");
    return HHI_OK;
}

static int read_change(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                       struct change *ch, struct hhi_error *err)
{
    const char *tokens[3];
    char index[32];
    int rc;

    ch->action = hhi_input_str(ch->rc, "Action");
    if (ch->action == NULL)
        return bad(in, ch->index, ".ResourceChange.Action", err, "missing or not a string");
    ch->op.logical_id = hhi_input_str(ch->rc, "LogicalResourceId");
    if (ch->op.logical_id == NULL)
        return bad(in, ch->index, ".ResourceChange.LogicalResourceId", err,
                   "missing or not a non-empty string");
    ch->op.target_type = hhi_input_str(ch->rc, "ResourceType");
    if (ch->op.target_type == NULL)
        return bad(in, ch->index, ".ResourceChange.ResourceType", err,
                   "missing or not a non-empty string");
    ch->op.physical_id = hhi_input_str(ch->rc, "PhysicalResourceId");
    ch->policy = hhi_input_str(ch->rc, "PolicyAction");
    rc = context_properties(cs, in, ch, "BeforeContext", &ch->before, &ch->has_before, err);
    if (rc == HHI_OK)
        rc = context_properties(cs, in, ch, "AfterContext", &ch->after, &ch->has_after, err);
    if (rc != HHI_OK)
        return rc;
    snprintf(index, sizeof(index), "%zu", ch->index);
    tokens[0] = "Changes";
    tokens[1] = index;
    tokens[2] = "ResourceChange";
    ch->op.input_pointer = hhi_input_pointer(cs, tokens, 3, err);
    return ch->op.input_pointer != NULL ? HHI_OK : err->code;
}

static int add_op(struct hhi_change_set *cs, const struct change *ch, int32_t action,
                  struct hhi_error *err)
{
    struct hhi_operation op = ch->op;

    op.action = action;
    op.properties = action == HH_ACTION_DELETE ? NULL : ch->after;
    op.previous = action == HH_ACTION_UPDATE || action == HH_ACTION_DELETE ? ch->before : NULL;
    return hhi_change_set_add(cs, &op, err);
}

/* The replacement's CREATE: a new resource, without a physical id yet. */
static int add_replacement(struct hhi_change_set *cs, const struct change *ch,
                           struct hhi_error *err)
{
    struct change fresh = *ch;

    fresh.op.physical_id = NULL;
    return add_op(cs, &fresh, HH_ACTION_CREATE, err);
}

static bool is(const char *s, const char *what)
{
    return s != NULL && strcmp(s, what) == 0;
}

static int modify_ops(struct hhi_change_set *cs, const struct change *ch,
                      struct hhi_error *err)
{
    const char *replacement = hhi_input_str(ch->rc, "Replacement");
    int rc;

    if (!is(replacement, "True") && !is(replacement, "Conditional"))
        return add_op(cs, ch, HH_ACTION_UPDATE, err);
    rc = add_replacement(cs, ch, err);
    if (rc == HHI_OK && !is(ch->policy, "ReplaceAndRetain"))
        rc = add_op(cs, ch, HH_ACTION_DELETE, err);
    return rc;
}

static int dynamic_ops(struct hhi_change_set *cs, const struct change *ch,
                       struct hhi_error *err)
{
    if (ch->has_after && !ch->has_before)
        return add_op(cs, ch, HH_ACTION_CREATE, err);
    if (ch->has_before && !ch->has_after)
        return add_op(cs, ch, HH_ACTION_DELETE, err);
    return add_op(cs, ch, HH_ACTION_UPDATE, err);
}

static int change_ops(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                      const struct change *ch, struct hhi_error *err)
{
    if (is(ch->action, "Add") || is(ch->action, "Import"))
        return add_op(cs, ch, HH_ACTION_CREATE, err);
    if (is(ch->action, "Modify"))
        return modify_ops(cs, ch, err);
    if (is(ch->action, "Remove"))
        return is(ch->policy, "Retain") ? HHI_OK : add_op(cs, ch, HH_ACTION_DELETE, err);
    if (is(ch->action, "Dynamic"))
        return dynamic_ops(cs, ch, err);
    return bad(in, ch->index, ".ResourceChange.Action", err,
               "unknown action '%.64s' (Add, Modify, Remove, Import or Dynamic)", ch->action);
}

static int one_change(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                      const struct hhi_operation *base, size_t i, json_object *item,
                      struct hhi_error *err)
{
    struct change ch;
    const char *type = hhi_input_str(item, "Type");
    int rc;

    memset(&ch, 0, sizeof(ch));
    ch.index = i;
    ch.op = *base;
    if (!json_object_is_type(item, json_type_object))
        return bad(in, i, "", err, "must be an object");
    if (type != NULL && strcmp(type, "Resource") != 0)
        return HHI_OK; /* not a resource: nothing to judge */
    if (!json_object_object_get_ex(item, "ResourceChange", &ch.rc) ||
        !json_object_is_type(ch.rc, json_type_object))
        return bad(in, i, ".ResourceChange", err, "missing or not an object");
    ch.op.line = hhi_line_map_index(in->lines, "Changes", i);
    rc = read_change(cs, in, &ch, err);
    return rc == HHI_OK ? change_ops(cs, in, &ch, err) : rc;
}

int hhi_changeset_add(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                      struct hhi_error *err)
{
    struct hhi_operation base;
    json_object *changes = NULL;
    size_t i, n;
    int rc;

    if (!json_object_is_type(in->doc, json_type_object) ||
        !json_object_object_get_ex(in->doc, "Changes", &changes) ||
        !json_object_is_type(changes, json_type_array))
        return hhi_error_set(err, HHI_EINPUT,
                             "%s: not a CloudFormation change set: no Changes array", in->source);
    memset(&base, 0, sizeof(base));
    base.source = in->source;
    base.point = HH_POINT_PRE_PROVISION;
    base.stack_name = hhi_input_str(in->doc, "StackName");
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
