#include "config.h"

#include "schema_internal.h"

#include <stdlib.h>
#include <string.h>

/*
 * Compiling: check every keyword of every schema object, so that a schema
 * that says more than this subset can enforce is refused rather than half
 * applied, and turn it into a tree of struct hhi_schema_node.
 */

static int compile_node(struct hhi_schema_walk *walk, json_object *schema, int depth,
                        struct hhi_schema_node **out);
static void node_free(struct hhi_schema_node *node);

typedef int keyword_fn(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                       json_object *value, int slot, int depth);

/* ------------------------------------------------------- simple keywords */

static int kw_type_name(struct hhi_schema_walk *walk, json_object *value, unsigned *bit)
{
    if (!json_object_is_type(value, json_type_string))
        return hhi_schema_fail(walk, "must be a type name (a string)");
    *bit = hhi_schema_type_from_name(json_object_get_string(value));
    if (*bit == 0)
        return hhi_schema_fail(walk, "unknown type \"%s\" (expected null, boolean, object, "
                               "array, number, integer or string)",
                               json_object_get_string(value));
    return 0;
}

static int kw_type(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                   json_object *value, int slot, int depth)
{
    size_t i, n;
    unsigned bit;
    int rc = 0;

    if (json_object_is_type(value, json_type_string))
        return kw_type_name(walk, value, &node->types);
    if (!json_object_is_type(value, json_type_array) || json_object_array_length(value) == 0)
        return hhi_schema_fail(walk, "must be a type name or a non-empty array of type names");
    n = json_object_array_length(value);
    for (i = 0; i < n && rc == 0; i++) {
        size_t saved = hhi_schema_path_index(&walk->path, i);

        bit = 0;
        rc = kw_type_name(walk, json_object_array_get_idx(value, i), &bit);
        if (rc == 0 && (node->types & bit) != 0)
            rc = hhi_schema_fail(walk, "type \"%s\" is listed twice",
                                 json_object_get_string(json_object_array_get_idx(value, i)));
        node->types |= bit;
        hhi_schema_path_restore(&walk->path, saved);
    }
    return rc;
}

static int kw_enum(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                   json_object *value, int slot, int depth)
{
    if (!json_object_is_type(value, json_type_array) || json_object_array_length(value) == 0)
        return hhi_schema_fail(walk, "must be a non-empty array");
    node->enum_values = value;
    return 0;
}

static int kw_const(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                    json_object *value, int slot, int depth)
{
    node->has_const = true;
    node->const_value = value;
    return 0;
}

static int kw_limit(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                    json_object *value, int slot, int depth)
{
    if (json_object_is_type(value, json_type_boolean))
        return hhi_schema_fail(walk, "must be a number (draft-07 exclusive limits are "
                               "numbers, not booleans as in draft-04)");
    if (!hhi_schema_is_number(value) || hhi_schema_number_cmp(value, value) != 0)
        return hhi_schema_fail(walk, "must be a number");
    node->limits[slot] = value;
    return 0;
}

static int kw_count(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                    json_object *value, int slot, int depth)
{
    if (!hhi_schema_is_integer(value))
        return hhi_schema_fail(walk, "must be a non-negative integer");
    if (json_object_is_type(value, json_type_int)) {
        if (json_object_get_int64(value) < 0)
            return hhi_schema_fail(walk, "must be a non-negative integer");
        /* json-c reads a uint64 back exactly, and an int64 >= 0 too. */
        node->counts[slot] = json_object_get_uint64(value);
    } else {
        double d = json_object_get_double(value);

        if (d < 0)
            return hhi_schema_fail(walk, "must be a non-negative integer");
        node->counts[slot] = d >= 18446744073709551616.0 ? UINT64_MAX : (uint64_t)d;
    }
    return 0;
}

static int kw_unique_items(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                      json_object *value, int slot, int depth)
{
    if (!json_object_is_type(value, json_type_boolean))
        return hhi_schema_fail(walk, "must be true or false");
    node->unique_items = json_object_get_boolean(value);
    return 0;
}

/* title, description, $comment: ignored, but must be what they claim. */
static int kw_text(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                   json_object *value, int slot, int depth)
{
    if (!json_object_is_type(value, json_type_string))
        return hhi_schema_fail(walk, "must be a string");
    return 0;
}

static int kw_examples(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                       json_object *value, int slot, int depth)
{
    if (!json_object_is_type(value, json_type_array))
        return hhi_schema_fail(walk, "must be an array");
    return 0;
}

static int kw_default(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                      json_object *value, int slot, int depth)
{
    return 0;
}

/* ---------------------------------------------------------------- pattern */

/*
 * JSON Schema authors write ECMA-262 regexes; POSIX gives escapes such as
 * \d no meaning (glibc quietly reads "d"), which would silently enforce
 * something else.  Refuse letter and digit escapes other than the GNU
 * \w \W \s \S \b \B, whose meaning matches ECMA-262.
 */
