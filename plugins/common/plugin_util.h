/*
 * Helpers shared by the shipped plugins: typed reads through the host's
 * accessors, JSON pointer building, comparisons with cfn-guard's semantics
 * and bounded message building.  Nothing here allocates or keeps state; every
 * buffer lives in the caller's frame.
 */
#ifndef HOOKHOST_PLUGINS_PLUGIN_UTIL_H
#define HOOKHOST_PLUGINS_PLUGIN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hookhost/plugin.h>

#if defined(__GNUC__)
#define PU_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define PU_SENTINEL __attribute__((sentinel))
#else
#define PU_PRINTF(f, a)
#define PU_SENTINEL
#endif

/* One document of the current call, as the host exposes it. */
struct pu_doc {
    const struct hh_host_api *host;
    hh_context *ctx;
    int32_t document; /* HH_DOC_* */
};

/* A zeroed hh_value whose abi says what this plugin was built with. */
void pu_value_init(struct hh_value *v);

/*
 * The value at pointer into *out: HH_OK, HH_ERR_NOT_FOUND when absent, or
 * another HH_ERR_* when the host refused the call.
 */
int32_t pu_get(const struct pu_doc *doc, const char *pointer, struct hh_value *out);

/* Member index of the array or object at pointer (key may be NULL). */
int32_t pu_member(const struct pu_doc *doc, const char *pointer, size_t index,
                  struct hh_value *key, struct hh_value *value);

/* ------------------------------------------------------------ instances */

/* The instance of a plugin without configuration: only the host table. */
struct pu_instance {
    const struct hh_host_api *host;
};

/* hh_plugin.create and destroy for struct pu_instance. */
int32_t HH_CALL pu_instance_create(hh_context *ctx, const struct hh_instance_args *args,
                                   void **out);
void HH_CALL pu_instance_destroy(void *instance);

/* Does text match pattern, where '*' is any run of characters and '?' one? */
bool pu_wildcard_match(const char *pattern, const char *text);

/*
 * Read the whole Properties of the request into *v.  Returns HH_OK,
 * HH_ERR_NOT_FOUND when the resource has no Properties, or the host's error.
 * A Properties that is JSON null is read as HH_VALUE_NULL even when the host
 * reports its document as absent: the request's properties text is then
 * present, which tells the two apart.
 */
int32_t pu_read_properties(const struct pu_doc *doc, const struct hh_request *req,
                           struct hh_value *v);

/* --------------------------------------------------------- JSON pointers */

#define PU_POINTER_MAX 512

/* A JSON pointer under construction; a too-long pointer is flagged, not cut. */
struct pu_pointer {
    char text[PU_POINTER_MAX];
    size_t len;
    bool overflow;
};

/* Start at base ("" for the document root, or an existing pointer). */
void pu_pointer_init(struct pu_pointer *p, const char *base);

/* Append "/" and key with '~' and '/' escaped as ~0 and ~1 (RFC 6901). */
bool pu_pointer_key(struct pu_pointer *p, const char *key);

/* Append "/" and an array index. */
bool pu_pointer_index(struct pu_pointer *p, size_t index);

/*
 * Copy key into buf (size bytes) escaped for a JSON pointer token.  Returns
 * the escaped length, or (size_t)-1 when it does not fit.
 */
size_t pu_pointer_escape(char *buf, size_t size, const char *key);

/* ------------------------------------------------ cfn-guard comparisons */

/*
 * Read member key of the object at base as cfn-guard looks it up: the key as
 * written, or, when that is absent, the key with its first letter in lower
 * case ("blockPublicAcls" answers for BlockPublicAcls).  *p receives the
 * pointer of the member found.  Returns HH_OK or HH_ERR_NOT_FOUND (or the
 * host's error).
 */
int32_t pu_guard_key(const struct pu_doc *doc, const char *base, const char *key,
                     struct pu_pointer *p, struct hh_value *v);

/*
 * cfn-guard compares a property with a scalar as follows, and the Control
 * Tower rules depend on it: a list is compared item by item and matches when
 * every item matches (so an empty list always matches); an item that is
 * itself a list or an object never matches; values of different types never
 * compare (the string "7" is not >= 7, the number 7.0 is not an integer, a
 * {"Ref": ...} is not true) and simply fail the comparison.
 */
typedef bool (*pu_scalar_pred)(const struct hh_value *v, const void *arg);

/*
 * Does the value v (read at pointer) match pred as cfn-guard compares it?
 * A read error counts as no match.
 */
bool pu_guard_all(const struct pu_doc *doc, const char *pointer,
                  const struct hh_value *v, pu_scalar_pred pred, const void *arg);

/*
 * Predicates for pu_guard_all.  pu_pred_true: v is the boolean true (arg
 * unused); _int_ge/_gt/_lt: v is an integer >=, > or < *(const int64_t *)arg;
 * _string_in: v is a string in the NULL-ended (const char *const *)arg.
 */
bool pu_pred_true(const struct hh_value *v, const void *arg);
bool pu_pred_int_ge(const struct hh_value *v, const void *arg);
bool pu_pred_int_gt(const struct hh_value *v, const void *arg);
bool pu_pred_int_lt(const struct hh_value *v, const void *arg);
bool pu_pred_string_in(const struct hh_value *v, const void *arg);

/* Is s (NUL-terminated) one of the NULL-ended list? */
bool pu_string_in(const char *s, const char *const *list);

