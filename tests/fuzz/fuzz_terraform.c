#include "config.h"

/*
 * A Terraform plan in JSON, as hhi_input_read takes it: hhi_json_parse, the
 * line map, the document adopted by a change set, then hhi_terraform_add.
 * Either operations that pass the shared checks, or a one-line error naming
 * the plan; besides: at most two operations per resource change (a
 * replacement), and the plan itself never changed (unknown values are
 * marked in copies).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_inputs.h"

#define WHAT "plan.json"

static size_t change_count(json_object *doc)
{
    json_object *changes = NULL;

    if (json_object_object_get_ex(doc, "resource_changes", &changes) &&
        json_object_is_type(changes, json_type_array))
        return json_object_array_length(changes);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_change_set cs;
    struct hhi_line_map lines;
    struct hhi_input_doc in;
    json_object *doc;
    char *before;
    int rc;

    hhi_change_set_init(&cs);
    hhi_line_map_init(&lines);
    doc = fuzz_read_json(&cs, WHAT, data, size, &lines);
    if (doc != NULL) {
        before = strdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
        FUZZ_CHECK(before != NULL);
        in.source = hhi_change_set_source(&cs, WHAT, &err);
        in.doc = doc;
        in.lines = &lines;
        FUZZ_CHECK(in.source != NULL);
        rc = hhi_terraform_add(&cs, &in, &err);
        fuzz_check_adapter(rc, &err, &cs, in.source, doc, "terraform-plan",
                           fuzz_line_count((const char *)data, size));
        if (rc == HHI_OK)
            FUZZ_CHECK(cs.count <= 2 * change_count(doc));
        FUZZ_CHECK(strcmp(before, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN)) == 0);
        free(before);
    }
    hhi_line_map_release(&lines);
    hhi_change_set_release(&cs);
    return 0;
}
