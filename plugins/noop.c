/*
 * Hookhost::Bench::NoOp: answers SUCCESS to everything, reading nothing.
 * It measures what the host itself costs per invocation.
 */
#include "config.h"

#include <hookhost/plugin.h>

#include "plugin_util.h"

static void HH_CALL noop_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    const struct hh_host_api *host = ((const struct pu_instance *)instance)->host;

    (void)req;
    host->set_result(ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, NULL, 0);
}

static const char *const targets[] = { "*" };

static const struct hh_handler handlers[] = {
    { HH_POINT_PRE_PROVISION, HH_ACTION_CREATE, targets, 1 },
    { HH_POINT_PRE_PROVISION, HH_ACTION_UPDATE, targets, 1 },
    { HH_POINT_PRE_PROVISION, HH_ACTION_DELETE, targets, 1 },
    { HH_POINT_POST_PROVISION, HH_ACTION_CREATE, targets, 1 },
    { HH_POINT_POST_PROVISION, HH_ACTION_UPDATE, targets, 1 },
    { HH_POINT_POST_PROVISION, HH_ACTION_DELETE, targets, 1 },
};

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    "Hookhost::Bench::NoOp",
    "1.0.0",
    "Answers SUCCESS for every target, action and invocation point without reading "
    "anything; for benchmarking the host.",
    HH_FAILURE_MODE_FAIL,
    HH_PLUGIN_FLAG_CONCURRENT,
    "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}",
    handlers,
    sizeof(handlers) / sizeof(handlers[0]),
    sizeof(struct hh_handler),
    pu_instance_create,
    pu_instance_destroy,
    noop_invoke,
    NULL,
};

HH_PLUGIN_DEFINE(descriptor)
