/*
 * Evaluation: every operation of a change set, every matching hook, in
 * order; the results and their verdict.  Operations are split into
 * contiguous ranges across threads; results keep operation order.
 */
#ifndef HOOKHOST_HOST_EVALUATE_H
#define HOOKHOST_HOST_EVALUATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "change_set.h"
#include "error.h"
#include "hookset.h"
#include "match_index.h"
#include "progress.h"
#include "services.h"

/* CloudFormation lets a hook answer IN_PROGRESS at most 3 times. */
#define HHI_DEFAULT_MAX_IN_PROGRESS 3
/* Longest callback delay honoured for one re-invocation, in seconds. */
#define HHI_MAX_CALLBACK_DELAY 300

enum hhi_verdict { HHI_VERDICT_PASS = 0, HHI_VERDICT_WARN = 1, HHI_VERDICT_FAIL = 2 };

struct hhi_result {
    const struct hhi_operation *op;
    const struct hhi_hook *hook;
    int32_t status;              /* HH_STATUS_SUCCESS or HH_STATUS_FAILED */
    int32_t error_code;          /* HH_ERROR_* */
    int32_t failure_mode;        /* of the hook for this run */
    bool hook_failed;            /* FAILED because the hook could not judge */
    uint32_t invocations;        /* calls made, re-invocations included */
    const char *message;         /* "" when none; lives in the evaluation */
    struct hhi_annotation *annotations;
    size_t annotation_count;
};

struct hhi_summary {
    size_t operations;           /* operations read */
    size_t operations_judged;    /* with at least one hook */
    size_t invocations;          /* results */
    size_t succeeded;
    size_t failed;               /* FAILED under FailureMode FAIL: denies */
    size_t warned;               /* FAILED under FailureMode WARN */
    size_t non_compliant;        /* FAILED with NonCompliant */
    size_t hook_failures;        /* FAILED because a hook broke or errored */
    enum hhi_verdict verdict;
};

struct hhi_evaluation {
    struct hhi_result *results;
    size_t count;
    size_t cap;
    struct hhi_arena arena;      /* messages */
    struct hhi_summary summary;
};

struct hhi_eval_options {
    struct hhi_stack stack;
    unsigned jobs;               /* threads; 0 = one per online CPU */
    unsigned max_in_progress;
    size_t max_hooks_per_resource;
    unsigned budget_seconds;     /* the evaluation's total time (--budget); 0: none */
    struct hhi_progress *progress; /* counts finished operations, or NULL; with it
                                      the calling thread only polls and draws it */
};

void hhi_eval_options_init(struct hhi_eval_options *opts);

/*
 * Evaluate every operation of cs with the hooks of set.  Hook failures are
 * results, not errors; an error return means the evaluation itself could
 * not be done (out of memory, a quota).  Release *out in every case.
 */
int hhi_evaluate(struct hhi_evaluation *out, const struct hhi_hookset *set,
                 const struct hhi_change_set *cs, const struct hhi_eval_options *opts,
                 struct hhi_error *err);

void hhi_evaluation_release(struct hhi_evaluation *ev);

const char *hhi_verdict_name(enum hhi_verdict v);

/* HOOK_COMPLETE_SUCCEEDED, HOOK_COMPLETE_FAILED or HOOK_FAILED. */
const char *hhi_result_hook_status(const struct hhi_result *r);

#endif
