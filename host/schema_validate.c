#include "config.h"

#include "schema_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/*
 * Validating: walk the instance along the compiled schema and stop at the
 * first violation, in document order, naming the offending value's path.
 * Keywords are checked in a fixed order: type, enum, const, then those of
 * the instance's type.
 */

static int validate_node(struct hhi_schema_walk *walk, const struct hhi_schema_node *node,
                         json_object *value);

static const char *plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

/*
 * Refuse instances nested deeper than schemas may be, before anything
 * recurses over them (equality for enum, const and uniqueItems).
 */
static int check_depth(struct hhi_schema_walk *walk, json_object *value, int level)
{
    enum json_type t = json_object_get_type(value);
    size_t i, n, saved;
    int rc = 0;

    if (t != json_type_array && t != json_type_object)
        return 0;
    if (level > HHI_SCHEMA_MAX_DEPTH)
        return hhi_schema_fail(walk, "arrays and objects nested deeper than %d levels",
                               HHI_SCHEMA_MAX_DEPTH);
    if (t == json_type_array) {
        n = json_object_array_length(value);
        for (i = 0; i < n && rc == 0; i++) {
            saved = hhi_schema_path_index(&walk->path, i);
            rc = check_depth(walk, json_object_array_get_idx(value, i), level + 1);
            hhi_schema_path_restore(&walk->path, saved);
        }
        return rc;
    }
    {
        json_object_object_foreach(value, key, member) {
            saved = hhi_schema_path_key(&walk->path, key);
            rc = check_depth(walk, member, level + 1);
            hhi_schema_path_restore(&walk->path, saved);
            if (rc != 0)
                break;
        }
    }
    return rc;
}

static int check_type(struct hhi_schema_walk *walk, const struct hhi_schema_node *node,
                      json_object *value)
{
    char expected[128];

    if (node->types == 0 || hhi_schema_type_matches(node->types, value))
        return 0;
    hhi_schema_types_text(node->types, expected, sizeof(expected));
    return hhi_schema_fail(walk, "must be of type %s (got %s)", expected,
                           hhi_schema_type_name(value));
}

static int check_enum_const(struct hhi_schema_walk *walk, const struct hhi_schema_node *node,
                            json_object *value)
{
    char text[HHI_ERROR_MESSAGE_MAX / 2];
    size_t i, n;

    if (node->enum_values != NULL) {
        n = json_object_array_length(node->enum_values);
        for (i = 0; i < n; i++) {
            if (hhi_schema_json_equal(value, json_object_array_get_idx(node->enum_values, i)))
                break;
        }
        if (i == n) {
            hhi_schema_describe_list(node->enum_values, text, sizeof(text));
            return hhi_schema_fail(walk, "must be one of: %s", text);
        }
    }
    if (node->has_const && !hhi_schema_json_equal(value, node->const_value)) {
        hhi_schema_describe(node->const_value, text, sizeof(text));
        return hhi_schema_fail(walk, "must be equal to %s", text);
    }
    return 0;
}

/* minimum, exclusiveMinimum, maximum, exclusiveMaximum, in slot order. */
static int check_number(struct hhi_schema_walk *walk, const struct hhi_schema_node *node,
                        json_object *value)
{
    static const struct {
        const char *op;
        int pass1, pass2;   /* the comparison results that satisfy it */
    } rules[HHI_N_LIMITS] = {
        [HHI_MINIMUM] = { ">=", 0, 1 },
        [HHI_EXCLUSIVE_MINIMUM] = { ">", 1, 1 },
        [HHI_MAXIMUM] = { "<=", 0, -1 },
        [HHI_EXCLUSIVE_MAXIMUM] = { "<", -1, -1 },
    };
    char limit[64];
    int slot, c;

    for (slot = 0; slot < HHI_N_LIMITS; slot++) {
        if (node->limits[slot] == NULL)
            continue;
        /* NaN compares as 2 and so satisfies no limit. */
        c = hhi_schema_number_cmp(value, node->limits[slot]);
        if (c == rules[slot].pass1 || c == rules[slot].pass2)
            continue;
        hhi_schema_describe(node->limits[slot], limit, sizeof(limit));
        return hhi_schema_fail(walk, "must be %s %s", rules[slot].op, limit);
    }
    return 0;
}

