#include "config.h"

/*
 * Two templates, the deployed one (--previous) and the new one: the change
 * CloudFormation would make.  A logical id only in the new template is a
 * CREATE; one in both whose Type or Properties differ is an UPDATE, with
 * the old properties as previous (unchanged resources are not invoked);
 * one only in the old template is a DELETE of the old properties.  A
 * DELETE points into the old template (its file, line and document), the
 * others into the new one.  Absent Properties equal empty ones.
 */

#include <stdbool.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "inputs.h"

static bool same_properties(json_object *a, json_object *b)
{
    if (a == NULL || b == NULL)
        return (a == NULL || json_object_object_length(a) == 0) &&
               (b == NULL || json_object_object_length(b) == 0);
    return json_object_equal(a, b) != 0;
}

/* The CREATE or UPDATE of resource id of cur. */
static int current_op(struct hhi_change_set *cs, const struct hhi_input_doc *cur,
                      const struct hhi_input_doc *prev, json_object *old_resources,
                      const char *id, json_object *res, struct hhi_error *err)
{
    json_object *old = NULL, *old_props = NULL;
    const char *old_type = NULL;
    struct hhi_operation op;
    int rc = hhi_cfn_template_op(cs, cur, id, res, &op, err);

    if (rc != HHI_OK)
        return rc;
    if (json_object_object_get_ex(old_resources, id, &old)) {
        rc = hhi_cfn_resource(prev->source, id, old, &old_type, &old_props, err);
        if (rc != HHI_OK)
            return rc;
        if (strcmp(old_type, op.target_type) == 0 && same_properties(old_props, op.properties))
            return HHI_OK;
        op.action = HH_ACTION_UPDATE;
        op.previous = old_props;
    }
    return hhi_change_set_add(cs, &op, err);
}

/* The DELETE of resource id of prev, when cur has no such id. */
static int removed_op(struct hhi_change_set *cs, const struct hhi_input_doc *prev,
                      json_object *resources, const char *id, json_object *res,
                      struct hhi_error *err)
{
    struct hhi_operation op;
    int rc;

    if (json_object_object_get_ex(resources, id, NULL))
        return HHI_OK;
    rc = hhi_cfn_template_op(cs, prev, id, res, &op, err);
    if (rc != HHI_OK)
        return rc;
    op.action = HH_ACTION_DELETE;
    op.previous = op.properties;
    op.properties = NULL;
    return hhi_change_set_add(cs, &op, err);
}

int hhi_cfn_diff_add(struct hhi_change_set *cs, const struct hhi_input_doc *cur,
                     const struct hhi_input_doc *prev, struct hhi_error *err)
{
    json_object *resources, *old_resources;
    int rc = hhi_cfn_resources(cur->source, cur->doc, &resources, err);

    if (rc == HHI_OK)
        rc = hhi_cfn_resources(prev->source, prev->doc, &old_resources, err);
    if (rc != HHI_OK)
        return rc;
    json_object_object_foreach(resources, id, res) {
        rc = current_op(cs, cur, prev, old_resources, id, res, err);
        if (rc != HHI_OK)
            return rc;
    }
    json_object_object_foreach(old_resources, old_id, old_res) {
        rc = removed_op(cs, prev, resources, old_id, old_res, err);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}
