#include "config.h"

#include "worker_pool.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "isolation_call.h"
#include "worker_proto.h"

struct hhi_pool {
    pthread_mutex_t lock;
    pthread_cond_t freed;            /* a worker went idle or away */
    struct hhi_worker_spec spec;     /* its strings are these: */
    char *exe, *path, *hook;
    const struct hhi_log_sink *log;
    struct hhi_pool_inputs *inputs;
    char *facts_text;                /* what every worker must describe */
    char *config_text;               /* what instances are created from */
    int32_t log_level;
    struct hhi_worker *pending;      /* started at load, not created yet */
    struct hhi_worker **idle;        /* created, waiting for a call */
    size_t idle_count;
    size_t live;                     /* idle, busy or starting */
    unsigned start_failures;         /* in a row */
    unsigned losses;                 /* workers lost in calls, in a row */
    bool dead;                       /* given up: every call says why */
    char reason[HH_MESSAGE_MAX];     /* the last start failure, or why dead */
};

/* ------------------------------------------------------- input documents */

struct input_text {
    const json_object *doc;
    char *text;
    size_t len;
};

struct hhi_pool_inputs {
    pthread_mutex_t lock;
    struct input_text *v;
    size_t n;
};

struct hhi_pool_inputs *hhi_pool_inputs_new(void)
{
    struct hhi_pool_inputs *in = calloc(1, sizeof(*in));

    if (in != NULL && pthread_mutex_init(&in->lock, NULL) != 0) {
        free(in);
        return NULL;
    }
    return in;
}

void hhi_pool_inputs_free(struct hhi_pool_inputs *in)
{
    size_t i;

    if (in == NULL)
        return;
    for (i = 0; i < in->n; i++)
        free(in->v[i].text);
    free(in->v);
    pthread_mutex_destroy(&in->lock);
    free(in);
}

/*
 * The text of doc, serialised once (under the lock: serialising writes into
 * the object) and kept, so no thread serialises it again.
 */
static const char *input_text(struct hhi_pool_inputs *in, json_object *doc, size_t *len)
{
    struct input_text *grown;
    const char *text = NULL;
    size_t i;

    pthread_mutex_lock(&in->lock);
    for (i = 0; i < in->n && text == NULL; i++) {
        if (in->v[i].doc == doc) {
            text = in->v[i].text;
            *len = in->v[i].len;
        }
    }
    if (text == NULL && (grown = realloc(in->v, (in->n + 1) * sizeof(*grown))) != NULL) {
        const char *s = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN |
                                                                JSON_C_TO_STRING_NOSLASHESCAPE);

        in->v = grown;
        grown[in->n].doc = doc;
        grown[in->n].text = s != NULL ? strdup(s) : NULL;
        grown[in->n].len = grown[in->n].text != NULL ? strlen(grown[in->n].text) : 0;
        text = grown[in->n].text;
        *len = grown[in->n].len;
        in->n += text != NULL;
    }
    pthread_mutex_unlock(&in->lock);
    return text;
}

struct input_arg {
    struct hhi_pool_inputs *inputs;
    json_object *doc;
};

static const char *input_text_of(void *arg, size_t *len)
{
    struct input_arg *a = arg;

    *len = 0;
    return input_text(a->inputs, a->doc, len);
}

/* ------------------------------------------------------------- the pool */

int hhi_pool_new(struct hhi_pool **out, const struct hhi_worker_spec *spec,
                 const struct hhi_log_sink *log, struct hhi_pool_inputs *inputs,
                 struct hhi_error *err)
{
    struct hhi_pool *p = calloc(1, sizeof(*p));
    pthread_condattr_t attr;