/* ----------------------------------------------------------- messages */

/* Room for the reasons part of a message; the whole is capped at HH_MESSAGE_MAX. */
#define PU_REASONS_MAX 2048

/* A bounded text buffer: appends past the end are dropped and flagged. */
struct pu_buf {
    char *text;
    size_t size; /* capacity including the NUL */
    size_t len;
    bool truncated;
};

void pu_buf_init(struct pu_buf *b, char *storage, size_t size);
void pu_buf_add(struct pu_buf *b, const char *s);
void pu_buf_addf(struct pu_buf *b, const char *fmt, ...) PU_PRINTF(2, 3);

/*
 * Is v (read at pointer) a CloudFormation intrinsic function, an object whose
 * only member is Ref or Fn::*?  *name then points at that member's name
 * (valid until the call returns).
 */
bool pu_intrinsic_name(const struct pu_doc *doc, const char *pointer,
                       const struct hh_value *v, const char **name);

/*
 * Describe the value v read at pointer for a message, e.g. `"true" (a
 * string)`, `7.5 (a floating-point number)`, `a list of 2 items`,
 * `an intrinsic function {"Ref": ...}`.
 */
void pu_buf_describe(struct pu_buf *b, const struct pu_doc *doc, const char *pointer,
                     const struct hh_value *v);

/* ------------------------------------------------ Terraform and Pulumi */

/*
 * The value the host gives a Terraform attribute that is known only after
 * apply (CloudFormation's own marker for such values in change sets).
 */
#define PU_KNOWN_AFTER_APPLY "{{changeSet:KNOWN_AFTER_APPLY}}"
/* Pulumi's placeholder for a value unknown during a preview (UnknownStringValue). */
#define PU_PULUMI_UNKNOWN "04da6b54-80e4-46f7-96ec-b56ff0331ba9"

/* Is v one of the placeholders for a value not known before the change is applied? */
bool pu_is_unknown(const struct hh_value *v);

/*
 * Read attribute key of the object at base as Terraform and Pulumi name it:
 * exactly as written (no camelCase fallback), and a null value is an unset
 * attribute, reported as HH_ERR_NOT_FOUND.  *p receives its pointer.
 */
int32_t pu_attr(const struct pu_doc *doc, const char *base, const char *key,
                struct pu_pointer *p, struct hh_value *v);

/*
 * pu_buf_describe, except that an unknown placeholder reads `not known
 * until apply ("{{changeSet:KNOWN_AFTER_APPLY}}")` (Terraform's) or `not
 * known until the update (Pulumi's unknown value)`.
 */
void pu_buf_describe_attr(struct pu_buf *b, const struct pu_doc *doc, const char *pointer,
                          const struct hh_value *v);

/*
 * Copy the string at pointer into buf (size bytes).  False when it is
 * absent, not a string, holds a NUL, does not fit, or (known_only) is an
 * unknown placeholder; buf is then "".
 */
bool pu_get_string(const struct pu_doc *doc, const char *pointer, bool known_only,
                   char *buf, size_t size);

/* Is the value at pointer the string s (compared exactly)? */
bool pu_string_at(const struct pu_doc *doc, const char *pointer, const char *s);

/* Is s one of the strings of the array at pointer? */
bool pu_array_has_string(const struct pu_doc *doc, const char *pointer, const char *s);

/* Pointer base + "/" + each of the keys (escaped), NULL-ended. */
void pu_pointer_join(struct pu_pointer *p, const char *base, ...) PU_SENTINEL;

/* --------------------------------------------------- answering a control */

/* The constant facts of a Control Tower control, from its metadata. */
struct pu_control {
    const char *id;           /* "CT.S3.PR.1" */
    const char *display_name; /* the metadata's DisplayName */
    const char *fix;          /* RemediationMessage, the rule's [FIX] text */
    int32_t severity;         /* HH_SEVERITY_* from the metadata's Severity */
};

/*
 * Answer FAILED/NonCompliant with "[ID]: DisplayName: reasons [FIX]: fix" and
 * a FAILED annotation named after the control.
 */
void pu_control_fail(const struct hh_host_api *host, hh_context *ctx,
                     const struct pu_control *c, const char *reasons);

/*
 * Answer FAILED with error_code (not NonCompliant: the control could not be
 * evaluated, as cfn-guard errors out on the same input) and the same message
 * shape.
 */
void pu_control_error(const struct hh_host_api *host, hh_context *ctx,
                      const struct pu_control *c, int32_t error_code, const char *reasons);

/*
 * Answer SUCCESS with "[ID]: <note>" and an annotation PASSED (compliant) or
 * SKIPPED (not applicable).
 */
void pu_control_pass(const struct hh_host_api *host, hh_context *ctx,
                     const struct pu_control *c, bool skipped, const char *note);

/*
 * When rc (of reading the Properties) is neither HH_OK nor HH_ERR_NOT_FOUND,
 * the host refused the read: answer FAILED/HandlerInternalFailure and return
 * true.
 */
bool pu_host_refused(const struct hh_host_api *host, hh_context *ctx,
                     const struct pu_control *c, int32_t rc);

/* Answer SUCCESS or FAILED with a plain message (no annotation). */
void pu_answer(const struct hh_host_api *host, hh_context *ctx, int32_t status,
               int32_t error_code, const char *message);

#endif
