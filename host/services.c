#include "config.h"

#include "services.h"

#include <stdlib.h>
#include <string.h>

#include "json_pointer.h"
#include "redact.h"
#include "utf8.h"

#define HHI_ANNOTATIONS_MAX 100
#define HHI_CALLBACK_MAX (64 * 1024)

/* ------------------------------------------------------------- contexts */

void hhi_context_init(struct hh_context *ctx, const char *hook_name,
                      const struct hhi_log_sink *log)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->hook_name = hook_name;
    ctx->log = log;
}

void hhi_annotations_free(struct hhi_annotation *a, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++) {
        free(a[i].name);
        free(a[i].status_message);
        free(a[i].remediation_message);
        free(a[i].remediation_link);
    }
    free(a);
}

void hhi_context_reset(struct hh_context *ctx)
{
    hhi_annotations_free(ctx->annotations, ctx->annotation_count);
    ctx->annotations = NULL;
    ctx->annotation_count = ctx->annotation_cap = 0;
    free(ctx->callback);
    ctx->callback = NULL;
    ctx->callback_len = 0;
    ctx->callback_delay = 0;
    ctx->answered = false;
    ctx->broken = false;
    ctx->status = HH_STATUS_FAILED;
    ctx->error_code = HH_ERROR_NONE;
    ctx->message_len = 0;
    ctx->message[0] = '\0';
    ctx->broken_reason[0] = '\0';
}

void hhi_context_release(struct hh_context *ctx)
{
    hhi_context_reset(ctx);
}

void hhi_context_take_annotations(struct hh_context *ctx, struct hhi_annotation **out,
                                  size_t *count)
{
    *out = ctx->annotations;
    *count = ctx->annotation_count;
    ctx->annotations = NULL;
    ctx->annotation_count = ctx->annotation_cap = 0;
}

static void mark_broken(struct hh_context *ctx, const char *reason)
{
    if (ctx->broken)
        return;
    ctx->broken = true;
    snprintf(ctx->broken_reason, sizeof(ctx->broken_reason), "%s", reason);
}

/* ------------------------------------------------------------- answering */

static bool status_valid(int32_t s)
{
    return s == HH_STATUS_SUCCESS || s == HH_STATUS_FAILED || s == HH_STATUS_IN_PROGRESS;
}

static int32_t HH_CALL svc_set_result(hh_context *ctx, int32_t status, int32_t error_code,
                                      const char *message, size_t message_length)
{
    if (ctx == NULL)
        return HH_ERR_INVALID;
    if (ctx->answered) {
        mark_broken(ctx, "answered more than once");
        return HH_ERR_STATE;
    }
    ctx->answered = true;
    ctx->status = status;
    ctx->error_code = error_code;
    if (message != NULL)
        ctx->message_len = hhi_utf8_copy(ctx->message, sizeof(ctx->message), message,
                                         message_length);
    if (!status_valid(status)) {
        mark_broken(ctx, "answered with an invalid status");
        return HH_ERR_INVALID;
    }
    if (error_code < 0 || error_code >= HH_ERROR_COUNT) {
        mark_broken(ctx, "answered with an unknown error code");
        return HH_ERR_INVALID;
    }
    if (status == HH_STATUS_FAILED && error_code == HH_ERROR_NONE)
        mark_broken(ctx, "answered FAILED without an error code");
    else if (status != HH_STATUS_FAILED && error_code != HH_ERROR_NONE)
        mark_broken(ctx, "answered an error code with a status other than FAILED");
    else if (status == HH_STATUS_FAILED && ctx->message_len == 0)
        mark_broken(ctx, "answered FAILED without a message");
    return ctx->broken ? HH_ERR_INVALID : HH_OK;
}

static char *copy_text(const char *s)
{
    char *out;
    size_t len;

    if (s == NULL)
        return NULL;
    len = strnlen(s, HH_MESSAGE_MAX);
    out = malloc(len + 1);
    if (out != NULL)
        hhi_utf8_copy(out, len + 1, s, len);
    return out;
}

