/*
 * A plugin of ABI major 2: its descriptor says so.  The host must refuse it
 * before calling anything in it, so every function here aborts.
 */
#include "config.h"

#include "test_plugin.h"

static int32_t HH_CALL never_create(hh_context *ctx, const struct hh_instance_args *args,
                                    void **out)
{
    (void)ctx;
    (void)args;
    (void)out;
    abort();
}

static void HH_CALL never_destroy(void *instance)
{
    (void)instance;
    abort();
}

static void HH_CALL never_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    (void)instance;
    (void)ctx;
    (void)req;
    abort();
}

TP_HANDLERS;

static const struct hh_plugin descriptor = {
    { 2, 0, (uint32_t)sizeof(struct hh_plugin) },
    TP_MEMBERS("Test::Abi::MajorTwo", NULL, never_create, never_destroy, never_invoke)
};

HH_PLUGIN_DEFINE(descriptor)
