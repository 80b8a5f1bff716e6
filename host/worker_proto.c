#include "config.h"

#include "worker_proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

#define HHI_PROTO_ANNOTATIONS_MAX 100
#define HHI_PROTO_CALLBACK_MAX (64 * 1024)

/* ------------------------------------------------------------- building */

static void key(struct hhi_buf *b, const char *name)
{
    hhi_buf_adds(b, ",\"");
    hhi_buf_adds(b, name);
    hhi_buf_adds(b, "\":");
}

static void string_member(struct hhi_buf *b, const char *name, const char *value)
{
    if (value == NULL)
        return;
    key(b, name);
    hhi_buf_add_json_string(b, value, strlen(value));
}

static void int_member(struct hhi_buf *b, const char *name, int64_t value)
{
    key(b, name);
    hhi_buf_add_int(b, value);
}

/* A document as it is: the host serialised it from a parsed tree. */
static void raw_member(struct hhi_buf *b, const char *name, const char *text, size_t len)
{
    if (text == NULL)
        return;
    key(b, name);
    hhi_buf_add(b, text, len);
}

void hhi_proto_create(struct hhi_buf *b, const char *hook, const char *configuration,
                      int32_t log_level)
{
    hhi_buf_adds(b, "{\"op\":\"create\"");
    string_member(b, "hook", hook);
    int_member(b, "logLevel", log_level);
    raw_member(b, "configuration", configuration, strlen(configuration));
    hhi_buf_adds(b, "}");
}

void hhi_proto_invoke(struct hhi_buf *b, const struct hh_request *r, const char *input_id)
{
    hhi_buf_adds(b, "{\"op\":\"invoke\"");
    string_member(b, "hook", r->hook_type_name);
    string_member(b, "targetType", r->target_type);
    string_member(b, "logicalId", r->logical_id);
    string_member(b, "stackName", r->stack_name);
    int_member(b, "action", r->action);
    int_member(b, "point", r->invocation_point);
    int_member(b, "count", r->invocation_count);
    string_member(b, "physicalId", r->physical_id);
    if (input_id != NULL) {
        string_member(b, "inputFormat", r->input_format);
        string_member(b, "inputPointer", r->input_pointer);
        string_member(b, "inputId", input_id);
    }
    raw_member(b, "properties", r->properties, r->properties_length);
    raw_member(b, "previousProperties", r->previous_properties,
               r->previous_properties_length);
    raw_member(b, "outputs", r->outputs, r->outputs_length);
    raw_member(b, "previousOutputs", r->previous_outputs, r->previous_outputs_length);
    raw_member(b, "callbackContext", r->callback_context, r->callback_context_length);
    hhi_buf_adds(b, "}");
}

void hhi_proto_input(struct hhi_buf *b, const char *id, const char *text, size_t len)
{
    hhi_buf_adds(b, "{\"op\":\"input\"");
    string_member(b, "id", id);
    raw_member(b, "document", text, len);
    hhi_buf_adds(b, "}");
}

const char *hhi_proto_op(json_object *frame)
{
    json_object *op;

    if (!json_object_is_type(frame, json_type_object) ||
        !json_object_object_get_ex(frame, "op", &op) || !json_object_is_type(op, json_type_string))
        return NULL;
    return json_object_get_string(op);
}

/* ------------------------------------------------------ checking answers */

/* The member, when present with the type (or absent: *v NULL and true). */
static bool optional(json_object *f, const char *name, enum json_type type, json_object **v)
{
    *v = NULL;
    if (!json_object_object_get_ex(f, name, v) || *v == NULL)
        return true;
    return json_object_is_type(*v, type);
}

static bool int_in(json_object *f, const char *name, int64_t min, int64_t max, int64_t *out)
{
    json_object *v;

    *out = 0;
    if (!optional(f, name, json_type_int, &v))
        return false;
    if (v != NULL)
        *out = json_object_get_int64(v);
    return *out >= min && *out <= max;
}

static bool text_ok(json_object *f, const char *name, size_t max)
{
    json_object *v;

    return optional(f, name, json_type_string, &v) &&
           (v == NULL || (size_t)json_object_get_string_len(v) <= max);
}

static int bad(char *why, size_t cap, const char *what)
{
    snprintf(why, cap, "garbage answer: %s", what);
    return -1;
}