static bool annotation_enums_valid(const struct hh_annotation *a)
{
    return a->status >= HH_ANNOTATION_PASSED && a->status <= HH_ANNOTATION_SKIPPED &&
           a->severity >= HH_SEVERITY_NONE && a->severity <= HH_SEVERITY_CRITICAL;
}

/* struct hh_annotation as ABI 1.0 defined it: older plugins send no less. */
#define HHI_ANNOTATION_SIZE_1_0 \
    (offsetof(struct hh_annotation, remediation_link) + sizeof(const char *))

static int32_t HH_CALL svc_add_annotation(hh_context *ctx, const struct hh_annotation *in)
{
    struct hhi_annotation *slot;
    struct hh_annotation full, *a = &full;

    if (ctx == NULL || in == NULL || in->abi.struct_size < HHI_ANNOTATION_SIZE_1_0)
        return HH_ERR_INVALID;
    /* Members past the plugin's struct are absent: read them as zero. */
    memset(&full, 0, sizeof(full));
    memcpy(&full, in, in->abi.struct_size < sizeof(full) ? in->abi.struct_size : sizeof(full));
    if (a->name == NULL || a->name[0] == '\0' || !annotation_enums_valid(a))
        return HH_ERR_INVALID;
    if (ctx->annotation_count >= HHI_ANNOTATIONS_MAX)
        return HH_ERR_STATE;
    if (ctx->annotation_count == ctx->annotation_cap) {
        size_t cap = ctx->annotation_cap ? ctx->annotation_cap * 2 : 4;
        struct hhi_annotation *n = realloc(ctx->annotations, cap * sizeof(*n));

        if (n == NULL)
            return HH_ERR_NO_MEMORY;
        ctx->annotations = n;
        ctx->annotation_cap = cap;
    }
    slot = &ctx->annotations[ctx->annotation_count];
    memset(slot, 0, sizeof(*slot));
    slot->status = a->status;
    slot->severity = a->severity;
    slot->name = copy_text(a->name);
    slot->status_message = copy_text(a->status_message);
    slot->remediation_message = copy_text(a->remediation_message);
    slot->remediation_link = copy_text(a->remediation_link);
    ctx->annotation_count++;
    if (slot->name == NULL)
        return HH_ERR_NO_MEMORY;
    return HH_OK;
}

static int32_t HH_CALL svc_set_callback(hh_context *ctx, const char *context_json,
                                        size_t context_length, uint32_t delay_seconds)
{
    char *copy;

    if (ctx == NULL || (context_json == NULL && context_length != 0))
        return HH_ERR_INVALID;
    if (context_length > HHI_CALLBACK_MAX)
        return HH_ERR_INVALID;
    copy = malloc(context_length + 1);
    if (copy == NULL)
        return HH_ERR_NO_MEMORY;
    if (context_length != 0)
        memcpy(copy, context_json, context_length);
    copy[context_length] = '\0';
    free(ctx->callback);
    ctx->callback = copy;
    ctx->callback_len = context_length;
    ctx->callback_delay = delay_seconds;
    return HH_OK;
}

static int32_t HH_CALL svc_fail(hh_context *ctx, int32_t error_code, const char *message,
                                size_t message_length)
{
    return svc_set_result(ctx, HH_STATUS_FAILED, error_code, message, message_length);
}

static const char *const level_names[] = { "error", "warning", "info", "debug" };

