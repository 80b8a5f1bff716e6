#include "config.h"

#include "worker_serve.h"

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "input.h"
#include "services.h"
#include "utf8.h"
#include "worker_proto.h"

/* Exit statuses of a worker (the host reports them). */
#define HHI_WORKER_EXIT_PROTOCOL 3

/*
 * One create or invoke call.  ctx comes first: the plugin hands it back to
 * the services, which find the call from it.
 */
struct call {
    struct hh_context ctx;
    struct hhi_worker_process *wp;
    pthread_mutex_t lock;          /* the plugin may call the services from its threads */
    unsigned answers;              /* set_result and fail calls */
    struct hhi_buf log;            /* log items (worker_proto.h) */
    size_t log_lines;
    size_t log_dropped;
    const char *input_id;          /* the request's input document, NULL: none */
    bool input_asked;
};

static struct call *call_of(hh_context *ctx)
{
    return (struct call *)(void *)ctx;
}

static void call_init(struct call *c, struct hhi_worker_process *wp)
{
    memset(c, 0, sizeof(*c));
    hhi_context_init(&c->ctx, wp->hook != NULL ? wp->hook : "", NULL);
    c->wp = wp;
    pthread_mutex_init(&c->lock, NULL);
    c->ctx.docs[HH_DOC_CONFIGURATION] = wp->configuration;
}

static void call_release(struct call *c)
{
    hhi_context_release(&c->ctx);
    hhi_buf_release(&c->log);
    pthread_mutex_destroy(&c->lock);
}

/* ----------------------------------------------------------- the services */

static void count_answer(hh_context *ctx)
{
    struct call *c = call_of(ctx);

    pthread_mutex_lock(&c->lock);
    c->answers++;
    pthread_mutex_unlock(&c->lock);
}

static int32_t HH_CALL call_set_result(hh_context *ctx, int32_t status, int32_t error_code,
                                       const char *message, size_t message_length)
{
    if (ctx != NULL)
        count_answer(ctx);
    return hhi_host_api()->set_result(ctx, status, error_code, message, message_length);
}

static int32_t HH_CALL call_fail(hh_context *ctx, int32_t error_code, const char *message,
                                 size_t message_length)
{
    if (ctx != NULL)
        count_answer(ctx);
    return hhi_host_api()->fail(ctx, error_code, message, message_length);
}

/* Lines are kept raw (the host redacts and prints them as its own). */
static void HH_CALL call_log(hh_context *ctx, int32_t level, const char *message,
                             size_t message_length)
{
    struct call *c;
    char line[HH_MESSAGE_MAX + 1];
    size_t len;

    if (ctx == NULL || message == NULL || level < HH_LOG_ERROR || level > HH_LOG_DEBUG)
        return;
    c = call_of(ctx);
    if (level > c->wp->log_level)
        return;
    len = hhi_utf8_copy_line(line, sizeof(line), message, message_length);
    pthread_mutex_lock(&c->lock);
    if (c->log_lines < HHI_PROTO_LOG_MAX) {
        hhi_proto_log_item(&c->log, level, line, len);
        c->log_lines++;
    } else {
        c->log_dropped++;
    }
    pthread_mutex_unlock(&c->lock);
}

/* Ask the host for the input document: the first time a call reads it. */
static void fetch_input(struct call *c)
{
    struct hhi_worker_process *wp = c->wp;
    struct hhi_error err = { HHI_OK, "" };
    struct hhi_buf b;
    json_object *frame = NULL;
    uint32_t announced;

    hhi_buf_init(&b);
    hhi_frame_begin(&b);
    hhi_buf_adds(&b, "{\"op\":\"need\",\"id\":");
    hhi_buf_add_json_string(&b, c->input_id, strlen(c->input_id));
    hhi_buf_adds(&b, "}");
    if (hhi_channel_send(wp->fd, &b, HHI_NO_DEADLINE) != HHI_CHANNEL_OK ||
        hhi_channel_recv(wp->fd, &b, HHI_NO_DEADLINE, &announced) != HHI_CHANNEL_OK ||
        hhi_json_parse("input document", b.data, b.len, &frame, &err) != HHI_OK)
        _exit(HHI_WORKER_EXIT_PROTOCOL); /* the host is gone or confused */
    hhi_buf_release(&b);
    json_object_put(wp->input_frame);
    wp->input_frame = frame;
    snprintf(wp->input_id, sizeof(wp->input_id), "%s", c->input_id);
}

