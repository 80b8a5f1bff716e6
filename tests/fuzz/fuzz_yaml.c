#include "config.h"

/*
 * A YAML template, as hhi_input_read takes it: hhi_yaml_parse with its line
 * map, then (for a mapping with Resources) the document adopted by a change
 * set and read by hhi_cfn_template_add_doc.  Checked: errors follow the
 * convention and name the place ("template.yaml:LINE:COLUMN: invalid
 * YAML: ..."); a parsed tree is never deeper than HHI_JSON_MAX_DEPTH, its
 * strings are valid UTF-8, it serialises to JSON that hhi_json_parse
 * accepts again, and parsing twice gives the same tree; the
 * resources become operations that pass the shared checks, each at a line
 * of the text.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz_inputs.h"

#define WHAT "template.yaml"

/* Nodes counted (shared ones each time) up to limit; the depth checked. */
static size_t walk(json_object *v, int depth, size_t limit)
{
    size_t n = 1, i;

    FUZZ_CHECK(depth <= HHI_JSON_MAX_DEPTH + 1);
    if (json_object_is_type(v, json_type_string))
        FUZZ_CHECK(fuzz_utf8_valid(json_object_get_string(v),
                                   (size_t)json_object_get_string_len(v)));
    if (json_object_is_type(v, json_type_array)) {
        FUZZ_CHECK(depth <= HHI_JSON_MAX_DEPTH);
        for (i = 0; i < json_object_array_length(v) && n < limit; i++)
            n += walk(json_object_array_get_idx(v, i), depth + 1, limit - n);
    } else if (json_object_is_type(v, json_type_object)) {
        FUZZ_CHECK(depth <= HHI_JSON_MAX_DEPTH);
        json_object_object_foreach(v, key, child) {
            FUZZ_CHECK(fuzz_utf8_valid(key, strlen(key)));
            n += walk(child, depth + 1, limit - n);
            if (n >= limit)
                break;
        }
    }
    return n;
}

/*
 * The JSON text of doc parses again (json-c clamps integers past uint64,
 * which the YAML reader keeps digit for digit: the second text may differ
 * there, but then stays as it is).
 */
static void check_round_trip(json_object *doc, const uint8_t *data, size_t size)
{
    struct hhi_error err = { HHI_OK, "" };
    json_object *again = NULL, *copy = NULL, *copy2 = NULL;
    char *first, *second;

    first = strdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
    FUZZ_CHECK(first != NULL);
    FUZZ_CHECK(hhi_json_parse("round trip", first, strlen(first), &copy, &err) == HHI_OK);
    second = strdup(json_object_to_json_string_ext(copy, JSON_C_TO_STRING_PLAIN));
    FUZZ_CHECK(second != NULL);
    FUZZ_CHECK(hhi_json_parse("round trip", second, strlen(second), &copy2, &err) == HHI_OK);
    FUZZ_CHECK(strcmp(json_object_to_json_string_ext(copy2, JSON_C_TO_STRING_PLAIN), second) == 0);
    json_object_put(copy2);
    free(second);
    FUZZ_CHECK(hhi_yaml_parse(WHAT, (const char *)data, size, &again, NULL, &err) == HHI_OK);
    FUZZ_CHECK(strcmp(json_object_to_json_string_ext(again, JSON_C_TO_STRING_PLAIN), first) == 0);
    json_object_put(copy);
    json_object_put(again);
    free(first);
}

static void check_template(json_object *doc, const struct hhi_line_map *lines, size_t count)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_change_set cs;
    struct hhi_input_doc in;
    int rc;

    hhi_change_set_init(&cs);
    FUZZ_CHECK(hhi_change_set_adopt_doc(&cs, json_object_get(doc), &err) == HHI_OK);
    in.source = hhi_change_set_source(&cs, WHAT, &err);
    in.doc = doc;
    in.lines = lines;
    FUZZ_CHECK(in.source != NULL);
    rc = hhi_cfn_template_add_doc(&cs, &in, &err);
    fuzz_check_adapter(rc, &err, &cs, in.source, doc, "cloudformation-template", count);
    hhi_change_set_release(&cs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_line_map lines;
    json_object *doc = NULL;
    int rc;

    hhi_line_map_init(&lines);
    rc = hhi_yaml_parse(WHAT, (const char *)data, size, &doc, &lines, &err);
    fuzz_check_error(rc, &err, WHAT ":");
    if (rc == HHI_OK) {
        FUZZ_CHECK(walk(doc, 1, size + 2000000) <= size + 1000001);
        /* Huge alias expansions are checked by size, not serialised. */
        if (size < 65536 && walk(doc, 1, 1u << 16) < (1u << 16))
            check_round_trip(doc, data, size);
        if (json_object_object_get_ex(doc, "Resources", NULL))
            check_template(doc, &lines, fuzz_line_count((const char *)data, size));
    } else {
        FUZZ_CHECK(doc == NULL && lines.root == NULL && lines.nested == NULL);
    }
    json_object_put(doc);
    hhi_line_map_release(&lines);
    return 0;
}
