/*
 * Every engine's change as input: each input format is turned into the one
 * stream of operations of change_set.h, so no hook sees engine differences.
 *
 *   cloudformation-template    a template, JSON or YAML (every resource a
 *                              CREATE; with a previous template, the diff)
 *   cloudformation-change-set  aws cloudformation describe-change-set output
 *   terraform-plan             terraform show -json PLANFILE
 *   pulumi-preview             pulumi preview --json
 *   cloudformation-hook-input  cfn test's inputs/inputs_N_pre_*.json
 *
 * The format is detected from the document's content unless given.  Every
 * operation points to its whole input document (HH_DOC_INPUT), names the
 * format and gives the target's JSON pointer in it, and the 1-based line
 * of the target in its file where that is known.
 */
#ifndef HOOKHOST_HOST_INPUTS_H
#define HOOKHOST_HOST_INPUTS_H

#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "change_set.h"
#include "error.h"

enum hhi_input_format {
    HHI_FORMAT_AUTO = 0,        /* detect it from the content */
    HHI_FORMAT_CFN_TEMPLATE,
    HHI_FORMAT_CFN_CHANGE_SET,
    HHI_FORMAT_TERRAFORM_PLAN,
    HHI_FORMAT_PULUMI_PREVIEW,
    HHI_FORMAT_CFN_HOOK_INPUT
};

/* hhi_input_options.action: take a hook input's action from its file name. */
#define HHI_ACTION_FROM_NAME (-1)

/*
 * CloudFormation's marker for a value known only after apply; Terraform's
 * unknown values (after_unknown) are given it too.
 */
#define HHI_KNOWN_AFTER_APPLY "{{changeSet:KNOWN_AFTER_APPLY}}"

struct hhi_input_options {
    enum hhi_input_format format; /* HHI_FORMAT_AUTO: detect */
    const char *previous;         /* an older template to diff against, or NULL */
    int32_t action;               /* HH_ACTION_* of hook inputs, or HHI_ACTION_FROM_NAME */
};

void hhi_input_options_init(struct hhi_input_options *o);

/* The format of a name ("terraform-plan", ...); returns 0, or -1 when unknown. */
int hhi_input_format_from_name(const char *name, enum hhi_input_format *out);

/* The name of a format (hh_request.input_format), or NULL for HHI_FORMAT_AUTO. */
const char *hhi_input_format_name(enum hhi_input_format format);

/* The format doc looks like, or HHI_FORMAT_AUTO when it is none of them. */
enum hhi_input_format hhi_input_detect(json_object *doc);

/*
 * Read the file at path (JSON, or YAML for templates), find its format and
 * add its operations to cs.  Errors (HHI_EINPUT) name the file and where:
 * "FILE:LINE:COLUMN: invalid YAML: ...", "FILE: Changes[2].ResourceChange:
 * ...", "FILE: not a recognised input (...)".
 */
int hhi_input_read(struct hhi_change_set *cs, const char *path,
                   const struct hhi_input_options *opts, struct hhi_error *err);

/* ----------------------------------------------------------- line numbers */

/*
 * The 1-based lines of the members of a document's root object (root:
 * name -> line) and of their own members or items (nested: name -> {member
 * -> line} or [line, ...]): enough to place every target of every format.
 */
struct hhi_line_map {
    json_object *root;
    json_object *nested;
};

void hhi_line_map_init(struct hhi_line_map *m);
void hhi_line_map_release(struct hhi_line_map *m);

/* The line of member name of the root's member parent (parent NULL: of the
 * root itself), or 0 when unknown; m may be NULL. */
size_t hhi_line_map_member(const struct hhi_line_map *m, const char *parent, const char *name);

/* The line of item index of the root's array member parent, or 0. */
size_t hhi_line_map_index(const struct hhi_line_map *m, const char *parent, size_t index);

/*
 * Fill m from len bytes of JSON text that hhi_json_parse accepted (json-c
 * keeps no positions, so the text is scanned once more).
 */
int hhi_json_lines(const char *text, size_t len, struct hhi_line_map *m,
                   struct hhi_error *err);