static void ensure_input(hh_context *ctx)
{
    struct call *c = call_of(ctx);
    struct hhi_worker_process *wp = c->wp;

    pthread_mutex_lock(&c->lock);
    if (c->input_id != NULL && !c->input_asked) {
        c->input_asked = true;
        if (wp->input_frame == NULL || strcmp(wp->input_id, c->input_id) != 0)
            fetch_input(c);
        c->ctx.docs[HH_DOC_INPUT] = json_object_object_get(wp->input_frame, "document");
    }
    pthread_mutex_unlock(&c->lock);
}

static int32_t HH_CALL call_get_value(hh_context *ctx, int32_t document, const char *pointer,
                                      struct hh_value *out)
{
    if (ctx != NULL && document == HH_DOC_INPUT)
        ensure_input(ctx);
    return hhi_host_api()->get_value(ctx, document, pointer, out);
}

static int32_t HH_CALL call_get_member(hh_context *ctx, int32_t document, const char *pointer,
                                       size_t index, struct hh_value *key,
                                       struct hh_value *value)
{
    if (ctx != NULL && document == HH_DOC_INPUT)
        ensure_input(ctx);
    return hhi_host_api()->get_member(ctx, document, pointer, index, key, value);
}

void hhi_worker_api_init(struct hhi_worker_process *wp)
{
    wp->api = *hhi_host_api();
    wp->api.set_result = call_set_result;
    wp->api.fail = call_fail;
    wp->api.log = call_log;
    wp->api.get_value = call_get_value;
    wp->api.get_member = call_get_member;
}

/* --------------------------------------------------------------- answers */

static void answer(struct hhi_worker_process *wp, struct call *c, const char *op, int32_t rc,
                   bool retire)
{
    struct hhi_proto_outcome o = { op, rc, c->answers, &c->log, c->log_dropped, retire };

    hhi_frame_begin(&wp->buf);
    hhi_proto_outcome(&wp->buf, &c->ctx, &o);
    if (hhi_channel_send(wp->fd, &wp->buf, HHI_NO_DEADLINE) != HHI_CHANNEL_OK)
        _exit(HHI_WORKER_EXIT_PROTOCOL);
}

/*
 * RLIMIT_CPU: this call may use timeout + 1 more CPU seconds, even if the
 * host is gone; the hard limit is the worker's CPU lifetime.  Returns
 * true when the lifetime leaves no room for a further call: retire then.
 */
static bool cpu_budget(struct hhi_worker_process *wp)
{
    rlim_t per_call = (rlim_t)wp->timeout_seconds + 1, used;
    struct rusage ru;
    struct rlimit rl;

    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return false;
    used = (rlim_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + 1);
    /* Raised only when needed: most calls leave the limit as it is. */
    if (used + per_call > wp->cpu_soft) {
        rl.rlim_max = wp->cpu_hard;
        rl.rlim_cur = used + per_call < wp->cpu_hard ? used + per_call : wp->cpu_hard;
        if (setrlimit(RLIMIT_CPU, &rl) == 0)
            wp->cpu_soft = rl.rlim_cur;
    }
    return used + 2 * per_call > wp->cpu_hard;
}

/* ------------------------------------------------------------- requests */

