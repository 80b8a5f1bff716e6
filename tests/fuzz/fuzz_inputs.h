/*
 * Shared by the input-format harnesses (fuzz_terraform.c, fuzz_pulumi.c,
 * fuzz_changeset.c, fuzz_hook_input.c, fuzz_yaml.c): read an input as
 * hhi_input_read does (parse, line map, document adopted by a change set),
 * and check every operation an adapter made.
 */
#ifndef HOOKHOST_TESTS_FUZZ_INPUTS_H
#define HOOKHOST_TESTS_FUZZ_INPUTS_H

#include <json-c/json.h>

#include <hookhost/plugin.h>

#include "change_set.h"
#include "fuzz.h"
#include "input.h"
#include "inputs.h"
#include "json_pointer.h"

/* Lines in len bytes of text (at least 1). */
static inline size_t fuzz_line_count(const char *text, size_t len)
{
    size_t n = 1, i;

    for (i = 0; i < len; i++)
        n += text[i] == '\n';
    return n;
}

/* A non-empty string without NUL, as hooks see it. */
static inline void fuzz_check_name(const char *s)
{
    FUZZ_CHECK(s != NULL && s[0] != '\0');
}

static inline void fuzz_check_sensitive(json_object *list)
{
    size_t i;

    if (list == NULL)
        return;
    FUZZ_CHECK(json_object_is_type(list, json_type_array));
    FUZZ_CHECK(json_object_array_length(list) > 0);
    for (i = 0; i < json_object_array_length(list); i++) {
        json_object *v = json_object_array_get_idx(list, i);

        FUZZ_CHECK(json_object_is_type(v, json_type_string));
        FUZZ_CHECK(json_object_get_string_len(v) > 0);
    }
}

static inline void fuzz_check_object_or_null(json_object *v)
{
    FUZZ_CHECK(v == NULL || json_object_is_type(v, json_type_object));
}

/*
 * Every operation of cs: from source and doc, of format, a known action at
 * PRE_PROVISION, named, with object-or-absent documents, a pointer that
 * finds its target in doc, a line inside the text and a clean sensitive
 * list.  Creates have no previous properties, deletes no new ones.
 */
static inline void fuzz_check_ops(const struct hhi_change_set *cs, const char *source,
                                  json_object *doc, const char *format, size_t lines)
{
    size_t i;

    for (i = 0; i < cs->count; i++) {
        const struct hhi_operation *op = &cs->ops[i];
        int found = 0;

        FUZZ_CHECK(op->source == source);
        fuzz_check_name(op->logical_id);
        fuzz_check_name(op->target_type);
        FUZZ_CHECK(op->action >= 0 && op->action < HH_ACTION_COUNT);
        FUZZ_CHECK(op->point == HH_POINT_PRE_PROVISION);
        fuzz_check_object_or_null(op->properties);
        fuzz_check_object_or_null(op->previous);
        fuzz_check_object_or_null(op->outputs);
        fuzz_check_object_or_null(op->previous_outputs);
        FUZZ_CHECK(op->action != HH_ACTION_CREATE || op->previous == NULL);
        FUZZ_CHECK(op->action != HH_ACTION_DELETE || op->properties == NULL);
        FUZZ_CHECK(op->physical_id == NULL || op->physical_id[0] != '\0');
        FUZZ_CHECK(op->stack_name == NULL || op->stack_name[0] != '\0');
        FUZZ_CHECK(op->input == doc);
        FUZZ_CHECK(op->input_format != NULL && strcmp(op->input_format, format) == 0);
        FUZZ_CHECK(op->input_pointer != NULL);
        (void)hhi_json_pointer_find(doc, op->input_pointer, &found);
        FUZZ_CHECK(found);
        FUZZ_CHECK(op->line <= lines);
        fuzz_check_sensitive(op->sensitive);
    }
}

/*
 * Parse size bytes of JSON as source, adopt the document into cs and fill
 * lines.  Returns the document, or NULL when the text is refused (the error
 * checked).
 */
static inline json_object *fuzz_read_json(struct hhi_change_set *cs, const char *source,
                                          const uint8_t *data, size_t size,
                                          struct hhi_line_map *lines)
{
    struct hhi_error err = { HHI_OK, "" };
    char prefix[256];
    json_object *doc = NULL;
    int rc;

    snprintf(prefix, sizeof(prefix), "%s:", source);
    rc = hhi_json_parse(source, (const char *)data, size, &doc, &err);
    fuzz_check_error(rc, &err, prefix);
    if (rc != HHI_OK)
        return NULL;
    FUZZ_CHECK(hhi_change_set_adopt_doc(cs, doc, &err) == HHI_OK);
    FUZZ_CHECK(hhi_json_lines((const char *)data, size, lines, &err) == HHI_OK);
    (void)hhi_input_detect(doc);
    return doc;
}

/*
 * Run an adapter's result through the checks: an error of the convention
 * naming source, or operations that pass fuzz_check_ops.
 */
static inline void fuzz_check_adapter(int rc, const struct hhi_error *err,
                                      const struct hhi_change_set *cs, const char *source,
                                      json_object *doc, const char *format, size_t lines)
{
    char prefix[256];

    snprintf(prefix, sizeof(prefix), "%s: ", source);
    fuzz_check_error(rc, err, prefix);
    if (rc == HHI_OK)
        fuzz_check_ops(cs, source, doc, format, lines);
}

#endif
