#include "config.h"

#include "plugin_util.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How much of a string value a message quotes. */
#define DESCRIBE_STRING_MAX 64

void pu_value_init(struct hh_value *v)
{
    memset(v, 0, sizeof(*v));
    v->abi.major = HH_ABI_MAJOR;
    v->abi.minor = HH_ABI_MINOR;
    v->abi.struct_size = (uint32_t)sizeof(*v);
}

int32_t pu_get(const struct pu_doc *doc, const char *pointer, struct hh_value *out)
{
    pu_value_init(out);
    return doc->host->get_value(doc->ctx, doc->document, pointer, out);
}

int32_t pu_member(const struct pu_doc *doc, const char *pointer, size_t index,
                  struct hh_value *key, struct hh_value *value)
{
    if (key != NULL)
        pu_value_init(key);
    pu_value_init(value);
    return doc->host->get_member(doc->ctx, doc->document, pointer, index, key, value);
}

int32_t pu_read_properties(const struct pu_doc *doc, const struct hh_request *req,
                           struct hh_value *v)
{
    int32_t rc = pu_get(doc, "", v);

    if (rc == HH_ERR_NOT_FOUND && req->properties != NULL && req->properties_length > 0) {
        pu_value_init(v);
        v->type = HH_VALUE_NULL;
        return HH_OK;
    }
    return rc;
}

/* ------------------------------------------------------------ instances */

int32_t HH_CALL pu_instance_create(hh_context *ctx, const struct hh_instance_args *args,
                                   void **out)
{
    struct pu_instance *inst;

    if (args == NULL || args->host == NULL || out == NULL)
        return HH_ERR_INVALID;
    inst = malloc(sizeof(*inst));
    if (inst == NULL) {
        static const char oom[] = "out of memory creating the instance";

        args->host->fail(ctx, HH_ERROR_HANDLER_INTERNAL_FAILURE, oom, sizeof(oom) - 1);
        return HH_ERR_NO_MEMORY;
    }
    inst->host = args->host;
    *out = inst;
    return HH_OK;
}

void HH_CALL pu_instance_destroy(void *instance)
{
    free(instance);
}

/* ------------------------------------------------------------ wildcards */