    *out = NULL;
    if (p == NULL || pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    /* Waits have deadlines on the monotonic clock, as the calls' do. */
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (pthread_cond_init(&p->freed, &attr) != 0) {
        pthread_condattr_destroy(&attr);
        pthread_mutex_destroy(&p->lock);
        free(p);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    pthread_condattr_destroy(&attr);
    p->spec = *spec;
    p->spec.exe = p->exe = strdup(spec->exe);
    p->spec.path = p->path = strdup(spec->path);
    p->spec.hook = p->hook = strdup(spec->hook != NULL ? spec->hook : "-");
    p->log = log;
    p->inputs = inputs;
    *out = p;
    if (p->exe == NULL || p->path == NULL || p->hook == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    return HHI_OK;
}

static void worker_free(struct hhi_worker *w)
{
    if (w == NULL)
        return;
    hhi_worker_release(w);
    free(w);
}

static void warn_sandbox(const struct hhi_pool *p, const char *sandbox)
{
    if (strcmp(sandbox, "seccomp") == 0 || p->log == NULL || p->log->stream == NULL ||
        p->log->max_level < HH_LOG_WARN)
        return;
    fprintf(p->log->stream, "hookhost: %s: warning: its workers run without a seccomp filter: %s\n",
            p->spec.hook, sandbox);
}

int hhi_pool_first(struct hhi_pool *p, json_object **facts, struct hhi_error *err)
{
    char why[HH_MESSAGE_MAX], sandbox[256];
    struct hhi_worker *w = calloc(1, sizeof(*w));
    int rc;

    *facts = NULL;
    if (w == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    rc = hhi_worker_start(w, &p->spec, hhi_clock_ms() + p->spec.c.timeout_seconds * 1000LL,
                         facts, sandbox, sizeof(sandbox), why, sizeof(why));
    if (rc != HHI_WORKER_OK) {
        worker_free(w);
        if (rc == HHI_WORKER_REFUSED)
            return hhi_error_set(err, HHI_EPLUGIN, "%s", why);
        return hhi_error_set(err, HHI_EPLUGIN, "plugin %s: %s", p->spec.path, why);
    }
    warn_sandbox(p, sandbox);
    p->pending = w;
    p->live = 1;
    return HHI_OK;
}

int hhi_pool_configure(struct hhi_pool *p, const char *facts_text, const char *hook,
                       const char *config_text, int32_t log_level, struct hhi_error *err)
{
    char *name = strdup(hook);

    if (name != NULL) {
        free(p->hook);
        p->spec.hook = p->hook = name;
    }
    p->facts_text = strdup(facts_text);
    p->config_text = strdup(config_text);
    p->log_level = log_level;
    if (name == NULL || p->facts_text == NULL || p->config_text == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    return HHI_OK;
}

/* Send create and read what came of it; the worker is gone on HHI_POOL_BROKEN. */
static enum hhi_pool_create create(struct hhi_pool *p, struct hhi_worker *w, int64_t deadline,
                                   struct hh_context *ctx, int32_t *rc, char *why, size_t cap)
{
    char timeout_text[64];
    json_object *v;

    snprintf(timeout_text, sizeof(timeout_text), "timed out after %u s in create",
             p->spec.c.timeout_seconds);
    hhi_frame_begin(&w->buf);
    hhi_proto_create(&w->buf, p->spec.hook, p->config_text, p->log_level);
    if (hhi_worker_exchange(w, deadline, timeout_text, "in create", NULL, why, cap) !=
        HHI_WORKER_OK)
        return HHI_POOL_BROKEN;
    v = json_object_object_get(w->frame, "rc");
    if ((strcmp(hhi_proto_op(w->frame), "created") != 0 &&
         strcmp(hhi_proto_op(w->frame), "no-instance") != 0) ||
        hhi_proto_replay(w->frame, ctx, why, cap) != 0) {
        snprintf(why, cap, "garbage answer to create");
        hhi_worker_kill(w);
        return HHI_POOL_BROKEN;
    }
    *rc = (int32_t)json_object_get_int64(v);
    if (strcmp(hhi_proto_op(w->frame), "no-instance") == 0)
        return HHI_POOL_NO_INSTANCE;
    return *rc == HH_OK ? HHI_POOL_CREATED : HHI_POOL_REFUSED;
}

enum hhi_pool_create hhi_pool_create_first(struct hhi_pool *p, struct hh_context *ctx,
                                           int32_t *rc)
{
    struct hhi_worker *w = p->pending;
    enum hhi_pool_create r;
    char why[HH_MESSAGE_MAX];

    p->pending = NULL;
    *rc = HH_OK;
    r = create(p, w, hhi_clock_ms() + p->spec.c.timeout_seconds * 1000LL, ctx, rc, why,
               sizeof(why));
    if (r == HHI_POOL_CREATED) {
        p->idle = calloc(1, sizeof(*p->idle));
        if (p->idle != NULL) {
            p->idle[p->idle_count++] = w;
            return r;
        }
        snprintf(why, sizeof(why), "out of memory");
        r = HHI_POOL_BROKEN;
    }
    worker_free(w);
    p->live = 0;
    if (r == HHI_POOL_BROKEN) {
        p->start_failures = 1;
        snprintf(p->reason, sizeof(p->reason), "could not start a worker: %.3900s", why);
    }
    return r;
}

/* ----------------------------------------------------------------- calls */

static bool same_description(const struct hhi_pool *p, json_object *facts)
{
    const char *text = json_object_to_json_string_ext(facts, JSON_C_TO_STRING_PLAIN);

    return text != NULL && strcmp(text, p->facts_text) == 0;
}

/* A new worker with its own instance, for a call; NULL with why. */
static struct hhi_worker *start(struct hhi_pool *p, int64_t deadline, char *why, size_t cap)
{
    struct hhi_worker *w = calloc(1, sizeof(*w));
    struct hh_context ctx;
    json_object *facts = NULL;
    int32_t rc = HH_OK;
    int r;

    if (w == NULL) {
        snprintf(why, cap, "out of memory");
        return NULL;
    }
    r = hhi_worker_start(w, &p->spec, deadline, &facts, NULL, 0, why, cap);
    if (r == HHI_WORKER_OK && !same_description(p, facts)) {
        snprintf(why, cap, "the plugin described itself differently in another worker");
        r = HHI_WORKER_LOST;
    }
    json_object_put(facts);
    if (r == HHI_WORKER_OK) {
        hhi_context_init(&ctx, p->spec.hook, NULL);
        r = create(p, w, deadline, &ctx, &rc, why, cap);
        if (r == HHI_POOL_REFUSED || r == HHI_POOL_NO_INSTANCE)
            snprintf(why, cap, "create refused the configuration this time: %s%s%.3900s",
                     ctx.answered ? hhi_error_code_name(ctx.error_code) : "error",
                     ctx.message_len ? ": " : "", ctx.message);
        hhi_context_release(&ctx);
    }
    if (r != HHI_WORKER_OK) {
        worker_free(w);
        return NULL;
    }
    return w;
}

/* With the lock held: wait until a worker may be had or started; false at the deadline. */
static bool wait_for_room(struct hhi_pool *p, int64_t deadline)
{
    struct timespec ts = { (time_t)(deadline / 1000), (long)(deadline % 1000) * 1000000L };

    while (!p->dead && p->idle_count == 0 && p->live >= HHI_POOL_MAX_WORKERS) {
        if (pthread_cond_timedwait(&p->freed, &p->lock, &ts) == ETIMEDOUT)
            return false;
    }
    return true;
}

/* An idle worker, or a new one; NULL with the reason in why. */
static struct hhi_worker *acquire(struct hhi_pool *p, int64_t deadline,
                                  const char *timeout_text, char *why, size_t cap)
{
    struct hhi_worker *w = NULL;
    char reason[HH_MESSAGE_MAX];
    bool dead, waited;

    pthread_mutex_lock(&p->lock);
    waited = wait_for_room(p, deadline);
    dead = p->dead;
    if (dead)
        snprintf(why, cap, "%s", p->reason);
    else if (!waited)
        snprintf(why, cap, "%s waiting for one of the hook's %d workers", timeout_text,
                 HHI_POOL_MAX_WORKERS);
    else if (p->idle_count > 0)
        w = p->idle[--p->idle_count];
    else
        p->live++;
    pthread_mutex_unlock(&p->lock);
    if (w != NULL || dead || !waited)
        return w;
    w = start(p, deadline, reason, sizeof(reason));
    pthread_mutex_lock(&p->lock);
    if (w == NULL) {
        p->live--;
        pthread_cond_signal(&p->freed);
        snprintf(p->reason, sizeof(p->reason), "could not start a worker: %.3900s", reason);
        if (++p->start_failures >= HHI_POOL_MAX_START_FAILURES && !p->dead) {
            p->dead = true;
            snprintf(p->reason + strlen(p->reason), sizeof(p->reason) - strlen(p->reason),
                     " (given up after %d failed starts)", HHI_POOL_MAX_START_FAILURES);
        }
        snprintf(why, cap, "%s", p->reason);
    } else {
        p->start_failures = 0;
    }
    pthread_mutex_unlock(&p->lock);
    return w;
}

/* Back to the idle list, or gone (lost, or retiring: keep is false). */
static void release(struct hhi_pool *p, struct hhi_worker *w, bool keep, bool lost,
                    const char *why)
{
    struct hhi_worker **grown;

    pthread_mutex_lock(&p->lock);
    p->losses = lost ? p->losses + 1 : 0;
    if (lost && p->losses >= HHI_POOL_MAX_LOSSES && !p->dead) {
        p->dead = true;
        snprintf(p->reason, sizeof(p->reason),
                 "%s (given up after %d workers lost in a row)", why, HHI_POOL_MAX_LOSSES);
    }
    if (keep && w->pid > 0 &&
        (grown = realloc(p->idle, (p->idle_count + 1) * sizeof(*grown))) != NULL) {
        p->idle = grown;
        p->idle[p->idle_count++] = w;
        w = NULL;
    }
    if (w != NULL)
        p->live--;
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
    if (w != NULL) {
        hhi_worker_reap(w, hhi_clock_ms() + 1000);
        worker_free(w);
    }
}

void hhi_pool_call(struct hhi_pool *p, struct hh_context *ctx, const struct hh_request *req,
                   int64_t deadline_ms, const char *timeout_text)
{
    char why[HH_MESSAGE_MAX], id[32];
    struct input_arg arg = { p->inputs, ctx->docs[HH_DOC_INPUT] };
    struct hhi_worker_input input = { NULL, input_text_of, &arg };
    struct hhi_worker *w = acquire(p, deadline_ms, timeout_text, why, sizeof(why));
    json_object *retire;

    if (w == NULL) {
        hhi_call_fail(ctx, "%s", why);
        return;
    }
    if (arg.doc != NULL) {
        /* The document's address names it: it lives as long as the evaluation. */
        snprintf(id, sizeof(id), "%" PRIxPTR, (uintptr_t)arg.doc);
        input.id = id;
    }
    hhi_frame_begin(&w->buf);
    hhi_proto_invoke(&w->buf, req, input.id);
    if (hhi_worker_exchange(w, deadline_ms, timeout_text, "in the middle of a call", &input,
                            why, sizeof(why)) == HHI_WORKER_OK &&
        (strcmp(hhi_proto_op(w->frame), "answer") != 0 ||
         hhi_proto_replay(w->frame, ctx, why, sizeof(why)) != 0)) {
        if (strcmp(hhi_proto_op(w->frame), "answer") != 0)
            snprintf(why, sizeof(why), "garbage answer: not an answer");
        hhi_worker_kill(w);
    }
    if (w->pid <= 0) {
        hhi_call_fail(ctx, "%s", why);
        release(p, w, false, true, why);
        return;
    }
    /* A worker whose CPU lifetime is used up retires: a new one next time. */
    retire = json_object_object_get(w->frame, "retire");
    release(p, w, !json_object_get_boolean(retire), false, NULL);
}

/* ------------------------------------------------------------- shutdown */

void hhi_pool_close(struct hhi_pool *p)
{
    size_t i;

    if (p == NULL)
        return;
    if (p->pending != NULL)
        hhi_worker_close(p->pending);
    for (i = 0; i < p->idle_count; i++)
        hhi_worker_close(p->idle[i]);
}

void hhi_pool_free(struct hhi_pool *p)
{
    int64_t deadline;
    size_t i;

    if (p == NULL)
        return;
    hhi_pool_close(p);
    /* destroy gets the hook's timeout, as a call does. */
    deadline = hhi_clock_ms() + p->spec.c.timeout_seconds * 1000LL;
    if (p->pending != NULL)
        hhi_worker_reap(p->pending, deadline);
    worker_free(p->pending);
    for (i = 0; i < p->idle_count; i++) {
        hhi_worker_reap(p->idle[i], deadline);
        worker_free(p->idle[i]);
    }
    free(p->idle);
    free(p->facts_text);
    free(p->config_text);
    free(p->exe);
    free(p->path);
    free(p->hook);
    pthread_cond_destroy(&p->freed);
    pthread_mutex_destroy(&p->lock);
    free(p);
}
