#include "config.h"

/*
 * A Pulumi preview (pulumi preview --json), as hhi_input_read takes it:
 * hhi_json_parse, the line map, the document adopted by a change set, then
 * hhi_pulumi_add.  Either operations that pass the shared checks, or a
 * one-line error naming the file; besides: a replacement is never invoked
 * twice (a URN with a create-replacement step gets no more CREATEs than it
 * has create-like steps, and the same for delete-replaced and DELETEs), and
 * the preview itself is never changed.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_inputs.h"

#define WHAT "preview.json"

static bool op_is(json_object *step, const char *const *ops)
{
    const char *op = hhi_input_str(step, "op");

    for (; op != NULL && *ops != NULL; ops++) {
        if (strcmp(op, *ops) == 0)
            return true;
    }
    return false;
}

/* Steps of urn whose op is one of ops. */
static size_t steps_of(json_object *steps, const char *urn, const char *const *ops)
{
    size_t i, n = 0;

    for (i = 0; i < json_object_array_length(steps); i++) {
        json_object *step = json_object_array_get_idx(steps, i);
        const char *u = hhi_input_str(step, "urn");

        n += u != NULL && strcmp(u, urn) == 0 && op_is(step, ops);
    }
    return n;
}

static size_t ops_of(const struct hhi_change_set *cs, const char *urn, int32_t action)
{
    size_t i, n = 0;

    for (i = 0; i < cs->count; i++)
        n += cs->ops[i].action == action && strcmp(cs->ops[i].logical_id, urn) == 0;
    return n;
}

static void check_replacements(const struct hhi_change_set *cs, json_object *doc)
{
    static const char *const creates[] = { "create", "create-replacement", "import",
                                           "import-replacement", NULL };
    static const char *const create_steps[] = { "create-replacement", "import-replacement", NULL };
    static const char *const deletes[] = { "delete", "delete-replaced", NULL };
    static const char *const delete_steps[] = { "delete-replaced", NULL };
    json_object *steps = NULL;
    size_t i;

    if (!json_object_object_get_ex(doc, "steps", &steps) ||
        !json_object_is_type(steps, json_type_array) || json_object_array_length(steps) > 64)
        return;
    FUZZ_CHECK(cs->count <= 2 * json_object_array_length(steps));
    for (i = 0; i < cs->count; i++) {
        const char *urn = cs->ops[i].logical_id;

        if (steps_of(steps, urn, create_steps) > 0)
            FUZZ_CHECK(ops_of(cs, urn, HH_ACTION_CREATE) == steps_of(steps, urn, creates));
        if (steps_of(steps, urn, delete_steps) > 0)
            FUZZ_CHECK(ops_of(cs, urn, HH_ACTION_DELETE) == steps_of(steps, urn, deletes));
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
        rc = hhi_pulumi_add(&cs, &in, &err);
        fuzz_check_adapter(rc, &err, &cs, in.source, doc, "pulumi-preview",
                           fuzz_line_count((const char *)data, size));
        if (rc == HHI_OK)
            check_replacements(&cs, doc);
        FUZZ_CHECK(strcmp(before, json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN)) == 0);
        free(before);
    }
    hhi_line_map_release(&lines);
    hhi_change_set_release(&cs);
    return 0;
}
