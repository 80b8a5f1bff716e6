#include "config.h"

#include "isolation_call.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "channel.h"
#include "worker_pool.h"

void hhi_budget_start(struct hhi_budget *b, unsigned seconds)
{
    b->seconds = seconds;
    b->deadline_ms = seconds > 0 ? hhi_clock_ms() + (int64_t)seconds * 1000 : INT64_MAX;
}

int64_t hhi_budget_left_ms(const struct hhi_budget *b)
{
    if (b == NULL || b->seconds == 0)
        return INT64_MAX;
    return b->deadline_ms - hhi_clock_ms();
}

void hhi_call_fail(struct hh_context *ctx, const char *fmt, ...)
{
    va_list ap;
    int n;

    hhi_context_reset(ctx);
    ctx->answered = true;
    ctx->status = HH_STATUS_FAILED;
    ctx->error_code = HH_ERROR_HANDLER_INTERNAL_FAILURE;
    va_start(ap, fmt);
    n = vsnprintf(ctx->message, sizeof(ctx->message), fmt, ap);
    va_end(ap);
    ctx->message_len = n < 0 ? 0 : (size_t)n < sizeof(ctx->message) ? (size_t)n
                                                                        : sizeof(ctx->message) - 1;
}

bool hhi_budget_allows_start(const struct hhi_budget *b, struct hh_context *ctx)
{
    if (hhi_budget_left_ms(b) > 0)
        return true;
    hhi_call_fail(ctx, "not run: the evaluation budget of %u s ran out", b->seconds);
    return false;
}

bool hhi_budget_allows_wait(const struct hhi_budget *b, uint32_t delay_seconds,
                            struct hh_context *ctx)
{
    if ((int64_t)delay_seconds * 1000 < hhi_budget_left_ms(b))
        return true;
    hhi_call_fail(ctx, "not re-invoked: waiting %u s to re-invoke it would pass the evaluation "
                  "budget of %u s", delay_seconds, b->seconds);
    return false;
}

/* In this process: the call cannot be stopped, only judged late when it returns. */
static void call_in_process(struct hhi_hook *hook, struct hh_context *ctx,
                            const struct hh_request *req, int64_t limit_ms,
                            const char *timeout_text)
{
    int64_t start = hhi_clock_ms(), took;

    if (hook->serialize)
        pthread_mutex_lock(&hook->lock);
    hook->plugin->desc.invoke(hook->instance, ctx, req);
    if (hook->serialize)
        pthread_mutex_unlock(&hook->lock);
    took = hhi_clock_ms() - start;
    if (took > limit_ms)
        hhi_call_fail(ctx, "%s (an in-process hook cannot be stopped: it returned after %.1f s)",
                      timeout_text, (double)took / 1000.0);
}

void hhi_hook_call(struct hhi_hook *hook, struct hh_context *ctx, const struct hh_request *req,
                   const struct hhi_budget *budget)
{
    int64_t left = hhi_budget_left_ms(budget);
    int64_t limit = (int64_t)hook->containment.timeout_seconds * 1000;
    char timeout_text[160];

    if (!hhi_budget_allows_start(budget, ctx))
        return;
    if (left < limit) {
        limit = left;
        snprintf(timeout_text, sizeof(timeout_text),
                 "timed out after %.1f s: the evaluation budget of %u s ran out",
                 (double)left / 1000.0, budget->seconds);
    } else {
        snprintf(timeout_text, sizeof(timeout_text), "timed out after %u s",
                 hook->containment.timeout_seconds);
    }
    if (hook->pool != NULL)
        hhi_pool_call(hook->pool, ctx, req, hhi_clock_ms() + limit, timeout_text);
    else
        call_in_process(hook, ctx, req, limit, timeout_text);
}