static int check_escapes(struct hhi_schema_walk *walk, const char *re)
{
    const char *p;

    for (p = re; *p != '\0'; p++) {
        char c;

        if (*p != '\\' || p[1] == '\0')
            continue;
        c = *++p;
        if (((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) &&
            strchr("wWsSbB", c) == NULL)
            return hhi_schema_fail(walk, "\"\\%c\" is not supported in a POSIX extended "
                                   "regular expression (use a bracket expression "
                                   "such as [0-9])", c);
    }
    return 0;
}

static int kw_pattern(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                      json_object *value, int slot, int depth)
{
    const char *re;
    int rc;

    if (!json_object_is_type(value, json_type_string))
        return hhi_schema_fail(walk, "must be a regular expression (a string)");
    re = json_object_get_string(value);
    if (strlen(re) != (size_t)json_object_get_string_len(value))
        return hhi_schema_fail(walk, "must not contain a NUL character");
    rc = check_escapes(walk, re);
    if (rc != 0)
        return rc;
    rc = regcomp(&node->pattern, re, REG_EXTENDED | REG_NOSUB);
    if (rc == REG_ESPACE)
        return hhi_schema_nomem(walk);
    if (rc != 0) {
        char why[256];

        regerror(rc, &node->pattern, why, sizeof(why));
        return hhi_schema_fail(walk, "invalid regular expression: %s", why);
    }
    node->has_pattern = true;
    node->pattern_source = re;
    return 0;
}

/* ------------------------------------------------- keywords with schemas */

static int kw_items(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                    json_object *value, int slot, int depth)
{
    if (json_object_is_type(value, json_type_array))
        return hhi_schema_fail(walk, "must be a schema (the array form is not supported)");
    return compile_node(walk, value, depth + 1, &node->items);
}

static int kw_additional(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                         json_object *value, int slot, int depth)
{
    if (json_object_is_type(value, json_type_boolean)) {
        node->additional = json_object_get_boolean(value) ? HHI_ADDITIONAL_ALLOW
                                                          : HHI_ADDITIONAL_DENY;
        return 0;
    }
    if (!json_object_is_type(value, json_type_object))
        return hhi_schema_fail(walk, "must be true, false or a schema");
    node->additional = HHI_ADDITIONAL_SCHEMA;
    return compile_node(walk, value, depth + 1, &node->additional_schema);
}

static int required_name(struct hhi_schema_walk *walk, json_object *names, size_t i)
{
    json_object *name = json_object_array_get_idx(names, i);
    size_t j;

    if (!json_object_is_type(name, json_type_string))
        return hhi_schema_fail(walk, "must be a property name (a string)");
    for (j = 0; j < i; j++) {
        if (hhi_schema_json_equal(name, json_object_array_get_idx(names, j)))
            return hhi_schema_fail(walk, "\"%s\" is listed twice", json_object_get_string(name));
    }
    return 0;
}

static int kw_required(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                       json_object *value, int slot, int depth)
{
    size_t i, n;
    int rc = 0;

    if (!json_object_is_type(value, json_type_array))
        return hhi_schema_fail(walk, "must be an array of property names");
    n = json_object_array_length(value);
    for (i = 0; i < n && rc == 0; i++) {
        size_t saved = hhi_schema_path_index(&walk->path, i);

        rc = required_name(walk, value, i);
        hhi_schema_path_restore(&walk->path, saved);
    }
    if (rc == 0)
        node->required = value;
    return rc;
}

int hhi_schema_property_cmp(const void *a, const void *b)
{
    const struct hhi_schema_property *x = a, *y = b;

    return strcmp(x->name, y->name);
}

static int kw_properties(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                         json_object *value, int slot, int depth)
{
    size_t n;
    int rc = 0;

    if (!json_object_is_type(value, json_type_object))
        return hhi_schema_fail(walk, "must be an object of schemas");
    n = (size_t)json_object_object_length(value);
    node->properties = calloc(n > 0 ? n : 1, sizeof(*node->properties));
    if (node->properties == NULL)
        return hhi_schema_nomem(walk);
    {
        json_object_object_foreach(value, name, schema) {
            struct hhi_schema_property *prop = &node->properties[node->n_properties];
            size_t saved = hhi_schema_path_key(&walk->path, name);

            rc = compile_node(walk, schema, depth + 1, &prop->schema);
            hhi_schema_path_restore(&walk->path, saved);
            if (rc != 0)
                return rc;
            prop->name = name;
            node->n_properties++;
        }
    }
    /* Sorted, so that validation finds a member's schema by bsearch. */
    qsort(node->properties, node->n_properties, sizeof(*node->properties),
          hhi_schema_property_cmp);
    return rc;
}

/* ------------------------------------------------------------ the table */

static const struct keyword {
    const char *name;
    keyword_fn *compile;
    int slot;
} keywords[] = {
    { "type", kw_type, 0 },
    { "enum", kw_enum, 0 },
    { "const", kw_const, 0 },
    { "minimum", kw_limit, HHI_MINIMUM },
    { "exclusiveMinimum", kw_limit, HHI_EXCLUSIVE_MINIMUM },
    { "maximum", kw_limit, HHI_MAXIMUM },
    { "exclusiveMaximum", kw_limit, HHI_EXCLUSIVE_MAXIMUM },
    { "minLength", kw_count, HHI_MIN_LENGTH },
    { "maxLength", kw_count, HHI_MAX_LENGTH },
    { "pattern", kw_pattern, 0 },
    { "items", kw_items, 0 },
    { "minItems", kw_count, HHI_MIN_ITEMS },
    { "maxItems", kw_count, HHI_MAX_ITEMS },
    { "uniqueItems", kw_unique_items, 0 },
    { "required", kw_required, 0 },
    { "properties", kw_properties, 0 },
    { "additionalProperties", kw_additional, 0 },
    { "title", kw_text, 0 },
    { "description", kw_text, 0 },
    { "$comment", kw_text, 0 },
    /* Identification only: no constraint is implied. */
    { "$schema", kw_text, 0 },
    { "$id", kw_text, 0 },
    { "examples", kw_examples, 0 },
    { "default", kw_default, 0 },
};

static const struct keyword *keyword_find(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
        if (strcmp(keywords[i].name, name) == 0)
            return &keywords[i];
    }
    return NULL;
}

