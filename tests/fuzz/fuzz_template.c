/*
 * A CloudFormation template in JSON, as hhi_cfn_template_read takes it:
 * hhi_json_parse, then the document adopted by a change set and turned into
 * operations by hhi_cfn_template_add.  Each resource becomes one CREATE at
 * PRE_PROVISION, or the template is refused with a one-line error.
 */
#include "config.h"

#include <json-c/json.h>

#include <hookhost/plugin.h>

#include "change_set.h"
#include "fuzz.h"
#include "input.h"

#define WHAT "template.json"

static void check_operations(const struct hhi_change_set *cs, const char *source,
                             json_object *doc)
{
    json_object *resources = NULL;
    size_t i;

    FUZZ_CHECK(json_object_object_get_ex(doc, "Resources", &resources));
    FUZZ_CHECK(cs->count == (size_t)json_object_object_length(resources));
    for (i = 0; i < cs->count; i++) {
        const struct hhi_operation *op = &cs->ops[i];
        json_object *res = NULL, *type = NULL;

        FUZZ_CHECK(op->source == source);
        FUZZ_CHECK(op->logical_id != NULL);
        FUZZ_CHECK(json_object_object_get_ex(resources, op->logical_id, &res));
        FUZZ_CHECK(json_object_is_type(res, json_type_object));
        FUZZ_CHECK(json_object_object_get_ex(res, "Type", &type));
        /* The whole Type, as a C string: no NUL inside (hooks match it as one). */
        FUZZ_CHECK(op->target_type != NULL && op->target_type[0] != '\0');
        FUZZ_CHECK(strlen(op->target_type) == (size_t)json_object_get_string_len(type));
        FUZZ_CHECK(op->action == HH_ACTION_CREATE);
        FUZZ_CHECK(op->point == HH_POINT_PRE_PROVISION);
        FUZZ_CHECK(op->properties == NULL || json_object_is_type(op->properties,
                                                                  json_type_object));
        FUZZ_CHECK(op->previous == NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hhi_error err = { 0, "" };
    struct hhi_change_set cs;
    json_object *doc = NULL;
    const char *source;
    int rc;

    rc = hhi_json_parse(WHAT, (const char *)data, size, &doc, &err);
    fuzz_check_error(rc, &err, WHAT ":");
    if (rc != HHI_OK)
        return 0;
    hhi_change_set_init(&cs);
    rc = hhi_change_set_adopt_doc(&cs, doc, &err);   /* takes doc, even on error */
    FUZZ_CHECK(rc == HHI_OK);
    source = hhi_change_set_source(&cs, WHAT, &err);
    FUZZ_CHECK(source != NULL && strcmp(source, WHAT) == 0);
    rc = hhi_cfn_template_add(&cs, source, doc, &err);
    fuzz_check_error(rc, &err, WHAT ": ");
    if (rc == HHI_OK)
        check_operations(&cs, source, doc);
    hhi_change_set_release(&cs);
    FUZZ_CHECK(cs.count == 0 && cs.ops == NULL && cs.docs == NULL && cs.sources == NULL);
    return 0;
}
