#include "config.h"

#include <string.h>

#include <hookhost/plugin.h>

#include "change_set.h"
#include "input.h"
#include "inputs.h"
#include "json_pointer.h"

static int bad(const char *path, const char *logical_id, const char *why,
               struct hhi_error *err)
{
    return hhi_error_set(err, HHI_EINPUT, "%s: Resources.%s: %s", path, logical_id, why);
}

int hhi_cfn_resource(const char *source, const char *id, json_object *res, const char **type,
                     json_object **props, struct hhi_error *err)
{
    json_object *t;

    *type = NULL;
    *props = NULL;
    if (!json_object_is_type(res, json_type_object))
        return bad(source, id, "must be an object", err);
    if (!json_object_object_get_ex(res, "Type", &t) ||
        !json_object_is_type(t, json_type_string) || json_object_get_string_len(t) == 0)
        return bad(source, id, "Type is missing or not a non-empty string", err);
    /* Hooks see the type as a C string: "\u0000" would cut it short. */
    if (strlen(json_object_get_string(t)) != (size_t)json_object_get_string_len(t))
        return bad(source, id, "Type must not contain a NUL character", err);
    if (json_object_object_get_ex(res, "Properties", props) &&
        !json_object_is_type(*props, json_type_object))
        return bad(source, id, "Properties must be an object", err);
    *type = json_object_get_string(t);
    return HHI_OK;
}

int hhi_cfn_resources(const char *source, json_object *doc, json_object **resources,
                      struct hhi_error *err)
{
    *resources = NULL;
    if (!json_object_is_type(doc, json_type_object))
        return hhi_error_set(err, HHI_EINPUT,
                             "%s: not a CloudFormation template: the document is not a JSON object",
                             source);
    if (!json_object_object_get_ex(doc, "Resources", resources))
        return hhi_error_set(err, HHI_EINPUT,
                             "%s: not a CloudFormation template: no Resources member", source);
    if (!json_object_is_type(*resources, json_type_object))
        return hhi_error_set(err, HHI_EINPUT, "%s: Resources must be an object", source);
    return HHI_OK;
}

int hhi_cfn_template_op(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                        const char *id, json_object *res, struct hhi_operation *op,
                        struct hhi_error *err)
{
    const char *tokens[2] = { "Resources", id };
    json_object *props = NULL;
    const char *type = NULL;
    int rc = hhi_cfn_resource(in->source, id, res, &type, &props, err);

    memset(op, 0, sizeof(*op));
    if (rc != HHI_OK)
        return rc;
    op->source = in->source;
    op->logical_id = id;
    op->target_type = type;
    op->action = HH_ACTION_CREATE;
    op->point = HH_POINT_PRE_PROVISION;
    op->properties = props;
    op->line = hhi_line_map_member(in->lines, "Resources", id);
    op->input = in->doc;
    op->input_format = "cloudformation-template";
    op->input_pointer = hhi_input_pointer(cs, tokens, 2, err);
    return op->input_pointer != NULL ? HHI_OK : err->code;
}

int hhi_cfn_template_add_doc(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                             struct hhi_error *err)
{
    struct hhi_operation op;
    json_object *resources;
    int rc = hhi_cfn_resources(in->source, in->doc, &resources, err);

    if (rc != HHI_OK)
        return rc;
    json_object_object_foreach(resources, id, res) {
        rc = hhi_cfn_template_op(cs, in, id, res, &op, err);
        if (rc == HHI_OK)
            rc = hhi_change_set_add(cs, &op, err);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}

int hhi_cfn_template_add(struct hhi_change_set *cs, const char *source, json_object *doc,
                         struct hhi_error *err)
{
    struct hhi_input_doc in = { source, doc, NULL };

    return hhi_cfn_template_add_doc(cs, &in, err);
}

int hhi_cfn_template_read(struct hhi_change_set *cs, const char *path,
                          struct hhi_error *err)
{
    struct hhi_input_options opts;

    hhi_input_options_init(&opts);
    opts.format = HHI_FORMAT_CFN_TEMPLATE;
    return hhi_input_read(cs, path, &opts, err);
}
