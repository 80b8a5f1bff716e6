/*
 * Internals shared by schema.c (compiling), schema_validate.c (validating)
 * and schema_util.c (paths, numbers, messages).  Not for other modules.
 */
#ifndef HOOKHOST_HOST_SCHEMA_INTERNAL_H
#define HOOKHOST_HOST_SCHEMA_INTERNAL_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "error.h"
#include "schema.h"

/* Deepest nesting of schemas, and of arrays/objects in an instance. */
#define HHI_SCHEMA_MAX_DEPTH 64

/* JSON Schema "type" names, as bits. */
enum hhi_schema_type {
    HHI_TYPE_NULL = 1 << 0,
    HHI_TYPE_BOOLEAN = 1 << 1,
    HHI_TYPE_OBJECT = 1 << 2,
    HHI_TYPE_ARRAY = 1 << 3,
    HHI_TYPE_NUMBER = 1 << 4,
    HHI_TYPE_INTEGER = 1 << 5,
    HHI_TYPE_STRING = 1 << 6
};

/* Slots of hhi_schema_node.limits (numbers, borrowed from the document). */
enum { HHI_MINIMUM, HHI_EXCLUSIVE_MINIMUM, HHI_MAXIMUM, HHI_EXCLUSIVE_MAXIMUM, HHI_N_LIMITS };

/* Slots of hhi_schema_node.counts; an absent keyword holds 0 or UINT64_MAX. */
enum { HHI_MIN_LENGTH, HHI_MAX_LENGTH, HHI_MIN_ITEMS, HHI_MAX_ITEMS, HHI_N_COUNTS };

enum hhi_additional { HHI_ADDITIONAL_ALLOW, HHI_ADDITIONAL_DENY, HHI_ADDITIONAL_SCHEMA };

struct hhi_schema_node;

struct hhi_schema_property {
    const char *name;                  /* borrowed from the document */
    struct hhi_schema_node *schema;
};

/*
 * One compiled schema object.  json_object pointers are borrowed from the
 * document that struct hhi_schema keeps a reference to.
 */
struct hhi_schema_node {
    unsigned types;                    /* HHI_TYPE_* bits; 0: any type */
    json_object *enum_values;          /* an array, or NULL */
    bool has_const;
    json_object *const_value;          /* may be NULL (JSON null) */
    json_object *limits[HHI_N_LIMITS]; /* NULL when absent */
    uint64_t counts[HHI_N_COUNTS];
    bool unique_items;
    bool has_pattern;
    regex_t pattern;
    const char *pattern_source;
    struct hhi_schema_node *items;     /* NULL when absent */
    json_object *required;             /* an array of strings, or NULL */
    struct hhi_schema_property *properties;  /* sorted by name */
    size_t n_properties;
    enum hhi_additional additional;
    struct hhi_schema_node *additional_schema;
};

/* Order struct hhi_schema_property by name, for qsort and bsearch. */
int hhi_schema_property_cmp(const void *a, const void *b);

struct hhi_schema {
    json_object *document;
    struct hhi_schema_node *root;
};

/*
 * A JSON path being built while walking a document, like
 * Properties.List[2] or (root).  Segments that do not fit are cut: the
 * message they end up in is bounded anyway.
 */
struct hhi_schema_path {
    char text[HHI_ERROR_MESSAGE_MAX];
    size_t len;
};

/* What a compile or validate walk reports errors with. */
struct hhi_schema_walk {
    const char *what;
    struct hhi_error *err;
    struct hhi_schema_path path;
};

void hhi_schema_walk_init(struct hhi_schema_walk *walk, const char *what,
                          const char *prefix, struct hhi_error *err);

/* Append .key / ["key"] or [index]; return the length to restore to. */
size_t hhi_schema_path_key(struct hhi_schema_path *path, const char *key);
size_t hhi_schema_path_index(struct hhi_schema_path *path, size_t index);
void hhi_schema_path_restore(struct hhi_schema_path *path, size_t len);

/* Record "<what>: <path>: <why>" as HHI_ECONFIG and return HHI_ECONFIG. */
int hhi_schema_fail(struct hhi_schema_walk *walk, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Record an out-of-memory error and return HHI_ENOMEM. */
int hhi_schema_nomem(struct hhi_schema_walk *walk);

/* Is value a JSON number (json-c int or double)? */
bool hhi_schema_is_number(json_object *value);

/* Is value a number with an integral value? */
bool hhi_schema_is_integer(json_object *value);

/*
 * Compare two numbers exactly (int64, uint64 and double alike): -1, 0 or 1,
 * or 2 when they are unordered (NaN).
 */
int hhi_schema_number_cmp(json_object *a, json_object *b);

/*
 * JSON equality as JSON Schema defines it: numbers by value (1 == 1.0),
 * objects regardless of member order.  Recursion is bounded by the depth
 * check the validator does first.
 */
bool hhi_schema_json_equal(json_object *a, json_object *b);

/* A hash consistent with hhi_schema_json_equal (equal values hash alike). */
uint64_t hhi_schema_json_hash(json_object *value);

/* Write a short, readable rendering of value ("abc", 3, [...]) into buf. */
void hhi_schema_describe(json_object *value, char *buf, size_t size);

/* Write the items of array as a comma-separated list of renderings. */
void hhi_schema_describe_list(json_object *array, char *buf, size_t size);

/* The JSON Schema type name of an instance ("integer" for json-c ints). */
const char *hhi_schema_type_name(json_object *value);

/* The HHI_TYPE_* bit of a "type" name, or 0 for an unknown name. */
unsigned hhi_schema_type_from_name(const char *name);

/* Does value belong to one of the HHI_TYPE_* bits in types? */
bool hhi_schema_type_matches(unsigned types, json_object *value);

/* "integer or string" for a set of type bits, into buf. */
void hhi_schema_types_text(unsigned types, char *buf, size_t size);

/* Number of Unicode code points in a UTF-8 string of len bytes. */
size_t hhi_schema_utf8_length(const char *s, size_t len);

#endif