static bool hex_ok(json_object *v)
{
    const char *s = json_object_get_string(v);
    size_t i, n = (size_t)json_object_get_string_len(v);

    if (n % 2 != 0 || n > 2 * HHI_PROTO_CALLBACK_MAX)
        return false;
    for (i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return true;
}

static int check_log(json_object *f, char *why, size_t cap)
{
    json_object *log;
    size_t i, n;
    int64_t dropped;

    if (!optional(f, "log", json_type_array, &log) || !int_in(f, "logDropped", 0, INT64_MAX,
                                                              &dropped))
        return bad(why, cap, "log is not an array of lines");
    n = log != NULL ? json_object_array_length(log) : 0;
    if (n > HHI_PROTO_LOG_MAX)
        return bad(why, cap, "too many log lines");
    for (i = 0; i < n; i++) {
        json_object *item = json_object_array_get_idx(log, i);
        json_object *level = json_object_array_get_idx(item, 0);
        json_object *text = json_object_array_get_idx(item, 1);

        if (!json_object_is_type(item, json_type_array) || json_object_array_length(item) != 2 ||
            !json_object_is_type(level, json_type_int) ||
            !json_object_is_type(text, json_type_string) ||
            (size_t)json_object_get_string_len(text) > HH_MESSAGE_MAX)
            return bad(why, cap, "a log line is not [level, text]");
    }
    return 0;
}

static int check_annotations(json_object *f, char *why, size_t cap)
{
    static const char *const texts[] = { "name", "statusMessage", "remediationMessage",
                                         "remediationLink", NULL };
    json_object *list;
    size_t i, j, n;
    int64_t v;

    if (!optional(f, "annotations", json_type_array, &list))
        return bad(why, cap, "annotations is not an array");
    n = list != NULL ? json_object_array_length(list) : 0;
    if (n > HHI_PROTO_ANNOTATIONS_MAX)
        return bad(why, cap, "too many annotations");
    for (i = 0; i < n; i++) {
        json_object *a = json_object_array_get_idx(list, i);

        if (!json_object_is_type(a, json_type_object) ||
            !int_in(a, "status", INT32_MIN, INT32_MAX, &v) ||
            !int_in(a, "severity", INT32_MIN, INT32_MAX, &v))
            return bad(why, cap, "an annotation is malformed");
        for (j = 0; texts[j] != NULL; j++) {
            if (!text_ok(a, texts[j], HH_MESSAGE_MAX))
                return bad(why, cap, "an annotation's text is malformed");
        }
    }
    return 0;
}

static int check_outcome(json_object *f, char *why, size_t cap)
{
    json_object *cb, *hex;
    int64_t v;

    if (!int_in(f, "answers", 0, 2, &v) || !int_in(f, "status", INT32_MIN, INT32_MAX, &v) ||
        !int_in(f, "errorCode", INT32_MIN, INT32_MAX, &v) ||
        !int_in(f, "delay", 0, UINT32_MAX, &v) || !int_in(f, "rc", INT32_MIN, INT32_MAX, &v))
        return bad(why, cap, "answers, status, errorCode, delay or rc out of range");
    if (!text_ok(f, "message", HH_MESSAGE_MAX))
        return bad(why, cap, "message is not a string of at most 4096 bytes");
    if (!optional(f, "callback", json_type_string, &cb) ||
        (cb != NULL && (size_t)json_object_get_string_len(cb) > HHI_PROTO_CALLBACK_MAX) ||
        !optional(f, "callbackHex", json_type_string, &hex) || (hex != NULL && !hex_ok(hex)))
        return bad(why, cap, "callback context is malformed");
    if (check_annotations(f, why, cap) != 0)
        return -1;
    return check_log(f, why, cap);
}

/* ------------------------------------------------------------- replaying */

static const char *text_of(json_object *f, const char *name, size_t *len)
{
    json_object *v = NULL;

    *len = 0;
    if (!json_object_object_get_ex(f, name, &v) || v == NULL)
        return NULL;
    *len = (size_t)json_object_get_string_len(v);
    return json_object_get_string(v);
}

static int64_t int_of(json_object *f, const char *name)
{
    json_object *v = NULL;

    return json_object_object_get_ex(f, name, &v) && v != NULL ? json_object_get_int64(v) : 0;
}

static void replay_log(json_object *f, struct hh_context *ctx, const struct hh_host_api *api)
{
    json_object *log = json_object_object_get(f, "log");
    size_t i, n = log != NULL ? json_object_array_length(log) : 0;
    int64_t dropped = int_of(f, "logDropped");

    for (i = 0; i < n; i++) {
        json_object *item = json_object_array_get_idx(log, i);
        json_object *text = json_object_array_get_idx(item, 1);

        api->log(ctx, (int32_t)json_object_get_int64(json_object_array_get_idx(item, 0)),
                 json_object_get_string(text), (size_t)json_object_get_string_len(text));
    }
    if (dropped > 0) {
        char line[128];
        int len = snprintf(line, sizeof(line), "%lld more log lines of this call dropped",
                           (long long)dropped);

        api->log(ctx, HH_LOG_WARN, line, (size_t)len);
    }
}

static int hex_digit(char c)
{
    return c <= '9' ? c - '0' : c - 'a' + 10;
}

static void replay_callback(json_object *f, struct hh_context *ctx,
                            const struct hh_host_api *api)
{
    uint32_t delay = (uint32_t)int_of(f, "delay");
    size_t len, i;
    const char *text = text_of(f, "callback", &len);
    char *bytes;

    if (text != NULL) {
        api->set_callback(ctx, text, len, delay);
        return;
    }
    text = text_of(f, "callbackHex", &len);
    if (text == NULL || (bytes = malloc(len / 2 + 1)) == NULL)
        return;
    for (i = 0; i < len / 2; i++)
        bytes[i] = (char)(hex_digit(text[2 * i]) << 4 | hex_digit(text[2 * i + 1]));
    api->set_callback(ctx, bytes, len / 2, delay);
    free(bytes);
}

static void replay_annotations(json_object *f, struct hh_context *ctx,
                               const struct hh_host_api *api)
{
    json_object *list = json_object_object_get(f, "annotations");
    size_t i, n = list != NULL ? json_object_array_length(list) : 0, len;

    for (i = 0; i < n; i++) {
        json_object *o = json_object_array_get_idx(list, i);
        struct hh_annotation a = HH_ANNOTATION_INIT;

        a.name = text_of(o, "name", &len);
        a.status = (int32_t)int_of(o, "status");
        a.severity = (int32_t)int_of(o, "severity");
        a.status_message = text_of(o, "statusMessage", &len);
        a.remediation_message = text_of(o, "remediationMessage", &len);
        a.remediation_link = text_of(o, "remediationLink", &len);
        api->add_annotation(ctx, &a);
    }
}

int hhi_proto_replay(json_object *f, struct hh_context *ctx, char *why, size_t cap)
{
    const struct hh_host_api *api = hhi_host_api();
    int64_t answers, i;
    int32_t status, code;
    const char *message;
    size_t len;

    if (check_outcome(f, why, cap) != 0)
        return -1;
    replay_log(f, ctx, api);
    answers = int_of(f, "answers");
    status = (int32_t)int_of(f, "status");
    code = (int32_t)int_of(f, "errorCode");
    message = text_of(f, "message", &len);
    /* The first answer as it was; a second one only breaks the contract. */
    for (i = 0; i < answers; i++)
        api->set_result(ctx, status, code, i == 0 ? message : NULL, i == 0 ? len : 0);
    replay_callback(f, ctx, api);
    replay_annotations(f, ctx, api);
    return 0;
}

/* ---------------------------------------------------------- worker side */

static const char *string_of(json_object *f, const char *name, bool required, int *failed)
{
    json_object *v = NULL;

    if (!json_object_object_get_ex(f, name, &v) || v == NULL) {
        *failed |= required;
        return NULL;
    }
    if (!json_object_is_type(v, json_type_string)) {
        *failed = 1;
        return NULL;
    }
    return json_object_get_string(v);
}

/* A document of the request and its text, as the host wrote it. */
static json_object *document(json_object *f, const char *name, const char **text, size_t *len)
{
    json_object *v = NULL;

    *text = NULL;
    *len = 0;
    if (!json_object_object_get_ex(f, name, &v) || v == NULL)
        return NULL;
    *text = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
                                                  JSON_C_TO_STRING_NOSLASHESCAPE);
    *len = *text != NULL ? strlen(*text) : 0;
    return v;
}

