/*
 * The JSON Schema subset: the input is a schema and an instance, split at
 * the first NUL or 0xFF byte ("SCHEMA\0INSTANCE"; without a separator the
 * schema document is validated against itself).  The schema compiles or is
 * refused; a compiled schema validates the instance (and a few fixed
 * values) or refuses it, always with a one-line error naming the path.
 */
#include "config.h"

#include <json-c/json.h>

#include "fuzz.h"
#include "input.h"
#include "schema.h"

#define WHAT "plugin Fuzz::Plugin: configuration schema"
#define CONFIG "hooks.d/fuzz.json: hook Fuzz::Hook"

static const char *const fixed_instances[] = {
    "null", "true", "0", "-1.5", "\"\"", "\"t3.micro\"", "[]", "[1,1]", "{}",
    "{\"AllowedInstanceTypes\":[\"t3.micro\"]}", NULL,
};

/*
 * glibc's regcomp copies the operand of a bounded repetition once per
 * count and that of '+' twice, nested ones multiplying: "(a{1,32767})"
 * takes it most of a minute and gigabytes, "a++++++++++++++++++++++++++++++"
 * exhausts memory.  Schemas come from plugins, which are trusted code, so
 * rather than report glibc's cost as a hang or an out-of-memory, the
 * harness skips a schema one of whose patterns could cost more than
 * REGEX_MAX_COPIES copies (the product of every bound and of 2 per '+',
 * nested or not: an overestimate).
 */
#define REGEX_MAX_COPIES 4096

static bool regex_costly(const char *re)
{
    unsigned long copies = 1;
    const char *p;

    for (p = re; *p != '\0'; p++) {
        unsigned long bound = 1;

        if (*p == '\\' && p[1] != '\0') {
            p++;
            continue;
        }
        if (*p == '+') {
            bound = 2;
        } else if (*p == '{') {
            /* {m}, {m,} or {m,n}: the largest number counts. */
            for (p++; *p != '\0' && *p != '}'; p++) {
                unsigned long n = 0;

                while (*p >= '0' && *p <= '9') {
                    n = n * 10 + (unsigned long)(*p - '0');
                    if (n > REGEX_MAX_COPIES)
                        return true;
                    p++;
                }
                if (n > bound)
                    bound = n;
                if (*p == '\0' || *p == '}')
                    break;
            }
        }
        copies *= bound;
        if (copies > REGEX_MAX_COPIES)
            return true;
        if (*p == '\0')
            break;
    }
    return false;
}

/* Does any "pattern" string in the document look too costly for regcomp? */
static bool has_costly_pattern(json_object *v)
{
    size_t i, n;

    switch (json_object_get_type(v)) {
    case json_type_array:
        n = json_object_array_length(v);
        for (i = 0; i < n; i++) {
            if (has_costly_pattern(json_object_array_get_idx(v, i)))
                return true;
        }
        return false;
    case json_type_object: {
        json_object_object_foreach(v, key, member) {
            if (strcmp(key, "pattern") == 0 && json_object_is_type(member, json_type_string) &&
                regex_costly(json_object_get_string(member)))
                return true;
            if (has_costly_pattern(member))
                return true;
        }
        return false;
    }
    default:
        return false;
    }
}

static void validate(const struct hhi_schema *schema, json_object *instance)
{
    struct hhi_error err = { 0, "" };
    int rc;

    rc = hhi_schema_validate(schema, instance, CONFIG, "Properties", &err);
    fuzz_check_error(rc, &err, CONFIG ": Properties");
    /* The same answer the second time: validation keeps no state. */
    {
        struct hhi_error again = { 0, "" };

        FUZZ_CHECK(hhi_schema_validate(schema, instance, CONFIG, "Properties", &again) == rc);
        FUZZ_CHECK(strcmp(again.message, err.message) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct hhi_error err = { 0, "" };
    struct hhi_schema *schema = (struct hhi_schema *)&err;   /* must be reset */
    json_object *doc = NULL, *instance = NULL;
    const uint8_t *rest;
    size_t first, rest_len, i;
    bool split;
    int rc;

    split = fuzz_split(data, size, &first, &rest, &rest_len);
    rc = hhi_json_parse("schema", (const char *)data, first, &doc, &err);
    if (rc != HHI_OK)
        return 0;
    if (has_costly_pattern(doc)) {
        json_object_put(doc);
        return 0;
    }
    rc = hhi_schema_compile(&schema, doc, WHAT, &err);
    fuzz_check_error(rc, &err, WHAT ": ");
    if (rc != HHI_OK) {
        FUZZ_CHECK(schema == NULL);
        json_object_put(doc);
        return 0;
    }
    FUZZ_CHECK(schema != NULL);
    if (!split) {
        instance = json_object_get(doc);
    } else {
        struct hhi_error ignored = { 0, "" };

        if (hhi_json_parse("instance", (const char *)rest, rest_len, &instance, &ignored) !=
            HHI_OK)
            instance = NULL;
    }
    /* The schema holds its own reference to the document. */
    json_object_put(doc);
    if (instance != NULL || split)
        validate(schema, instance);
    for (i = 0; fixed_instances[i] != NULL; i++) {
        struct hhi_error ignored = { 0, "" };
        json_object *fixed = NULL;

        FUZZ_CHECK(hhi_json_parse("fixed", fixed_instances[i], strlen(fixed_instances[i]),
                                  &fixed, &ignored) == HHI_OK);
        validate(schema, fixed);
        json_object_put(fixed);
    }
    json_object_put(instance);
    hhi_schema_free(schema);
    return 0;
}
