#include "config.h"

#include "evaluate.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "input.h"
#include "isolation_call.h"
#include "redact.h"

void hhi_eval_options_init(struct hhi_eval_options *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->max_in_progress = HHI_DEFAULT_MAX_IN_PROGRESS;
    opts->max_hooks_per_resource = HHI_DEFAULT_MAX_HOOKS_PER_RESOURCE;
    opts->budget_seconds = HHI_DEFAULT_BUDGET;
}

const char *hhi_verdict_name(enum hhi_verdict v)
{
    switch (v) {
    case HHI_VERDICT_FAIL: return "FAIL";
    case HHI_VERDICT_WARN: return "WARN";
    default: return "PASS";
    }
}

const char *hhi_result_hook_status(const struct hhi_result *r)
{
    if (r->status == HH_STATUS_SUCCESS)
        return "HOOK_COMPLETE_SUCCEEDED";
    return r->hook_failed ? "HOOK_FAILED" : "HOOK_COMPLETE_FAILED";
}

/* ------------------------------------------------------------- one range */

/* What one thread works on and produces. */
/* Each operation's properties as JSON text, serialised once for all hooks. */
struct op_text {
    const char *props;
    size_t props_len;
    const char *previous;
    size_t previous_len;
    const char *outputs;
    size_t outputs_len;
    const char *previous_outputs;
    size_t previous_outputs_len;
    size_t first_result;   /* where this operation's results go */
};

struct worker {
    const struct hhi_hookset *set;
    const struct hhi_change_set *cs;
    const struct op_text *texts;
    const struct hhi_match_index *index;
    const struct hhi_eval_options *opts;
    size_t first, last;          /* operations [first, last) */
    struct hhi_result *results;  /* the whole evaluation's, sized in advance */
    struct hhi_arena arena;      /* this thread's messages */
    struct hhi_error err;
    int rc;
    atomic_uint *finished;       /* workers done, when the caller polls progress */
    const struct hhi_budget *budget; /* the evaluation's time */
};

static const char *json_text(json_object *v, size_t *len)
{
    const char *s;

    *len = 0;
    if (v == NULL)
        return NULL;
    /* The text stays in the object's own buffer until it is serialised again. */
    s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (s != NULL)
        *len = strlen(s);
    return s;
}

/* The request of one operation, shared by all its hooks. */
struct op_request {
    struct hh_request req;
    const struct hhi_operation *op;
};

static void op_request_init(struct op_request *r, const struct hhi_operation *op,
                            const struct op_text *text, const struct hhi_eval_options *opts)
{
    memset(r, 0, sizeof(*r));
    r->req.abi = (struct hh_abi)HH_ABI_INIT(struct hh_request);
    r->req.target_type = op->target_type;
    r->req.logical_id = op->logical_id;
    r->req.stack_name = op->stack_name != NULL   ? op->stack_name
                        : opts->stack.name != NULL ? opts->stack.name
                                                   : "";
    r->req.action = op->action;
    r->req.invocation_point = op->point;
    r->req.properties = text->props;
    r->req.properties_length = text->props_len;
    r->req.previous_properties = text->previous;
    r->req.previous_properties_length = text->previous_len;
    r->req.outputs = text->outputs;
    r->req.outputs_length = text->outputs_len;
    r->req.previous_outputs = text->previous_outputs;
    r->req.previous_outputs_length = text->previous_outputs_len;
    r->req.physical_id = op->physical_id;
    r->req.input_format = op->input != NULL ? op->input_format : NULL;
    r->req.input_pointer = op->input != NULL ? op->input_pointer : NULL;
    r->op = op;
}

/* In-process or in a worker, within the hook's timeout and the budget. */
static void call_plugin(struct hhi_hook *hook, struct hh_context *ctx,
                        const struct hh_request *req, const struct hhi_budget *budget)
{
    hhi_hook_call(hook, ctx, req, budget);
}

static void sleep_seconds(uint32_t s)
{
    struct timespec ts;

    ts.tv_sec = s > HHI_MAX_CALLBACK_DELAY ? HHI_MAX_CALLBACK_DELAY : s;
    ts.tv_nsec = 0;
    while (nanosleep(&ts, &ts) != 0)
        ;
}