int hhi_proto_read_invoke(json_object *f, struct hhi_proto_invoke *out)
{
    struct hh_request *r = &out->req;
    int failed = 0;

    memset(out, 0, sizeof(*out));
    r->abi = (struct hh_abi)HH_ABI_INIT(struct hh_request);
    r->hook_type_name = string_of(f, "hook", true, &failed);
    r->target_type = string_of(f, "targetType", true, &failed);
    r->logical_id = string_of(f, "logicalId", true, &failed);
    r->stack_name = string_of(f, "stackName", true, &failed);
    r->physical_id = string_of(f, "physicalId", false, &failed);
    r->input_format = string_of(f, "inputFormat", false, &failed);
    r->input_pointer = string_of(f, "inputPointer", false, &failed);
    out->input_id = string_of(f, "inputId", false, &failed);
    r->action = (int32_t)int_of(f, "action");
    r->invocation_point = (int32_t)int_of(f, "point");
    r->invocation_count = (uint32_t)int_of(f, "count");
    out->docs[HH_DOC_PROPERTIES] = document(f, "properties", &r->properties,
                                            &r->properties_length);
    out->docs[HH_DOC_PREVIOUS_PROPERTIES] = document(f, "previousProperties",
                                                     &r->previous_properties,
                                                     &r->previous_properties_length);
    out->docs[HH_DOC_OUTPUTS] = document(f, "outputs", &r->outputs, &r->outputs_length);
    out->docs[HH_DOC_PREVIOUS_OUTPUTS] = document(f, "previousOutputs", &r->previous_outputs,
                                                  &r->previous_outputs_length);
    out->docs[HH_DOC_CALLBACK_CONTEXT] = document(f, "callbackContext", &r->callback_context,
                                                  &r->callback_context_length);
    return failed ? -1 : 0;
}

