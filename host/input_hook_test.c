#include "config.h"

/*
 * CloudFormation hook test inputs, as `cfn test` reads them from a hook
 * project's inputs/ directory: {"<TargetType>": {"resourceProperties":
 * {...}, "previousResourceProperties": {...}}, ...}, one operation per
 * target type, in file order.  The action comes from the file name
 * (inputs_1_pre_update.json, inputs_1_invalid_pre_delete.json; without
 * pre_create/pre_update/pre_delete, as in inputs_1_invalid.json, a create)
 * unless --action gives it.  The logical id is the target type itself: the
 * file names no other, and the type is what its author keyed it by.
 *
 *   CREATE  properties = resourceProperties
 *   UPDATE  properties = resourceProperties, previous = previousResourceProperties
 *   DELETE  previous = resourceProperties (what is deleted), properties none
 */

#include <stdio.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "inputs.h"

#define FORMAT "cloudformation-hook-input"

int32_t hhi_hook_input_action(const char *path)
{
    const char *base = strrchr(path, '/');

    base = base != NULL ? base + 1 : path;
    if (strstr(base, "pre_delete") != NULL)
        return HH_ACTION_DELETE;
    if (strstr(base, "pre_update") != NULL)
        return HH_ACTION_UPDATE;
    return HH_ACTION_CREATE;
}

static int bad(const struct hhi_input_doc *in, const char *type, const char *why,
               struct hhi_error *err)
{
    return hhi_error_set(err, HHI_EINPUT, "%s: %s: %s", in->source, type, why);
}

static int member_object(const struct hhi_input_doc *in, const char *type, json_object *target,
                         const char *name, json_object **out, struct hhi_error *err)
{
    char why[128];

    *out = NULL;
    if (!json_object_object_get_ex(target, name, out) || *out == NULL ||
        json_object_is_type(*out, json_type_object))
        return HHI_OK;
    snprintf(why, sizeof(why), "%s must be an object", name);
    return bad(in, type, why, err);
}

static int add_target(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                      const char *type, json_object *target, int32_t action,
                      struct hhi_error *err)
{
    json_object *props = NULL, *previous = NULL;
    struct hhi_operation op;
    int rc;

    if (type[0] == '\0')
        return hhi_error_set(err, HHI_EINPUT, "%s: a target type is empty", in->source);
    if (!json_object_is_type(target, json_type_object))
        return bad(in, type, "must be an object", err);
    rc = member_object(in, type, target, "resourceProperties", &props, err);
    if (rc == HHI_OK)
        rc = member_object(in, type, target, "previousResourceProperties", &previous, err);
    if (rc != HHI_OK)
        return rc;
    memset(&op, 0, sizeof(op));
    op.source = in->source;
    op.logical_id = type;
    op.target_type = type;
    op.action = action;
    op.point = HH_POINT_PRE_PROVISION;
    op.properties = action == HH_ACTION_DELETE ? NULL : props;
    op.previous = action == HH_ACTION_DELETE ? props : action == HH_ACTION_UPDATE ? previous : NULL;
    op.line = hhi_line_map_member(in->lines, NULL, type);
    op.input = in->doc;
    op.input_format = FORMAT;
    op.input_pointer = hhi_input_pointer(cs, &type, 1, err);
    if (op.input_pointer == NULL)
        return err->code;
    return hhi_change_set_add(cs, &op, err);
}

int hhi_hook_input_add(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                       int32_t action, struct hhi_error *err)
{
    int rc;

    if (!json_object_is_type(in->doc, json_type_object))
        return hhi_error_set(err, HHI_EINPUT, "%s: not a CloudFormation hook input: "
                             "the document is not a JSON object", in->source);
    if (action == HHI_ACTION_FROM_NAME)
        action = hhi_hook_input_action(in->source);
    json_object_object_foreach(in->doc, type, target) {
        rc = add_target(cs, in, type, target, action, err);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}
