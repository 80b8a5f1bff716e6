/*
 * Keeps the contract: answers IN_PROGRESS twice, carrying a step counter in
 * its callback context, then SUCCESS.  It reads the counter back through
 * get_value(HH_DOC_CALLBACK_CONTEXT, "/step") and cross-checks it with the
 * request; any inconsistency is answered FAILED/InternalFailure with the
 * reason, so that the test sees it.
 */
#include "config.h"

#include <stdio.h>

#include "test_plugin.h"

/* The step of this invocation (0 on the first), or -1 with *why set. */
static int64_t read_step(const struct hh_host_api *host, hh_context *ctx,
                         const struct hh_request *req, const char **why)
{
    struct hh_value v;
    int32_t rc;

    memset(&v, 0, sizeof(v));
    v.abi = (struct hh_abi)HH_ABI_INIT(struct hh_value);
    rc = host->get_value(ctx, HH_DOC_CALLBACK_CONTEXT, "/step", &v);
    if (rc == HH_ERR_NOT_FOUND) {
        if (req->callback_context != NULL || req->invocation_count != 1)
            return *why = "no callback context document on a re-invocation", -1;
        return 0;
    }
    if (rc != HH_OK || v.type != HH_VALUE_INTEGER)
        return *why = "callback context /step unreadable or not an integer", -1;
    if (req->callback_context == NULL ||
        strstr(req->callback_context, "\"step\"") == NULL ||
        strlen(req->callback_context) != req->callback_context_length)
        return *why = "request callback_context does not match the document", -1;
    if ((int64_t)req->invocation_count != v.integer + 1)
        return *why = "invocation_count does not follow the step", -1;
    return v.integer;
}

static void HH_CALL twice_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    const struct hh_host_api *host = tp_host(instance);
    const char *why = NULL;
    int64_t step = read_step(host, ctx, req, &why);
    char text[64];
    int n;

    if (step < 0) {
        tp_answer(instance, ctx, HH_STATUS_FAILED, HH_ERROR_INTERNAL_FAILURE, why);
        return;
    }
    if (step >= 2) {
        tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, "done at step 2");
        return;
    }
    n = snprintf(text, sizeof(text), "{\"step\":%d}", (int)step + 1);
    if (host->set_callback(ctx, text, (size_t)n, 0) != HH_OK) {
        tp_answer(instance, ctx, HH_STATUS_FAILED, HH_ERROR_INTERNAL_FAILURE,
                  "set_callback refused");
        return;
    }
    tp_answer(instance, ctx, HH_STATUS_IN_PROGRESS, HH_ERROR_NONE, "working");
}

TP_SIMPLE_PLUGIN("Test::Contract::InProgressTwice", twice_invoke)
