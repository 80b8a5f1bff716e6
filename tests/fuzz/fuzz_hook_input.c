#include "config.h"

/*
 * A CloudFormation hook test input, as hhi_input_read takes it:
 * hhi_json_parse, the line map, the document adopted by a change set, then
 * hhi_hook_input_add with the action its file name gives.  The input is
 * `NAME` NUL-or-0xFF `JSON` (NAME the file name, e.g.
 * inputs_1_pre_update.json), or just JSON, read as inputs_1_pre_create.json.
 * Either one operation per target type, with the file name's action and
 * the type as its logical id, or a one-line error naming the file.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_inputs.h"

static void check_targets(const struct hhi_change_set *cs, json_object *doc, const char *name)
{
    int32_t action = hhi_hook_input_action(name);
    size_t i;

    FUZZ_CHECK(cs->count == (size_t)json_object_object_length(doc));
    for (i = 0; i < cs->count; i++) {
        FUZZ_CHECK(cs->ops[i].action == action);
        FUZZ_CHECK(strcmp(cs->ops[i].logical_id, cs->ops[i].target_type) == 0);
        FUZZ_CHECK(json_object_object_get_ex(doc, cs->ops[i].target_type, NULL));
    }
}

static bool has_control(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    }
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_change_set cs;
    struct hhi_line_map lines;
    struct hhi_input_doc in;
    const uint8_t *json;
    size_t name_len, json_len;
    json_object *doc;
    char *name;
    int rc;

    if (fuzz_split(data, size, &name_len, &json, &json_len)) {
        name = fuzz_strndup(data, name_len);
    } else {
        name = fuzz_strndup((const uint8_t *)"inputs_1_pre_create.json", 24);
        json = data;
        json_len = size;
    }
    /* A file name for one-line messages: no control characters. */
    if (name[0] == '\0' || strlen(name) > 200 || has_control(name)) {
        free(name);
        name = fuzz_strndup((const uint8_t *)"inputs.json", 11);
    }
    hhi_change_set_init(&cs);
    hhi_line_map_init(&lines);
    doc = fuzz_read_json(&cs, name, json, json_len, &lines);
    if (doc != NULL) {
        in.source = hhi_change_set_source(&cs, name, &err);
        in.doc = doc;
        in.lines = &lines;
        FUZZ_CHECK(in.source != NULL);
        rc = hhi_hook_input_add(&cs, &in, HHI_ACTION_FROM_NAME, &err);
        fuzz_check_adapter(rc, &err, &cs, in.source, doc, "cloudformation-hook-input",
                           fuzz_line_count((const char *)json, json_len));
        if (rc == HHI_OK)
            check_targets(&cs, doc, name);
    }
    hhi_line_map_release(&lines);
    hhi_change_set_release(&cs);
    free(name);
    return 0;
}