static int do_create(struct hhi_worker_process *wp, json_object *frame)
{
    json_object *name = json_object_object_get(frame, "hook");
    json_object *level = json_object_object_get(frame, "logLevel");
    struct hh_instance_args args;
    struct call c;
    const char *text;
    int32_t rc;

    if (wp->instance != NULL || !json_object_is_type(name, json_type_string) ||
        !json_object_is_type(level, json_type_int) ||
        !json_object_object_get_ex(frame, "configuration", &wp->configuration))
        return HHI_WORKER_EXIT_PROTOCOL;
    wp->configuration = json_object_get(wp->configuration);
    wp->hook = strdup(json_object_get_string(name));
    wp->log_level = (int32_t)json_object_get_int64(level);
    if (wp->hook == NULL)
        return HHI_WORKER_EXIT_PROTOCOL;
    text = json_object_to_json_string_ext(wp->configuration, JSON_C_TO_STRING_PLAIN);
    if (text == NULL) /* out of memory */
        return HHI_WORKER_EXIT_PROTOCOL;
    call_init(&c, wp);
    memset(&args, 0, sizeof(args));
    args.abi = (struct hh_abi)HH_ABI_INIT(struct hh_instance_args);
    args.host = &wp->api;
    args.hook_type_name = wp->hook;
    args.configuration = text;
    args.configuration_length = strlen(text);
    cpu_budget(wp);
    rc = wp->plugin->desc.create(&c.ctx, &args, &wp->instance);
    if (rc != HH_OK)
        wp->instance = NULL;
    /* HH_OK without an instance: said apart from a refusal by the host. */
    answer(wp, &c, rc == HH_OK && wp->instance == NULL ? "no-instance" : "created", rc,
           false);
    call_release(&c);
    return 0;
}

/* The input document, when this worker already has the request's. */
static void known_input(struct hhi_worker_process *wp, struct call *c)
{
    if (c->input_id != NULL && wp->input_frame != NULL && strcmp(wp->input_id, c->input_id) == 0) {
        c->ctx.docs[HH_DOC_INPUT] = json_object_object_get(wp->input_frame, "document");
        c->input_asked = true;
    }
}

static int do_invoke(struct hhi_worker_process *wp, json_object *frame, bool *retire)
{
    struct hhi_proto_invoke inv;
    struct call c;
    int i;

    if (wp->instance == NULL || hhi_proto_read_invoke(frame, &inv) != 0)
        return HHI_WORKER_EXIT_PROTOCOL;
    call_init(&c, wp);
    for (i = 0; i < HHI_DOC_COUNT; i++) {
        if (i != HH_DOC_CONFIGURATION && i != HH_DOC_INPUT)
            c.ctx.docs[i] = inv.docs[i];
    }
    c.input_id = inv.input_id;
    known_input(wp, &c);
    *retire = cpu_budget(wp);
    wp->plugin->desc.invoke(wp->instance, &c.ctx, &inv.req);
    answer(wp, &c, "answer", 0, *retire);
    call_release(&c);
    return 0;
}

static int serve_one(struct hhi_worker_process *wp, json_object *frame, bool *retire)
{
    const char *op = hhi_proto_op(frame);

    if (op != NULL && strcmp(op, "invoke") == 0)
        return do_invoke(wp, frame, retire);
    if (op != NULL && strcmp(op, "create") == 0)
        return do_create(wp, frame);
    return HHI_WORKER_EXIT_PROTOCOL;
}

int hhi_worker_serve(struct hhi_worker_process *wp)
{
    struct hhi_error err = { HHI_OK, "" };
    json_object *frame;
    uint32_t announced;
    bool retire = false;
    int rc = 0;

    while (rc == 0 && !retire) {
        enum hhi_channel_status st = hhi_channel_recv(wp->fd, &wp->buf, HHI_NO_DEADLINE,
                                                      &announced);

        if (st == HHI_CHANNEL_EOF)
            break;
        if (st != HHI_CHANNEL_OK ||
            hhi_json_parse("request", wp->buf.data, wp->buf.len, &frame, &err) != HHI_OK)
            return HHI_WORKER_EXIT_PROTOCOL;
        rc = serve_one(wp, frame, &retire);
        json_object_put(frame);
    }
    /* The host closed the channel: release the instance, as in-process. */
    if (wp->instance != NULL)
        wp->plugin->desc.destroy(wp->instance);
    wp->instance = NULL;
    return rc;
}