static int check_string(struct hhi_schema_walk *walk, const struct hhi_schema_node *node,
                        json_object *value)
{
    const char *s = json_object_get_string(value);
    size_t len = hhi_schema_utf8_length(s, (size_t)json_object_get_string_len(value));
    uint64_t min = node->counts[HHI_MIN_LENGTH], max = node->counts[HHI_MAX_LENGTH];
    int rc;

    if (len < min)
        return hhi_schema_fail(walk, "must be at least %" PRIu64 " character%s long (it has %zu)",
                               min, plural(min), len);
    if (len > max)
        return hhi_schema_fail(walk, "must be at most %" PRIu64 " character%s long (it has %zu)",
                               max, plural(max), len);
    if (!node->has_pattern)
        return 0;
    /* regexec would stop at a NUL and pass what follows unchecked. */
    if (strlen(s) != (size_t)json_object_get_string_len(value))
        return hhi_schema_fail(walk, "contains a NUL character, which pattern %s cannot check",
                               node->pattern_source);
    rc = regexec(&node->pattern, s, 0, NULL, 0);
    /* glibc's regexec says REG_NOMATCH when it runs out of memory too: a
     * second look keeps one failed allocation from passing for a mismatch. */
    if (rc == REG_NOMATCH)
        rc = regexec(&node->pattern, s, 0, NULL, 0);
    if (rc == REG_NOMATCH)
        return hhi_schema_fail(walk, "does not match pattern %s", node->pattern_source);
    return rc == 0 ? 0 : hhi_schema_nomem(walk);   /* REG_ESPACE */
}

/* Arrays up to this long are checked for duplicates pairwise, without allocating. */
#define UNIQUE_PAIRWISE_MAX 32

/* No duplicate found. */
#define NO_DUPLICATE SIZE_MAX

struct hashed_item {
    uint64_t hash;
    size_t index;
};