static int compile_keyword(struct hhi_schema_walk *walk, struct hhi_schema_node *node,
                           const char *name, json_object *value, int depth)
{
    const struct keyword *kw = keyword_find(name);
    size_t saved = hhi_schema_path_key(&walk->path, name);
    int rc;

    if (kw == NULL)
        rc = hhi_schema_fail(walk, "unknown keyword (not in the supported JSON Schema subset)");
    else
        rc = kw->compile(walk, node, value, kw->slot, depth);
    hhi_schema_path_restore(&walk->path, saved);
    return rc;
}

static int compile_node(struct hhi_schema_walk *walk, json_object *schema, int depth,
                        struct hhi_schema_node **out)
{
    struct hhi_schema_node *node;
    int rc = 0;

    *out = NULL;
    if (depth > HHI_SCHEMA_MAX_DEPTH)
        return hhi_schema_fail(walk, "schemas nested deeper than %d levels",
                               HHI_SCHEMA_MAX_DEPTH);
    if (!json_object_is_type(schema, json_type_object))
        return hhi_schema_fail(walk, "must be a schema (an object), not %s",
                               hhi_schema_type_name(schema));
    node = calloc(1, sizeof(*node));
    if (node == NULL)
        return hhi_schema_nomem(walk);
    node->counts[HHI_MAX_LENGTH] = UINT64_MAX;
    node->counts[HHI_MAX_ITEMS] = UINT64_MAX;
    {
        json_object_object_foreach(schema, name, value) {
            rc = compile_keyword(walk, node, name, value, depth);
            if (rc != 0)
                break;
        }
    }
    if (rc != 0) {
        node_free(node);
        return rc;
    }
    *out = node;
    return 0;
}

/* Recursion is bounded by HHI_SCHEMA_MAX_DEPTH, checked when compiling. */
static void node_free(struct hhi_schema_node *node)
{
    size_t i;

    if (node == NULL)
        return;
    for (i = 0; i < node->n_properties; i++)
        node_free(node->properties[i].schema);
    free(node->properties);
    node_free(node->items);
    node_free(node->additional_schema);
    if (node->has_pattern)
        regfree(&node->pattern);
    free(node);
}

/* ------------------------------------------------------------ public API */

int hhi_schema_compile(struct hhi_schema **out, json_object *schema,
                       const char *what, struct hhi_error *err)
{
    struct hhi_schema_walk walk;
    struct hhi_schema *compiled;
    int rc;

    *out = NULL;
    hhi_schema_walk_init(&walk, what, "", err);
    compiled = calloc(1, sizeof(*compiled));
    if (compiled == NULL)
        return hhi_schema_nomem(&walk);
    rc = compile_node(&walk, schema, 1, &compiled->root);
    if (rc != 0) {
        free(compiled);
        return rc;
    }
    compiled->document = json_object_get(schema);
    *out = compiled;
    return 0;
}

void hhi_schema_free(struct hhi_schema *schema)
{
    if (schema == NULL)
        return;
    node_free(schema->root);
    json_object_put(schema->document);
    free(schema);
}