/*
 * Parse len bytes of YAML (one document, UTF-8) into a json-c tree *out,
 * as CloudFormation reads templates: short-form intrinsic function tags
 * (!Ref, !GetAtt, !Sub, ...) become their long forms, plain scalars are
 * typed as YAML 1.1 types them, anchors and aliases are resolved (with a
 * cap on the nodes they expand to), duplicate keys are refused, nesting is
 * limited to HHI_JSON_MAX_DEPTH.  lines (may be NULL) receives the line
 * map.  Errors: "WHAT:LINE:COLUMN: invalid YAML: ...".
 */
int hhi_yaml_parse(const char *what, const char *data, size_t len, json_object **out,
                   struct hhi_line_map *lines, struct hhi_error *err);

/* ------------------------------------------------------------- adapters */

/* One parsed input: doc must live as long as the change set (adopted by it). */
struct hhi_input_doc {
    const char *source;                /* the file name, kept by the change set */
    json_object *doc;
    const struct hhi_line_map *lines;  /* may be NULL: lines unknown */
};

/* Every resource of a template: a CREATE at PRE_PROVISION. */
int hhi_cfn_template_add_doc(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                             struct hhi_error *err);

/* A template's Resources object, or an error naming source. */
int hhi_cfn_resources(const char *source, json_object *doc, json_object **resources,
                      struct hhi_error *err);

/* One resource res of id checked: its Type and its Properties (NULL when absent). */
int hhi_cfn_resource(const char *source, const char *id, json_object *res, const char **type,
                     json_object **props, struct hhi_error *err);

/* The CREATE of resource id (res) of in, filled in op. */
int hhi_cfn_template_op(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                        const char *id, json_object *res, struct hhi_operation *op,
                        struct hhi_error *err);

/*
 * The difference from the template prev to cur: CREATE for new logical ids,
 * UPDATE for those whose Type or Properties changed (previous = the old
 * properties), DELETE for removed ones (from prev's file and document).
 */
int hhi_cfn_diff_add(struct hhi_change_set *cs, const struct hhi_input_doc *cur,
                     const struct hhi_input_doc *prev, struct hhi_error *err);

/* A describe-change-set response. */
int hhi_changeset_add(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                      struct hhi_error *err);

/* A Terraform plan in JSON. */
int hhi_terraform_add(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                      struct hhi_error *err);

/* A Pulumi preview in JSON. */
int hhi_pulumi_add(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                   struct hhi_error *err);

/*
 * A CloudFormation hook test input; action is HH_ACTION_*, or
 * HHI_ACTION_FROM_NAME for the pre_create/pre_update/pre_delete in the
 * source's file name (none: CREATE).
 */
int hhi_hook_input_add(struct hhi_change_set *cs, const struct hhi_input_doc *in,
                       int32_t action, struct hhi_error *err);

/* The action a hook input's file name gives (HH_ACTION_*; CREATE without one). */
int32_t hhi_hook_input_action(const char *path);

/* ----------------------------------------- shared by the adapters (hhi_input_*) */

/* The member key of obj when it is a non-empty string without NUL, else NULL. */
const char *hhi_input_str(json_object *obj, const char *key);

/*
 * The JSON pointer of tokens[0..n) (escaped), kept by the change set, or
 * NULL (err set) when out of memory.
 */
const char *hhi_input_pointer(struct hhi_change_set *cs, const char *const *tokens, size_t n,
                              struct hhi_error *err);

/* Values never to print: each scalar once, as the text a message would hold. */
struct hhi_secrets {
    json_object *list; /* array of strings */
    json_object *seen; /* the same, as the keys of an object */
};

void hhi_secrets_init(struct hhi_secrets *s);
/* Every scalar inside value (strings as they are, numbers and booleans as
 * their JSON text; null and "" are nothing to hide). */
int hhi_secrets_add_value(struct hhi_secrets *s, json_object *value, struct hhi_error *err);
int hhi_secrets_add_text(struct hhi_secrets *s, const char *text, size_t len,
                         struct hhi_error *err);
/* *out: the list, adopted by the change set, or NULL when empty; s is released. */
int hhi_secrets_finish(struct hhi_secrets *s, struct hhi_change_set *cs, json_object **out,
                       struct hhi_error *err);
void hhi_secrets_release(struct hhi_secrets *s);

#endif
