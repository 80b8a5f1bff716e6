/*
 * Calling a hook within its time: the hook's timeout per invocation and
 * the evaluation's total budget (kubernetes#128162: per-hook timeouts that
 * add up need a bound of their own).  A process-isolated hook is killed
 * when its time is up; an in-process hook can only be judged late once it
 * returns.
 */
#ifndef HOOKHOST_HOST_ISOLATION_CALL_H
#define HOOKHOST_HOST_ISOLATION_CALL_H

#include <stdbool.h>
#include <stdint.h>

#include <hookhost/plugin.h>

#include "hookset.h"
#include "services.h"

/* The total time of one evaluation. */
#define HHI_DEFAULT_BUDGET 300
#define HHI_BUDGET_MAX 86400

struct hhi_budget {
    unsigned seconds;      /* 0: none */
    int64_t deadline_ms;   /* on the monotonic clock */
};

/* Start the clock now. */
void hhi_budget_start(struct hhi_budget *b, unsigned seconds);

/* Milliseconds left (INT64_MAX without a budget). */
int64_t hhi_budget_left_ms(const struct hhi_budget *b);

/* Answer ctx FAILED/HandlerInternalFailure with the message (what happened to the call). */
void hhi_call_fail(struct hh_context *ctx, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/*
 * Before a hook runs on a target: false, with ctx answered "not run: the
 * evaluation budget of N s ran out", when none is left.
 */
bool hhi_budget_allows_start(const struct hhi_budget *b, struct hh_context *ctx);

/*
 * Before waiting delay_seconds to re-invoke an IN_PROGRESS hook: the wait
 * counts against the budget; false, with ctx answered, when it would pass it.
 */
bool hhi_budget_allows_wait(const struct hhi_budget *b, uint32_t delay_seconds,
                            struct hh_context *ctx);

/*
 * One call of the hook's plugin, answered in ctx, within the hook's
 * timeout capped at what is left of the budget.
 */
void hhi_hook_call(struct hhi_hook *hook, struct hh_context *ctx, const struct hh_request *req,
                   const struct hhi_budget *budget);

#endif