void hhi_proto_log_item(struct hhi_buf *items, int32_t level, const char *line, size_t len)
{
    if (items->len > 0)
        hhi_buf_adds(items, ",");
    hhi_buf_adds(items, "[");
    hhi_buf_add_int(items, level);
    hhi_buf_adds(items, ",");
    hhi_buf_add_json_string(items, line, len);
    hhi_buf_adds(items, "]");
}

static void text_member(struct hhi_buf *b, const char *name, const char *value)
{
    if (value != NULL)
        string_member(b, name, value);
}

static void outcome_annotations(struct hhi_buf *b, const struct hh_context *ctx)
{
    size_t i;

    key(b, "annotations");
    hhi_buf_adds(b, "[");
    for (i = 0; i < ctx->annotation_count; i++) {
        const struct hhi_annotation *a = &ctx->annotations[i];

        hhi_buf_adds(b, i > 0 ? ",{\"status\":" : "{\"status\":");
        hhi_buf_add_int(b, a->status);
        int_member(b, "severity", a->severity);
        text_member(b, "name", a->name);
        text_member(b, "statusMessage", a->status_message);
        text_member(b, "remediationMessage", a->remediation_message);
        text_member(b, "remediationLink", a->remediation_link);
        hhi_buf_adds(b, "}");
    }
    hhi_buf_adds(b, "]");
}

/* The callback context as text when it is valid UTF-8, else byte for byte in hex. */
static void outcome_callback(struct hhi_buf *b, const struct hh_context *ctx)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    if (ctx->callback == NULL)
        return;
    int_member(b, "delay", ctx->callback_delay);
    if (hhi_utf8_invalid_offset(ctx->callback, ctx->callback_len) == ctx->callback_len) {
        key(b, "callback");
        hhi_buf_add_json_string(b, ctx->callback, ctx->callback_len);
        return;
    }
    key(b, "callbackHex");
    hhi_buf_adds(b, "\"");
    for (i = 0; i < ctx->callback_len; i++) {
        unsigned char c = (unsigned char)ctx->callback[i];
        char pair[2] = { digits[c >> 4], digits[c & 15] };

        hhi_buf_add(b, pair, 2);
    }
    hhi_buf_adds(b, "\"");
}

void hhi_proto_outcome(struct hhi_buf *b, const struct hh_context *ctx,
                       const struct hhi_proto_outcome *o)
{
    hhi_buf_adds(b, "{\"op\":");
    hhi_buf_add_json_string(b, o->op, strlen(o->op));
    int_member(b, "rc", o->rc);
    int_member(b, "answers", o->answers > 2 ? 2 : o->answers);
    if (ctx->answered) {
        int_member(b, "status", ctx->status);
        int_member(b, "errorCode", ctx->error_code);
        key(b, "message");
        hhi_buf_add_json_string(b, ctx->message, ctx->message_len);
    }
    outcome_callback(b, ctx);
    outcome_annotations(b, ctx);
    key(b, "log");
    hhi_buf_adds(b, "[");
    hhi_buf_add(b, o->log->data != NULL ? o->log->data : "", o->log->len);
    hhi_buf_adds(b, "]");
    int_member(b, "logDropped", (int64_t)o->log_dropped);
    key(b, "retire");
    hhi_buf_adds(b, o->retire ? "true" : "false");
    hhi_buf_adds(b, "}");
}