static void HH_CALL svc_log(hh_context *ctx, int32_t level, const char *message,
                            size_t message_length)
{
    char line[HH_MESSAGE_MAX + 1];
    char *redacted = NULL;
    size_t len;

    if (ctx == NULL || ctx->log == NULL || ctx->log->stream == NULL || message == NULL)
        return;
    if (level < HH_LOG_ERROR || level > HH_LOG_DEBUG || level > ctx->log->max_level)
        return;
    len = hhi_utf8_copy_line(line, sizeof(line), message, message_length);
    /* A line that cannot be redacted is not printed at all. */
    if (hhi_redact(&redacted, &len, line, len, ctx->sensitive) != HHI_OK)
        return;
    /* One fprintf per line keeps lines whole when hooks log concurrently. */
    fprintf(ctx->log->stream, "hookhost: %s: %s: %s\n", ctx->hook_name,
            level_names[level], redacted != NULL ? redacted : line);
    free(redacted);
}

/* ------------------------------------------------------- reading values */

static void fill_value(json_object *v, struct hh_value *out)
{
    struct hh_value full;
    size_t n = out->abi.struct_size;

    memset(&full, 0, sizeof(full));
    full.abi = out->abi;
    switch (json_object_get_type(v)) {
    case json_type_null:
        full.type = HH_VALUE_NULL;
        break;
    case json_type_boolean:
        full.type = HH_VALUE_BOOLEAN;
        full.boolean = json_object_get_boolean(v) ? 1 : 0;
        break;
    case json_type_int:
        /* json-c keeps integers past INT64_MAX as unsigned: not an int64_t. */
        if (json_object_get_int64(v) == INT64_MAX &&
            json_object_get_uint64(v) > (uint64_t)INT64_MAX) {
            full.type = HH_VALUE_NUMBER;
            full.number = (double)json_object_get_uint64(v);
            break;
        }
        full.type = HH_VALUE_INTEGER;
        full.integer = json_object_get_int64(v);
        full.number = (double)full.integer;
        break;
    case json_type_double:
        full.type = HH_VALUE_NUMBER;
        full.number = json_object_get_double(v);
        break;
    case json_type_string:
        full.type = HH_VALUE_STRING;
        full.string = json_object_get_string(v);
        full.length = (size_t)json_object_get_string_len(v);
        break;
    case json_type_array:
        full.type = HH_VALUE_ARRAY;
        full.length = json_object_array_length(v);
        break;
    case json_type_object:
        full.type = HH_VALUE_OBJECT;
        full.length = (size_t)json_object_object_length(v);
        break;
    }
    /* Write only as much as the plugin's struct holds. */
    if (n > sizeof(full))
        n = sizeof(full);
    memcpy(out, &full, n);
}

static bool value_out_valid(const struct hh_value *v)
{
    return v != NULL && v->abi.struct_size >= offsetof(struct hh_value, length) + sizeof(size_t);
}

static json_object *lookup(hh_context *ctx, int32_t document, const char *pointer,
                           int32_t *rc)
{
    json_object *v;
    int found = 0;

    *rc = HH_OK;
    if (ctx == NULL || pointer == NULL || document < 0 || document >= HHI_DOC_COUNT) {
        *rc = HH_ERR_INVALID;
        return NULL;
    }
    if (ctx->docs[document] == NULL) {
        *rc = HH_ERR_NOT_FOUND;
        return NULL;
    }
    v = hhi_json_pointer_find(ctx->docs[document], pointer, &found);
    if (!found)
        *rc = HH_ERR_NOT_FOUND;
    return v;
}

static int32_t HH_CALL svc_get_value(hh_context *ctx, int32_t document, const char *pointer,
                                     struct hh_value *out)
{
    json_object *v;
    int32_t rc;

    if (!value_out_valid(out))
        return HH_ERR_INVALID;
    v = lookup(ctx, document, pointer, &rc);
    if (rc == HH_OK)
        fill_value(v, out);
    return rc;
}

static int32_t object_member(json_object *obj, size_t index, struct hh_value *key,
                             struct hh_value *value)
{
    struct json_object_iterator it = json_object_iter_begin(obj);
    struct json_object_iterator end = json_object_iter_end(obj);
    size_t i = 0;