static int hashed_item_cmp(const void *a, const void *b)
{
    const struct hashed_item *x = a, *y = b;

    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/*
 * Among the n items of group (sorted by index), lower *dup to the first
 * item equal to an earlier one, and set *orig to the first it equals.
 */
static void group_duplicate(json_object *array, const struct hashed_item *group, size_t n,
                            size_t *dup, size_t *orig)
{
    size_t a, b;

    for (a = 1; a < n && group[a].index < *dup; a++) {
        json_object *item = json_object_array_get_idx(array, group[a].index);

        for (b = 0; b < a; b++) {
            if (hhi_schema_json_equal(item, json_object_array_get_idx(array, group[b].index))) {
                *dup = group[a].index;
                *orig = group[b].index;
                break;
            }
        }
    }
}

/* Sort the items by hash, so that only items of equal hash are compared. */
static int duplicates_hashed(struct hhi_schema_walk *walk, json_object *array, size_t n,
                             size_t *dup, size_t *orig)
{
    struct hashed_item *items;
    size_t i, end;

    if (n > SIZE_MAX / sizeof(*items))
        return hhi_schema_nomem(walk);
    items = malloc(n * sizeof(*items));
    if (items == NULL)
        return hhi_schema_nomem(walk);
    for (i = 0; i < n; i++) {
        items[i].hash = hhi_schema_json_hash(json_object_array_get_idx(array, i));
        items[i].index = i;
    }
    qsort(items, n, sizeof(*items), hashed_item_cmp);
    for (i = 0; i < n; i = end) {
        for (end = i + 1; end < n && items[end].hash == items[i].hash; end++)
            continue;
        group_duplicate(array, items + i, end - i, dup, orig);
    }
    free(items);
    return 0;
}

/*
 * The first item (in document order) equal to an earlier one, in *dup
 * (NO_DUPLICATE if none), and the first item it equals, in *orig.
 */
static int find_duplicate(struct hhi_schema_walk *walk, json_object *array, size_t *dup,
                          size_t *orig)
{
    size_t i, j, n = json_object_array_length(array);

    *dup = NO_DUPLICATE;
    *orig = 0;
    if (n > UNIQUE_PAIRWISE_MAX)
        return duplicates_hashed(walk, array, n, dup, orig);
    for (i = 1; i < n; i++) {
        for (j = 0; j < i; j++) {
            if (hhi_schema_json_equal(json_object_array_get_idx(array, i),
                                      json_object_array_get_idx(array, j))) {
                *dup = i;
                *orig = j;
                return 0;
            }
        }
    }
    return 0;
}

static int check_array(struct hhi_schema_walk *walk, const struct hhi_schema_node *node,
                       json_object *value)
{
    size_t i, n = json_object_array_length(value), dup = NO_DUPLICATE, orig = 0;
    uint64_t min = node->counts[HHI_MIN_ITEMS], max = node->counts[HHI_MAX_ITEMS];
    int rc = 0;

    if (n < min)
        return hhi_schema_fail(walk, "must have at least %" PRIu64 " item%s (it has %zu)",
                               min, plural(min), n);
    if (n > max)
        return hhi_schema_fail(walk, "must have at most %" PRIu64 " item%s (it has %zu)",
                               max, plural(max), n);
    if (node->unique_items)
        rc = find_duplicate(walk, value, &dup, &orig);
    /* Item by item, so that the first violation in the document is reported. */
    for (i = 0; i < n && rc == 0; i++) {
        size_t saved = hhi_schema_path_index(&walk->path, i);

        if (node->items != NULL)
            rc = validate_node(walk, node->items, json_object_array_get_idx(value, i));
        if (rc == 0 && i == dup)
            rc = hhi_schema_fail(walk, "duplicates item [%zu] (items must be unique)", orig);
        hhi_schema_path_restore(&walk->path, saved);
    }
    return rc;
}

static const struct hhi_schema_node *property_schema(const struct hhi_schema_node *node,
                                                     const char *name)
{
    struct hhi_schema_property key = { name, NULL };
    const struct hhi_schema_property *found;

    if (node->n_properties == 0)
        return NULL;
    found = bsearch(&key, node->properties, node->n_properties, sizeof(key),
                    hhi_schema_property_cmp);
    return found != NULL ? found->schema : NULL;
}

static int check_member(struct hhi_schema_walk *walk, const struct hhi_schema_node *node,
                        const char *name, json_object *member)
{
    const struct hhi_schema_node *schema = property_schema(node, name);
    size_t saved = hhi_schema_path_key(&walk->path, name);
    int rc = 0;

    if (schema == NULL && node->additional == HHI_ADDITIONAL_DENY)
        rc = hhi_schema_fail(walk, "is not an allowed property (additionalProperties is false)");
    else if (schema == NULL && node->additional == HHI_ADDITIONAL_SCHEMA)
        schema = node->additional_schema;
    if (rc == 0 && schema != NULL)
        rc = validate_node(walk, schema, member);
    hhi_schema_path_restore(&walk->path, saved);
    return rc;
}

static int check_object(struct hhi_schema_walk *walk, const struct hhi_schema_node *node,
                        json_object *value)
{
    size_t i, n = node->required != NULL ? json_object_array_length(node->required) : 0;
    int rc = 0;

    for (i = 0; i < n; i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(node->required, i));

        if (!json_object_object_get_ex(value, name, NULL))
            return hhi_schema_fail(walk, "missing required property \"%s\"", name);
    }
    {
        json_object_object_foreach(value, name, member) {
            rc = check_member(walk, node, name, member);
            if (rc != 0)
                break;
        }
    }
    return rc;
}

static int validate_node(struct hhi_schema_walk *walk, const struct hhi_schema_node *node,
                         json_object *value)
{
    int rc = check_type(walk, node, value);

    if (rc == 0)
        rc = check_enum_const(walk, node, value);
    if (rc != 0)
        return rc;
    switch (json_object_get_type(value)) {
    case json_type_int:
    case json_type_double:
        return check_number(walk, node, value);
    case json_type_string:
        return check_string(walk, node, value);
    case json_type_array:
        return check_array(walk, node, value);
    case json_type_object:
        return check_object(walk, node, value);
    default:
        return 0;
    }
}

int hhi_schema_validate(const struct hhi_schema *schema, json_object *instance,
                        const char *what, const char *prefix, struct hhi_error *err)
{
    struct hhi_schema_walk walk;
    int rc;

    hhi_schema_walk_init(&walk, what, prefix, err);
    rc = check_depth(&walk, instance, 1);
    if (rc == 0)
        rc = validate_node(&walk, schema->root, instance);
    return rc;
}