bool pu_wildcard_match(const char *pattern, const char *text)
{
    const char *star = NULL, *resume = NULL;

    /* Greedy with one backtrack point: the last '*' seen.  Linear in practice. */
    while (*text != '\0') {
        if (*pattern == '*') {
            star = pattern++;
            resume = text;
        } else if (*pattern == '?' || *pattern == *text) {
            pattern++;
            text++;
        } else if (star != NULL) {
            pattern = star + 1;
            text = ++resume;
        } else {
            return false;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

/* ------------------------------------------------------- JSON pointers */

size_t pu_pointer_escape(char *buf, size_t size, const char *key)
{
    size_t n = 0;

    for (; *key != '\0'; key++) {
        const char *piece = *key == '~' ? "~0" : *key == '/' ? "~1" : NULL;
        size_t plen = piece != NULL ? 2 : 1;

        if (n + plen >= size)
            return (size_t)-1;
        if (piece != NULL)
            memcpy(buf + n, piece, 2);
        else
            buf[n] = *key;
        n += plen;
    }
    if (size == 0)
        return (size_t)-1;
    buf[n] = '\0';
    return n;
}

/*
 * A pointer that did not fit must not silently name its parent: it becomes
 * a malformed pointer, which no document resolves.
 */
static bool pointer_overflow(struct pu_pointer *p)
{
    static const char bad[] = "<pointer too long>";

    p->overflow = true;
    memcpy(p->text, bad, sizeof(bad));
    p->len = sizeof(bad) - 1;
    return false;
}

void pu_pointer_init(struct pu_pointer *p, const char *base)
{
    size_t len = strlen(base);

    p->overflow = false;
    if (len >= sizeof(p->text)) {
        pointer_overflow(p);
        return;
    }
    p->len = len;
    memcpy(p->text, base, len + 1);
}

bool pu_pointer_key(struct pu_pointer *p, const char *key)
{
    size_t n;

    if (p->overflow || p->len + 1 >= sizeof(p->text))
        return pointer_overflow(p);
    n = pu_pointer_escape(p->text + p->len + 1, sizeof(p->text) - p->len - 1, key);
    if (n == (size_t)-1)
        return pointer_overflow(p);
    p->text[p->len] = '/';
    p->len += 1 + n;
    return true;
}

bool pu_pointer_index(struct pu_pointer *p, size_t index)
{
    char digits[24];

    snprintf(digits, sizeof(digits), "%zu", index);
    return pu_pointer_key(p, digits);
}

/* ------------------------------------------------ cfn-guard comparisons */

int32_t pu_guard_key(const struct pu_doc *doc, const char *base, const char *key,
                     struct pu_pointer *p, struct hh_value *v)
{
    char lower[PU_POINTER_MAX];
    int32_t rc;

    pu_pointer_init(p, base);
    if (!pu_pointer_key(p, key))
        return HH_ERR_NOT_FOUND;
    rc = pu_get(doc, p->text, v);
    if (rc != HH_ERR_NOT_FOUND || key[0] < 'A' || key[0] > 'Z' ||
        strlen(key) >= sizeof(lower))
        return rc;
    /* cfn-guard's fallback for camelCase input such as hook payloads. */
    memcpy(lower, key, strlen(key) + 1);
    lower[0] = (char)(lower[0] - 'A' + 'a');
    pu_pointer_init(p, base);
    if (!pu_pointer_key(p, lower))
        return HH_ERR_NOT_FOUND;
    return pu_get(doc, p->text, v);
}

bool pu_guard_all(const struct pu_doc *doc, const char *pointer,
                  const struct hh_value *v, pu_scalar_pred pred, const void *arg)
{
    size_t i;

    if (v->type != HH_VALUE_ARRAY)
        return pred(v, arg);
    for (i = 0; i < v->length; i++) {
        struct hh_value item;

        /* A nested list is one item that is not a scalar: pred refuses it. */
        if (pu_member(doc, pointer, i, NULL, &item) != HH_OK || !pred(&item, arg))
            return false;
    }
    return true;
}

bool pu_pred_true(const struct hh_value *v, const void *arg)
{
    (void)arg;
    return v->type == HH_VALUE_BOOLEAN && v->boolean;
}

bool pu_pred_int_ge(const struct hh_value *v, const void *arg)
{
    return v->type == HH_VALUE_INTEGER && v->integer >= *(const int64_t *)arg;
}

bool pu_pred_int_gt(const struct hh_value *v, const void *arg)
{
    return v->type == HH_VALUE_INTEGER && v->integer > *(const int64_t *)arg;
}

bool pu_pred_int_lt(const struct hh_value *v, const void *arg)
{
    return v->type == HH_VALUE_INTEGER && v->integer < *(const int64_t *)arg;
}

bool pu_string_in(const char *s, const char *const *list)
{
    for (; *list != NULL; list++) {
        if (strcmp(s, *list) == 0)
            return true;
    }
    return false;
}

bool pu_pred_string_in(const struct hh_value *v, const void *arg)
{
    /* A string with an embedded NUL matches nothing in a C list. */
    return v->type == HH_VALUE_STRING && strlen(v->string) == v->length &&
           pu_string_in(v->string, (const char *const *)arg);
}

/* ----------------------------------------------------------- messages */

void pu_buf_init(struct pu_buf *b, char *storage, size_t size)
{
    b->text = storage;
    b->size = size;
    b->len = 0;
    b->truncated = false;
    if (size > 0)
        storage[0] = '\0';
}

/* Mark the buffer full, ending it with "..." so a reader sees the cut. */
static void buf_truncate(struct pu_buf *b)
{
    if (b->truncated || b->size < 4)
        return;
    b->truncated = true;
    b->len = b->size - 1;
    memcpy(b->text + b->len - 3, "...", 3);
    b->text[b->len] = '\0';
}

void pu_buf_add(struct pu_buf *b, const char *s)
{
    size_t n = strlen(s);

    if (b->truncated)
        return;
    if (b->len + n >= b->size) {
        buf_truncate(b);
        return;
    }
    memcpy(b->text + b->len, s, n + 1);
    b->len += n;
}

void pu_buf_addf(struct pu_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (b->truncated)
        return;
    va_start(ap, fmt);
    n = vsnprintf(b->text + b->len, b->size - b->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= b->size - b->len)
        buf_truncate(b);
    else
        b->len += (size_t)n;
}

/* Quote a string value, cut at DESCRIBE_STRING_MAX bytes, escaping '"' and '\'. */
static void describe_string(struct pu_buf *b, const struct hh_value *v)
{
    char out[DESCRIBE_STRING_MAX * 2 + 8];
    size_t i, n = 0;

    out[n++] = '"';
    for (i = 0; i < v->length && i < DESCRIBE_STRING_MAX; i++) {
        char c = v->string[i];

        if (c == '"' || c == '\\')
            out[n++] = '\\';
        /* Control characters would break the one-line message. */
        out[n++] = ((unsigned char)c < 0x20) ? '?' : c;
    }
    if (i < v->length) {
        /* Do not leave half of a UTF-8 sequence behind. */
        while (n > 1 && ((unsigned char)out[n - 1] & 0xC0) == 0x80)
            n--;
        if (n > 1 && ((unsigned char)out[n - 1] & 0xC0) == 0xC0)
            n--;
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n++] = '"';
    out[n] = '\0';
    pu_buf_add(b, out);
    pu_buf_add(b, " (a string)");
}

bool pu_intrinsic_name(const struct pu_doc *doc, const char *pointer,
                       const struct hh_value *v, const char **name)
{
    struct hh_value key, value;

    if (v->type != HH_VALUE_OBJECT || v->length != 1 ||
        pu_member(doc, pointer, 0, &key, &value) != HH_OK || key.type != HH_VALUE_STRING)
        return false;
    if (strcmp(key.string, "Ref") != 0 &&
        (strncmp(key.string, "Fn::", 4) != 0 || key.length > DESCRIBE_STRING_MAX))
        return false;
    *name = key.string;
    return true;
}

static void describe_object(struct pu_buf *b, const struct pu_doc *doc, const char *pointer,
                            const struct hh_value *v)
{
    const char *fn;

    if (pu_intrinsic_name(doc, pointer, v, &fn))
        pu_buf_addf(b, "the intrinsic function {\"%s\": ...}", fn);
    else if (v->length == 0)
        pu_buf_add(b, "an empty object");
    else
        pu_buf_addf(b, "an object with %zu member%s", v->length, v->length == 1 ? "" : "s");
}

void pu_buf_describe(struct pu_buf *b, const struct pu_doc *doc, const char *pointer,
                     const struct hh_value *v)
{
    switch (v->type) {
    case HH_VALUE_NULL:
        pu_buf_add(b, "null");
        break;
    case HH_VALUE_BOOLEAN:
        pu_buf_add(b, v->boolean ? "true" : "false");
        break;
    case HH_VALUE_INTEGER:
        pu_buf_addf(b, "%" PRId64, v->integer);
        break;
    case HH_VALUE_NUMBER:
        /* Show 7.0 as 7.0, not 7: that it is not an integer is the point. */
        if (v->number > -1e15 && v->number < 1e15 && v->number == (double)(int64_t)v->number)
            pu_buf_addf(b, "%.1f (a floating-point number)", v->number);
        else
            pu_buf_addf(b, "%g (a floating-point number)", v->number);
        break;
    case HH_VALUE_STRING:
        describe_string(b, v);
        break;
    case HH_VALUE_ARRAY:
        if (v->length == 0)
            pu_buf_add(b, "an empty list");
        else
            pu_buf_addf(b, "a list of %zu item%s", v->length, v->length == 1 ? "" : "s");
        break;
    case HH_VALUE_OBJECT:
        describe_object(b, doc, pointer, v);
        break;
    default:
        pu_buf_add(b, "a value of unknown type");
        break;
    }
}

/* --------------------------------------------------- answering a control */

static void annotate(const struct hh_host_api *host, hh_context *ctx,
                     const struct pu_control *c, int32_t status, const char *status_message)
{
    struct hh_annotation a;

    memset(&a, 0, sizeof(a));
    a.abi.major = HH_ABI_MAJOR;
    a.abi.minor = HH_ABI_MINOR;
    a.abi.struct_size = (uint32_t)sizeof(a);
    a.name = c->id;
    a.status = status;
    a.severity = c->severity;
    a.status_message = status_message;
    a.remediation_message = c->fix;
    /* An annotation is extra detail: the answer stands even if it is refused. */
    (void)host->add_annotation(ctx, &a);
}

static void control_failed(const struct hh_host_api *host, hh_context *ctx,
                           const struct pu_control *c, int32_t error_code, const char *reasons)
{
    char storage[HH_MESSAGE_MAX + 1];
    char fix[HH_MESSAGE_MAX / 2];
    struct pu_buf msg, tail;

    /* The FIX text goes last and must survive a long list of reasons. */
    pu_buf_init(&tail, fix, sizeof(fix));
    pu_buf_add(&tail, " [FIX]: ");
    pu_buf_add(&tail, c->fix);
    pu_buf_init(&msg, storage, sizeof(storage) - tail.len);
    pu_buf_addf(&msg, "[%s]: %s: %s", c->id, c->display_name, reasons);
    msg.size = sizeof(storage);
    msg.truncated = false;
    pu_buf_add(&msg, tail.text);
    annotate(host, ctx, c, HH_ANNOTATION_FAILED, msg.text);
    host->set_result(ctx, HH_STATUS_FAILED, error_code, msg.text, msg.len);
}

void pu_control_fail(const struct hh_host_api *host, hh_context *ctx,
                     const struct pu_control *c, const char *reasons)
{
    control_failed(host, ctx, c, HH_ERROR_NON_COMPLIANT, reasons);
}

void pu_control_error(const struct hh_host_api *host, hh_context *ctx,
                      const struct pu_control *c, int32_t error_code, const char *reasons)
{
    control_failed(host, ctx, c, error_code, reasons);
}

void pu_control_pass(const struct hh_host_api *host, hh_context *ctx,
                     const struct pu_control *c, bool skipped, const char *note)
{
    char storage[HH_MESSAGE_MAX + 1];
    struct pu_buf msg;

    pu_buf_init(&msg, storage, sizeof(storage));
    pu_buf_addf(&msg, "[%s]: %s", c->id, note);
    annotate(host, ctx, c, skipped ? HH_ANNOTATION_SKIPPED : HH_ANNOTATION_PASSED, msg.text);
    host->set_result(ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, msg.text, msg.len);
}

bool pu_host_refused(const struct hh_host_api *host, hh_context *ctx,
                     const struct pu_control *c, int32_t rc)
{
    char reason[96];

    if (rc == HH_OK || rc == HH_ERR_NOT_FOUND)
        return false;
    snprintf(reason, sizeof(reason), "the host refused to read the properties (error %d)",
             (int)rc);
    pu_control_error(host, ctx, c, HH_ERROR_HANDLER_INTERNAL_FAILURE, reason);
    return true;
}

void pu_answer(const struct hh_host_api *host, hh_context *ctx, int32_t status,
               int32_t error_code, const char *message)
{
    host->set_result(ctx, status, error_code, message, message != NULL ? strlen(message) : 0);
}

/* ------------------------------------------------ Terraform and Pulumi */

bool pu_is_unknown(const struct hh_value *v)
{
    return v->type == HH_VALUE_STRING &&
           (strcmp(v->string, PU_KNOWN_AFTER_APPLY) == 0 ||
            strcmp(v->string, PU_PULUMI_UNKNOWN) == 0);
}

int32_t pu_attr(const struct pu_doc *doc, const char *base, const char *key,
                struct pu_pointer *p, struct hh_value *v)
{
    int32_t rc;

    pu_pointer_init(p, base);
    if (!pu_pointer_key(p, key))
        return HH_ERR_NOT_FOUND;
    rc = pu_get(doc, p->text, v);
    if (rc == HH_OK && v->type == HH_VALUE_NULL)
        return HH_ERR_NOT_FOUND;
    return rc;
}

void pu_buf_describe_attr(struct pu_buf *b, const struct pu_doc *doc, const char *pointer,
                          const struct hh_value *v)
{
    if (v->type == HH_VALUE_STRING && strcmp(v->string, PU_KNOWN_AFTER_APPLY) == 0)
        pu_buf_add(b, "not known until apply (\"" PU_KNOWN_AFTER_APPLY "\")");
    else if (v->type == HH_VALUE_STRING && strcmp(v->string, PU_PULUMI_UNKNOWN) == 0)
        pu_buf_add(b, "not known until the update (Pulumi's unknown value)");
    else
        pu_buf_describe(b, doc, pointer, v);
}

bool pu_get_string(const struct pu_doc *doc, const char *pointer, bool known_only,
                   char *buf, size_t size)
{
    struct hh_value v;

    if (size > 0)
        buf[0] = '\0';
    if (pu_get(doc, pointer, &v) != HH_OK || v.type != HH_VALUE_STRING ||
        strlen(v.string) != v.length || v.length >= size || (known_only && pu_is_unknown(&v)))
        return false;
    memcpy(buf, v.string, v.length + 1);
    return true;
}

bool pu_string_at(const struct pu_doc *doc, const char *pointer, const char *s)
{
    struct hh_value v;

    return pu_get(doc, pointer, &v) == HH_OK && v.type == HH_VALUE_STRING &&
           v.length == strlen(s) && memcmp(v.string, s, v.length) == 0;
}

bool pu_array_has_string(const struct pu_doc *doc, const char *pointer, const char *s)
{
    struct hh_value item;
    size_t i;

    for (i = 0; pu_member(doc, pointer, i, NULL, &item) == HH_OK; i++) {
        if (item.type == HH_VALUE_STRING && item.length == strlen(s) &&
            memcmp(item.string, s, item.length) == 0)
            return true;
    }
    return false;
}

void pu_pointer_join(struct pu_pointer *p, const char *base, ...)
{
    const char *key;
    va_list ap;

    pu_pointer_init(p, base);
    va_start(ap, base);
    while ((key = va_arg(ap, const char *)) != NULL)
        pu_pointer_key(p, key);
    va_end(ap);
}
