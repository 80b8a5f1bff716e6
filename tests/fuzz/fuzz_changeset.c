#include "config.h"

/*
 * A CloudFormation change set (describe-change-set output), as
 * hhi_input_read takes it: hhi_json_parse, the line map, the document
 * adopted by a change set, then hhi_changeset_add.  Either operations that
 * pass the shared checks, or a one-line error naming the file; besides: at
 * most two operations per change (a replacement), every one in the stack
 * the document names, and the document itself never changed.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_inputs.h"

#define WHAT "changeset.json"

static void check_stack(const struct hhi_change_set *cs, json_object *doc)
{
    const char *stack = hhi_input_str(doc, "StackName");
    json_object *changes = NULL;
    size_t i;

    FUZZ_CHECK(json_object_object_get_ex(doc, "Changes", &changes));
    FUZZ_CHECK(cs->count <= 2 * json_object_array_length(changes));
    for (i = 0; i < cs->count; i++) {
        const char *s = cs->ops[i].stack_name;

        FUZZ_CHECK(stack == NULL ? s == NULL : s != NULL && strcmp(s, stack) == 0);
    }
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
        rc = hhi_changeset_add(&cs, &in, &err);
        fuzz_check_adapter(rc, &err, &cs, in.source, doc, "cloudformation-change-set",
                           fuzz_line_count((const char *)data, size));
        if (rc == HHI_OK)
            check_stack(&cs, doc);
        FUZZ_CHECK(strcmp(before, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN)) == 0);
        free(before);
    }
    hhi_line_map_release(&lines);
    hhi_change_set_release(&cs);
    return 0;
}
