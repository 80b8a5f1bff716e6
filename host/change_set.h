/*
 * What is to be judged: one stream of operations, whatever engine or file
 * format they came from, so no hook sees engine differences.  The parsed
 * documents are owned here and operations point into them (parse once).
 */
#ifndef HOOKHOST_HOST_CHANGE_SET_H
#define HOOKHOST_HOST_CHANGE_SET_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "arena.h"
#include "error.h"

struct hhi_operation {
    const char *source;       /* the input file */
    const char *logical_id;   /* logical id or address */
    const char *target_type;  /* engine's own type name */
    int32_t action;           /* HH_ACTION_* */
    int32_t point;            /* HH_POINT_* */
    json_object *properties;  /* borrowed; NULL when absent */
    json_object *previous;    /* borrowed; NULL when absent */
    json_object *outputs;     /* borrowed new outputs; NULL when absent */
    json_object *previous_outputs; /* borrowed; NULL when absent */
    const char *physical_id;  /* the engine's id, or NULL */
    const char *stack_name;   /* the input's own stack, or NULL (then --stack-name) */
    size_t line;              /* 1-based line of the resource in source, 0 unknown */
    json_object *sensitive;   /* borrowed JSON array of strings never to print, or NULL */
    json_object *input;       /* the whole input document (HH_DOC_INPUT), or NULL */
    const char *input_format; /* its format name (hh_request.input_format) */
    const char *input_pointer;/* the target's JSON pointer in it, or NULL */
};

struct hhi_change_set {
    struct hhi_operation *ops;
    size_t count;
    size_t cap;
    json_object **docs;       /* owned parsed documents */
    size_t doc_count;
    size_t doc_cap;
    char **sources;           /* owned file names */
    size_t source_count;
    size_t source_cap;
    struct hhi_arena strings; /* other strings operations point to */
};

void hhi_change_set_init(struct hhi_change_set *cs);
void hhi_change_set_release(struct hhi_change_set *cs);

/* Keep doc (taking the reference) until the change set is released. */
int hhi_change_set_adopt_doc(struct hhi_change_set *cs, json_object *doc,
                             struct hhi_error *err);

/* A copy of a file name that lives as long as the change set. */
const char *hhi_change_set_source(struct hhi_change_set *cs, const char *path,
                                  struct hhi_error *err);

/* A copy of len bytes of s that lives as long as the change set, or NULL. */
const char *hhi_change_set_strndup(struct hhi_change_set *cs, const char *s, size_t len,
                                   struct hhi_error *err);

/*
 * The longest target type and logical id (or address, URN) an operation
 * may have: no engine's names come near, so longer ones are refused as
 * malformed input rather than carried into every report and hook.
 */
#define HHI_TARGET_TYPE_MAX 256
#define HHI_LOGICAL_ID_MAX 4096

/*
 * Append an operation (copied; its pointers must live as long as cs).
 * A type or logical id over the limits above is refused (HHI_EINPUT).
 */
int hhi_change_set_add(struct hhi_change_set *cs, const struct hhi_operation *op,
                       struct hhi_error *err);

/*
 * Read a CloudFormation template in JSON: every resource becomes a CREATE
 * at PRE_PROVISION.
 */
int hhi_cfn_template_read(struct hhi_change_set *cs, const char *path,
                          struct hhi_error *err);

/*
 * The operations of an already parsed template doc (borrowed: it must live
 * as long as cs, e.g. adopted by it); source names it in errors.
 */
int hhi_cfn_template_add(struct hhi_change_set *cs, const char *source, json_object *doc,
                         struct hhi_error *err);

#endif