/* Prepare the re-invocation: the callback context becomes a document. */
static int prepare_callback(struct hh_context *ctx, struct hh_request *req,
                            json_object **callback_doc)
{
    struct hhi_error ignored = { 0, "" };

    json_object_put(*callback_doc);
    *callback_doc = NULL;
    if (ctx->callback != NULL && ctx->callback_len > 0 &&
        hhi_json_parse("callback context", ctx->callback, ctx->callback_len, callback_doc,
                       &ignored) != HHI_OK)
        return -1;
    sleep_seconds(ctx->callback_delay);
    return 0;
}

/* Run one hook on one operation, re-invoking while it answers IN_PROGRESS. */
static void invoke_hook(struct hhi_hook *hook, const struct op_request *opreq,
                        const struct hhi_eval_options *opts, const struct hhi_budget *budget,
                        struct hh_context *ctx, struct hhi_result *r, char *callback_copy,
                        size_t cap)
{
    struct hh_request req = opreq->req;
    json_object *callback_doc = NULL;

    req.hook_type_name = hook->name;
    if (!hhi_budget_allows_start(budget, ctx)) {
        r->invocations = 0; /* not run at all */
        return;
    }
    for (r->invocations = 1;; r->invocations++) {
        hhi_context_reset(ctx);
        ctx->hook_name = hook->name;
        ctx->docs[HH_DOC_PROPERTIES] = opreq->op->properties;
        ctx->docs[HH_DOC_PREVIOUS_PROPERTIES] = opreq->op->previous;
        ctx->docs[HH_DOC_OUTPUTS] = opreq->op->outputs;
        ctx->docs[HH_DOC_PREVIOUS_OUTPUTS] = opreq->op->previous_outputs;
        ctx->docs[HH_DOC_INPUT] = opreq->op->input;
        ctx->docs[HH_DOC_CONFIGURATION] = hook->config.properties;
        ctx->docs[HH_DOC_CALLBACK_CONTEXT] = callback_doc;
        ctx->sensitive = opreq->op->sensitive;
        req.invocation_count = r->invocations;
        call_plugin(hook, ctx, &req, budget);
        if (!ctx->answered || ctx->broken || ctx->status != HH_STATUS_IN_PROGRESS ||
            r->invocations > opts->max_in_progress)
            break;
        /* The wait counts against the budget. */
        if (!hhi_budget_allows_wait(budget, ctx->callback_delay < HHI_MAX_CALLBACK_DELAY
                                                ? ctx->callback_delay : HHI_MAX_CALLBACK_DELAY,
                                    ctx))
            break;
        if (prepare_callback(ctx, &req, &callback_doc) != 0) {
            ctx->broken = true;
            snprintf(ctx->broken_reason, sizeof(ctx->broken_reason),
                     "answered IN_PROGRESS with a callback context that is not JSON");
            break;
        }
        /* The context is reset on the next call: keep its text for the request. */
        req.callback_context_length = ctx->callback_len < cap ? ctx->callback_len : 0;
        if (ctx->callback != NULL && req.callback_context_length > 0)
            memcpy(callback_copy, ctx->callback, req.callback_context_length);
        callback_copy[req.callback_context_length] = '\0';
        req.callback_context = req.callback_context_length ? callback_copy : NULL;
    }
    json_object_put(callback_doc);
}

/* Turn the context's answer into the result, judging contract breaches. */
static void judge(struct hh_context *ctx, const struct hhi_eval_options *opts,
                  struct hhi_result *r, char *buf, size_t cap)
{
    r->status = HH_STATUS_FAILED;
    r->error_code = HH_ERROR_HANDLER_INTERNAL_FAILURE;
    r->hook_failed = true;
    if (!ctx->answered) {
        snprintf(buf, cap, "hook broke the contract: returned without an answer");
    } else if (ctx->broken) {
        snprintf(buf, cap, "hook broke the contract: %s%s%s", ctx->broken_reason,
                 ctx->message_len ? ": " : "", ctx->message);
    } else if (ctx->status == HH_STATUS_IN_PROGRESS) {
        snprintf(buf, cap, "hook still IN_PROGRESS after %u re-invocations%s%s",
                 opts->max_in_progress, ctx->message_len ? ": " : "", ctx->message);
    } else {
        r->status = ctx->status;
        r->error_code = ctx->error_code;
        r->hook_failed = ctx->status == HH_STATUS_FAILED &&
                         ctx->error_code != HH_ERROR_NON_COMPLIANT;
        snprintf(buf, cap, "%s", ctx->message);
    }
}

