/*
 * A plugin built against a future ABI 1.7: its descriptor is larger than
 * the host's struct hh_plugin and has members the host does not know, and
 * so are its handlers (handler_size says how large).  It must load
 * (append-only forward compatibility), the unknown members ignored.
 */
#include "config.h"

#include "test_plugin.h"

/* struct hh_plugin as ABI 1.7 might have it: 1.0's members, then more. */
struct hh_plugin_1_7 {
    struct hh_plugin v1_0;
    const char *documentation_url;
    uint64_t future_flags;
    int32_t(HH_CALL *future_callback)(void *instance, uint32_t what);
};

/* struct hh_handler of ABI 1.7: 1.0's members, then more. */
struct hh_handler_1_7 {
    struct hh_handler v1_0;
    uint64_t future_filter;
    const char *future_note;
};

static void HH_CALL future_invoke(void *instance, hh_context *ctx,
                                  const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, "from the future");
}

static int32_t HH_CALL future_callback(void *instance, uint32_t what)
{
    (void)instance;
    (void)what;
    abort(); /* a host of ABI 1.0 cannot know about it */
}

static const char *const any[] = { "*" };
static const char *const s3[] = { "AWS::S3::*" };

/* A host that strode over these by its own sizeof would misread the second. */
static const struct hh_handler_1_7 handlers[] = {
    { { HH_POINT_PRE_PROVISION, HH_ACTION_CREATE, any, 1 }, 0xffffffffffffffffu, "one" },
    { { HH_POINT_PRE_PROVISION, HH_ACTION_DELETE, s3, 1 }, 0xffffffffffffffffu, "two" },
};

static const struct hh_plugin_1_7 descriptor = {
    {
        { HH_ABI_MAJOR, 7, (uint32_t)sizeof(struct hh_plugin_1_7) },
        "Test::Abi::FutureMinor",
        "1.7.0",
        "a plugin of ABI 1.7",
        HH_FAILURE_MODE_WARN,
        0u,
        NULL,
        &handlers[0].v1_0,
        sizeof(handlers) / sizeof(handlers[0]),
        sizeof(struct hh_handler_1_7),
        tp_create,
        tp_destroy,
        future_invoke,
        NULL,
    },
    "https://example.com/future",
    0xffffffffffffffffu,
    future_callback,
};

HH_PLUGIN_DEFINE(descriptor.v1_0)
