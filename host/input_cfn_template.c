#include "config.h"

#include <string.h>

#include <hookhost/plugin.h>

#include "change_set.h"
#include "input.h"
#include "json_pointer.h"

static int bad(const char *path, const char *logical_id, const char *why,
               struct hhi_error *err)
{
    return hhi_error_set(err, HHI_EINPUT, "%s: Resources.%s: %s", path, logical_id, why);
}

/* "/Resources/<id>", escaped, kept by the change set. */
static const char *pointer_to(struct hhi_change_set *cs, const char *id, struct hhi_error *err)
{
    char buf[1024];
    size_t len = hhi_json_pointer_append(buf, sizeof(buf), 0, "Resources");

    len = len ? hhi_json_pointer_append(buf, sizeof(buf), len, id) : 0;
    if (len == 0) {
        hhi_error_set(err, HHI_EINPUT, "Resources.%.64s...: logical id too long", id);
        return NULL;
    }
    return hhi_change_set_strndup(cs, buf, len, err);
}

static int add_resource(struct hhi_change_set *cs, const char *source, json_object *doc,
                        const char *id, json_object *res, struct hhi_error *err)
{
    struct hhi_operation op;
    json_object *type, *props = NULL;

    if (!json_object_is_type(res, json_type_object))
        return bad(source, id, "must be an object", err);
    if (!json_object_object_get_ex(res, "Type", &type) ||
        !json_object_is_type(type, json_type_string) || json_object_get_string_len(type) == 0)
        return bad(source, id, "Type is missing or not a non-empty string", err);
    /* Hooks see the type as a C string: "\u0000" would cut it short. */
    if (strlen(json_object_get_string(type)) != (size_t)json_object_get_string_len(type))
        return bad(source, id, "Type must not contain a NUL character", err);
    if (json_object_object_get_ex(res, "Properties", &props) &&
        !json_object_is_type(props, json_type_object))
        return bad(source, id, "Properties must be an object", err);
    memset(&op, 0, sizeof(op));
    op.source = source;
    op.logical_id = id;
    op.target_type = json_object_get_string(type);
    op.action = HH_ACTION_CREATE;
    op.point = HH_POINT_PRE_PROVISION;
    op.properties = props;
    op.input = doc;
    op.input_format = "cloudformation-template";
    op.input_pointer = pointer_to(cs, id, err);
    if (op.input_pointer == NULL)
        return err->code;
    return hhi_change_set_add(cs, &op, err);
}

int hhi_cfn_template_add(struct hhi_change_set *cs, const char *source, json_object *doc,
                         struct hhi_error *err)
{
    json_object *resources;
    int rc;

    if (!json_object_is_type(doc, json_type_object))
        return hhi_error_set(err, HHI_EINPUT,
                             "%s: not a CloudFormation template: the document is not a JSON object",
                             source);
    if (!json_object_object_get_ex(doc, "Resources", &resources))
        return hhi_error_set(err, HHI_EINPUT,
                             "%s: not a CloudFormation template: no Resources member", source);
    if (!json_object_is_type(resources, json_type_object))
        return hhi_error_set(err, HHI_EINPUT, "%s: Resources must be an object", source);
    json_object_object_foreach(resources, id, res) {
        rc = add_resource(cs, source, doc, id, res, err);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}

int hhi_cfn_template_read(struct hhi_change_set *cs, const char *path,
                          struct hhi_error *err)
{
    json_object *doc = NULL;
    const char *source;
    int rc;

    rc = hhi_json_read_file(path, HHI_INPUT_MAX_BYTES, &doc, err);
    if (rc != HHI_OK)
        return rc;
    rc = hhi_change_set_adopt_doc(cs, doc, err);
    if (rc != HHI_OK)
        return rc;
    source = hhi_change_set_source(cs, path, err);
    if (source == NULL)
        return HHI_ENOMEM;
    return hhi_cfn_template_add(cs, source, doc, err);
}
