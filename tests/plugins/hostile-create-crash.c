/* Dies of SIGSEGV in create: no instance can ever be made. */
#include "config.h"

#include "hostile.h"

static int32_t HH_CALL crash_create(hh_context *ctx, const struct hh_instance_args *args,
                                    void **out)
{
    (void)ctx;
    (void)args;
    (void)out;
    hp_crash();
    return HH_ERR_FAILED;
}

static void HH_CALL crash_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    (void)req;
    tp_answer(instance, ctx, HH_STATUS_SUCCESS, HH_ERROR_NONE, "never reached");
}

TP_HANDLERS;

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    TP_MEMBERS("Test::Hostile::CreateCrash", NULL, crash_create, tp_destroy, crash_invoke)
};

HH_PLUGIN_DEFINE(descriptor)