/* The texts of an annotation, redacted where they quote a sensitive value. */
static int redact_annotation(struct hhi_annotation *a, json_object *sensitive)
{
    int rc = hhi_redact_owned(&a->name, sensitive);

    if (rc == HHI_OK)
        rc = hhi_redact_owned(&a->status_message, sensitive);
    if (rc == HHI_OK)
        rc = hhi_redact_owned(&a->remediation_message, sensitive);
    if (rc == HHI_OK)
        rc = hhi_redact_owned(&a->remediation_link, sensitive);
    return rc;
}

/* Keep the message (redacted: no sensitive value is ever kept) in the arena. */
static const char *keep_message(struct worker *w, const struct hhi_operation *op,
                                const char *msg)
{
    char *redacted = NULL;
    const char *kept;
    size_t len = strlen(msg);

    if (len == 0)
        return "";
    if (op->sensitive != NULL && hhi_redact(&redacted, &len, msg, len, op->sensitive) != HHI_OK)
        return NULL;
    kept = hhi_arena_strndup(&w->arena, redacted != NULL ? redacted : msg, len);
    free(redacted);
    return kept;
}

static int record(struct worker *w, struct hhi_hook *hook, const struct hhi_operation *op,
                  struct hh_context *ctx, struct hhi_result *r)
{
    char msg[HH_MESSAGE_MAX + 256];
    size_t i;

    judge(ctx, w->opts, r, msg, sizeof(msg));
    r->op = op;
    r->hook = hook;
    r->failure_mode = hook->config.failure_mode;
    hhi_context_take_annotations(ctx, &r->annotations, &r->annotation_count);
    r->message = keep_message(w, op, msg);
    if (r->message == NULL)
        return hhi_error_set(&w->err, HHI_ENOMEM, "out of memory");
    for (i = 0; op->sensitive != NULL && i < r->annotation_count; i++) {
        if (redact_annotation(&r->annotations[i], op->sensitive) != HHI_OK)
            return hhi_error_set(&w->err, HHI_ENOMEM, "out of memory");
    }
    return HHI_OK;
}

static int run_operation(struct worker *w, const struct hhi_operation *op,
                         struct hh_context *ctx, char *callback_copy, size_t cap)
{
    struct hhi_hook_list list = hhi_match_index_lookup(w->index, op->target_type, op->point,
                                                       op->action);
    const struct op_text *text = &w->texts[op - w->cs->ops];
    struct op_request opreq;
    size_t i;
    int rc;

    if (list.count == 0)
        return HHI_OK;
    op_request_init(&opreq, op, text, w->opts);
    for (i = 0; i < list.count; i++) {
        struct hhi_result *r = &w->results[text->first_result + i];

        invoke_hook(list.hooks[i], &opreq, w->opts, w->budget, ctx, r, callback_copy, cap);
        rc = record(w, list.hooks[i], op, ctx, r);
        if (rc != HHI_OK)
            return rc;
    }
    return HHI_OK;
}

#define HHI_CALLBACK_COPY (64 * 1024 + 1)

static void *run_range(void *arg)
{
    struct worker *w = arg;
    struct hh_context ctx;
    char *callback_copy = malloc(HHI_CALLBACK_COPY);
    size_t i;

    w->rc = HHI_OK;
    if (callback_copy == NULL) {
        w->rc = hhi_error_set(&w->err, HHI_ENOMEM, "out of memory");
        return NULL;
    }
    hhi_context_init(&ctx, "", &w->set->log);
    for (i = w->first; i < w->last && w->rc == HHI_OK; i++) {
        w->rc = run_operation(w, &w->cs->ops[i], &ctx, callback_copy, HHI_CALLBACK_COPY);
        if (w->opts->progress != NULL)
            hhi_progress_add(w->opts->progress);
    }
    hhi_context_release(&ctx);
    free(callback_copy);
    if (w->finished != NULL)
        atomic_fetch_add_explicit(w->finished, 1, memory_order_release);
    return NULL;
}

