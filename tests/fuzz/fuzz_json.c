/*
 * hhi_json_parse: any bytes either parse (strict JSON, nesting within the
 * limit, strings valid UTF-8) or are refused with a one-line error located
 * by a line and column inside the text.
 */
#include "config.h"

#include <inttypes.h>

#include <json-c/json.h>

#include "fuzz.h"
#include "input.h"

#define WHAT "fuzz.json"

/* Every string and member name is valid UTF-8; arrays and objects nest within the limit. */
static void check_tree(json_object *obj, int depth)
{
    size_t i, n;

    switch (json_object_get_type(obj)) {
    case json_type_string:
        FUZZ_CHECK(fuzz_utf8_valid(json_object_get_string(obj),
                                   (size_t)json_object_get_string_len(obj)));
        break;
    case json_type_array:
        FUZZ_CHECK(depth <= HHI_JSON_MAX_DEPTH);
        n = json_object_array_length(obj);
        for (i = 0; i < n; i++)
            check_tree(json_object_array_get_idx(obj, i), depth + 1);
        break;
    case json_type_object: {
        FUZZ_CHECK(depth <= HHI_JSON_MAX_DEPTH);
        json_object_object_foreach(obj, key, value) {
            FUZZ_CHECK(fuzz_utf8_valid(key, strlen(key)));
            check_tree(value, depth + 1);
        }
        break;
    }
    default:
        break;
    }
}

/* "fuzz.json:LINE:COLUMN: invalid JSON: why", the place inside the text. */
static void check_location(const struct hhi_error *err, const uint8_t *data, size_t size)
{
    uintmax_t line = 0, column = 0, lines = 1;
    int used = 0;
    size_t i;

    if (err->code != HHI_EINPUT || strncmp(err->message, WHAT ":", sizeof(WHAT)) != 0 ||
        strstr(err->message, "invalid JSON") == NULL)
        return;   /* too large, out of memory */
    FUZZ_CHECK(sscanf(err->message, WHAT ":%" SCNuMAX ":%" SCNuMAX ": invalid JSON: %n",
                      &line, &column, &used) == 2 && used > 0);
    FUZZ_CHECK(err->message[used] != '\0');
    for (i = 0; i < size; i++)
        lines += data[i] == '\n';
    FUZZ_CHECK(line >= 1 && line <= lines);
    FUZZ_CHECK(column >= 1 && column <= (uintmax_t)size + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hhi_error err = { 0, "" };
    json_object *obj = (json_object *)&err;   /* must be reset */
    int rc;

    rc = hhi_json_parse(WHAT, (const char *)data, size, &obj, &err);
    fuzz_check_error(rc, &err, WHAT ":");
    {
        /* Whitespace after the value changes nothing (a number at the very end too). */
        struct hhi_error err2 = { 0, "" };
        json_object *spaced = NULL;
        char *copy = malloc(size + 1);

        FUZZ_CHECK(copy != NULL);
        if (size > 0)
            memcpy(copy, data, size);
        copy[size] = '\n';
        FUZZ_CHECK((hhi_json_parse(WHAT, copy, size + 1, &spaced, &err2) == HHI_OK) ==
                   (rc == HHI_OK));
        json_object_put(spaced);
        free(copy);
    }
    if (rc != HHI_OK) {
        FUZZ_CHECK(obj == NULL);
        check_location(&err, data, size);
        return 0;
    }
    check_tree(obj, 1);
    {
        /*
         * What json-c writes back parses again and is written back the same
         * (texts are compared, not values: NaN is not equal to itself).
         */
        const char *text = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN);
        struct hhi_error err2 = { 0, "" };
        json_object *again = NULL;
        char *copy;

        FUZZ_CHECK(text != NULL);
        copy = fuzz_strndup((const uint8_t *)text, strlen(text));
        rc = hhi_json_parse("again", copy, strlen(copy), &again, &err2);
        if (rc != HHI_OK)
            fprintf(stderr, "reparse of %s: %s\n", copy, err2.message);
        FUZZ_CHECK(rc == HHI_OK);
        text = json_object_to_json_string_ext(again, JSON_C_TO_STRING_PLAIN);
        FUZZ_CHECK(text != NULL && strcmp(text, copy) == 0);
        json_object_put(again);
        free(copy);
    }
    json_object_put(obj);
    return 0;
}