    for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it), i++) {
        if (i != index)
            continue;
        if (key != NULL) {
            struct hh_value k;
            size_t n = key->abi.struct_size < sizeof(k) ? key->abi.struct_size : sizeof(k);

            memset(&k, 0, sizeof(k));
            k.abi = key->abi;
            k.type = HH_VALUE_STRING;
            k.string = json_object_iter_peek_name(&it);
            k.length = strlen(k.string);
            memcpy(key, &k, n);
        }
        if (value != NULL)
            fill_value(json_object_iter_peek_value(&it), value);
        return HH_OK;
    }
    return HH_ERR_NOT_FOUND;
}

static int32_t HH_CALL svc_get_member(hh_context *ctx, int32_t document, const char *pointer,
                                      size_t index, struct hh_value *key,
                                      struct hh_value *value)
{
    json_object *v;
    int32_t rc;

    if ((key != NULL && !value_out_valid(key)) || (value != NULL && !value_out_valid(value)))
        return HH_ERR_INVALID;
    v = lookup(ctx, document, pointer, &rc);
    if (rc != HH_OK)
        return rc;
    if (json_object_is_type(v, json_type_array)) {
        if (index >= json_object_array_length(v))
            return HH_ERR_NOT_FOUND;
        if (key != NULL)
            key->type = HH_VALUE_NULL;
        if (value != NULL)
            fill_value(json_object_array_get_idx(v, index), value);
        return HH_OK;
    }
    if (json_object_is_type(v, json_type_object))
        return object_member(v, index, key, value);
    return HH_ERR_NOT_FOUND;
}

static const void *HH_CALL svc_get_extension(const char *id)
{
    (void)id; /* no optional capabilities yet */
    return NULL;
}

static const struct hh_host_api host_api = {
    HH_ABI_INIT(struct hh_host_api),
    PACKAGE_VERSION,
    svc_set_result,
    svc_add_annotation,
    svc_set_callback,
    svc_fail,
    svc_log,
    svc_get_value,
    svc_get_member,
    svc_get_extension,
};

const struct hh_host_api *hhi_host_api(void)
{
    return &host_api;
}

/* ------------------------------------------------------------------ names */

static const char *const error_code_names[HH_ERROR_COUNT] = {
    "", "NotUpdatable", "InvalidRequest", "AccessDenied", "InvalidCredentials",
    "AlreadyExists", "NotFound", "ResourceConflict", "Throttling",
    "ServiceLimitExceeded", "NotStabilized", "GeneralServiceException",
    "ServiceInternalError", "NetworkFailure", "InternalFailure",
    "InvalidTypeConfiguration", "HandlerInternalFailure", "NonCompliant",
    "UnsupportedTarget", "Unknown",
};

const char *hhi_error_code_name(int32_t code)
{
    if (code < 0 || code >= HH_ERROR_COUNT)
        return "Unknown";
    return error_code_names[code];
}

const char *hhi_action_name(int32_t action)
{
    static const char *const names[] = { "CREATE", "UPDATE", "DELETE" };

    return (action >= 0 && action < HH_ACTION_COUNT) ? names[action] : "?";
}

const char *hhi_point_name(int32_t point)
{
    static const char *const names[] = { "PRE_PROVISION", "POST_PROVISION" };

    return (point >= 0 && point < HH_POINT_COUNT) ? names[point] : "?";
}

const char *hhi_failure_mode_name(int32_t mode)
{
    return mode == HH_FAILURE_MODE_WARN ? "WARN" : "FAIL";
}

const char *hhi_annotation_status_name(int32_t status)
{
    static const char *const names[] = { "PASSED", "FAILED", "SKIPPED" };

    return (status >= 0 && status <= HH_ANNOTATION_SKIPPED) ? names[status] : "?";
}

const char *hhi_severity_name(int32_t severity)
{
    static const char *const names[] = { "", "INFORMATIONAL", "LOW", "MEDIUM", "HIGH",
                                         "CRITICAL" };

    return (severity >= 0 && severity <= HH_SEVERITY_CRITICAL) ? names[severity] : "";
}