/* ------------------------------------------------------------- the whole */

static unsigned thread_count(const struct hhi_eval_options *opts, size_t ops)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned n = opts->jobs ? opts->jobs : (cpus > 0 ? (unsigned)cpus : 1);

    if (n > 256)
        n = 256;
    /* Threads only pay off with enough operations to share. */
    if ((size_t)n > ops / 64 + 1)
        n = (unsigned)(ops / 64 + 1);
    return n;
}

static void summarise(struct hhi_evaluation *ev, const struct hhi_change_set *cs)
{
    struct hhi_summary *s = &ev->summary;
    const struct hhi_operation *last = NULL;
    size_t i;

    memset(s, 0, sizeof(*s));
    s->operations = cs->count;
    s->invocations = ev->count;
    for (i = 0; i < ev->count; i++) {
        const struct hhi_result *r = &ev->results[i];

        if (r->op != last)
            s->operations_judged++;
        last = r->op;
        if (r->status == HH_STATUS_SUCCESS) {
            s->succeeded++;
            continue;
        }
        if (r->failure_mode == HH_FAILURE_MODE_WARN)
            s->warned++;
        else
            s->failed++;
        if (r->hook_failed)
            s->hook_failures++;
        else
            s->non_compliant++;
    }
    s->verdict = s->failed ? HHI_VERDICT_FAIL : s->warned ? HHI_VERDICT_WARN : HHI_VERDICT_PASS;
}

static int prepare_operation(struct hhi_match_index *index, const struct hhi_operation *op,
                             const struct hhi_eval_options *opts, struct op_text *text,
                             size_t *results, struct hhi_error *err)
{
    struct hhi_hook_list list;
    int rc = hhi_match_index_add(index, op->target_type, err);

    if (rc != HHI_OK)
        return rc;
    list = hhi_match_index_lookup(index, op->target_type, op->point, op->action);
    /* Guard at invocation time too, before any hook runs. */
    if (list.count > opts->max_hooks_per_resource)
        return hhi_error_set(err, HHI_EQUOTA,
                             "%s: %s (%s): %zu hooks match, more than the quota of %zu per resource",
                             op->source, op->logical_id, op->target_type, list.count,
                             opts->max_hooks_per_resource);
    text->first_result = *results;
    *results += list.count;
    if (list.count > 0) {
        text->props = json_text(op->properties, &text->props_len);
        text->previous = json_text(op->previous, &text->previous_len);
        text->outputs = json_text(op->outputs, &text->outputs_len);
        text->previous_outputs = json_text(op->previous_outputs, &text->previous_outputs_len);
        /* A document json-c could not serialise (out of memory) is no empty one. */
        if ((op->properties != NULL && text->props == NULL) ||
            (op->previous != NULL && text->previous == NULL) ||
            (op->outputs != NULL && text->outputs == NULL) ||
            (op->previous_outputs != NULL && text->previous_outputs == NULL))
            return hhi_error_set(err, HHI_ENOMEM, "%s: %s: out of memory", op->source,
                                 op->logical_id);
    }
    return HHI_OK;
}

/*
 * One pass before the threads start: every type indexed, every operation's
 * properties serialised and its results' place known, so the threads only
 * read shared data and write their own slots.
 */
static int prepare(struct hhi_match_index *index, const struct hhi_change_set *cs,
                   const struct hhi_eval_options *opts, struct op_text **texts,
                   struct hhi_evaluation *ev, struct hhi_error *err)
{
    size_t i, results = 0;
    int rc;

    *texts = calloc(cs->count + 1, sizeof(**texts));
    if (*texts == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    for (i = 0; i < cs->count; i++) {
        rc = prepare_operation(index, &cs->ops[i], opts, &(*texts)[i], &results, err);
        if (rc != HHI_OK)
            return rc;
    }
    ev->results = calloc(results + 1, sizeof(*ev->results));
    if (ev->results == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory for %zu results", results);
    ev->count = ev->cap = results;
    return HHI_OK;
}

/* Redraw the progress line until every worker is done. */
static void watch_progress(struct hhi_progress *progress, const atomic_uint *finished,
                           unsigned n)
{
    const struct timespec tick = { 0, 50 * 1000 * 1000 };

    while (atomic_load_explicit(finished, memory_order_acquire) < n) {
        hhi_progress_poll(progress);
        nanosleep(&tick, NULL);
    }
}

/*
 * Run the workers on threads; without progress the calling thread takes
 * the first range, with it the calling thread only watches.
 */
static int run_workers(struct worker *w, unsigned n, struct hhi_progress *progress,
                       const atomic_uint *finished)
{
    pthread_t *threads = calloc(n, sizeof(*threads));
    unsigned i, first = progress != NULL ? 0 : 1, end;

    if (threads == NULL)
        return -1;
    for (end = first; end < n; end++) {
        if (pthread_create(&threads[end], NULL, run_range, &w[end]) != 0)
            break;
    }
    /* Whatever could not get a thread runs here. */
    for (i = end; i < n; i++)
        run_range(&w[i]);
    if (first == 1)
        run_range(&w[0]);
    else
        watch_progress(progress, finished, n);
    for (i = first; i < end; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    return 0;
}

/*
 * The stack the stack filters see: --stack-name, else the one the input
 * names (a change set's StackName), else none.
 */
static const struct hhi_stack *run_stack(const struct hhi_eval_options *opts,
                                         const struct hhi_change_set *cs,
                                         struct hhi_stack *stack)
{
    size_t i;

    *stack = opts->stack;
    for (i = 0; stack->name == NULL && i < cs->count; i++)
        stack->name = cs->ops[i].stack_name;
    return stack;
}

int hhi_evaluate(struct hhi_evaluation *out, const struct hhi_hookset *set,
                 const struct hhi_change_set *cs, const struct hhi_eval_options *opts,
                 struct hhi_error *err)
{
    struct hhi_match_index *index = NULL;
    struct op_text *texts = NULL;
    struct hhi_stack stack;
    struct worker *w = NULL;
    unsigned n = thread_count(opts, cs->count), i;
    struct hhi_budget budget;
    atomic_uint finished;
    int rc;

    memset(out, 0, sizeof(*out));
    rc = hhi_match_index_new(&index, set, run_stack(opts, cs, &stack), err);
    if (rc == HHI_OK)
        rc = prepare(index, cs, opts, &texts, out, err);
    if (rc == HHI_OK && (w = calloc(n, sizeof(*w))) == NULL)
        rc = hhi_error_set(err, HHI_ENOMEM, "out of memory");
    if (rc != HHI_OK)
        goto done;
    for (i = 0; i < n; i++) {
        w[i] = (struct worker){ set, cs, texts, index, opts, cs->count * i / n,
                                cs->count * (i + 1) / n, out->results, { NULL },
                                { 0, "" }, 0, &finished, &budget };
    }
    hhi_budget_start(&budget, opts->budget_seconds);
    atomic_init(&finished, 0);
    if (run_workers(w, n, opts->progress, &finished) != 0)
        rc = hhi_error_set(err, HHI_ENOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        if (rc == HHI_OK && w[i].rc != HHI_OK)
            rc = hhi_error_set(err, w[i].rc, "%s", w[i].err.message);
        hhi_arena_adopt(&out->arena, &w[i].arena);
    }
    summarise(out, cs);
done:
    free(w);
    free(texts);
    hhi_match_index_free(index);
    return rc;
}

void hhi_evaluation_release(struct hhi_evaluation *ev)
{
    size_t i;

    for (i = 0; i < ev->count; i++)
        hhi_annotations_free(ev->results[i].annotations, ev->results[i].annotation_count);
    free(ev->results);
    hhi_arena_release(&ev->arena);
    memset(ev, 0, sizeof(*ev));
}
