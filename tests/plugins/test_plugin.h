/*
 * Shared bits of the test-only plugins: an instance that holds the host
 * table, handlers for every target at PRE_PROVISION and a descriptor
 * initialiser.  Everything is static, so each plugin carries its own copy
 * and still exports only its entry function.
 */
#ifndef HOOKHOST_TESTS_TEST_PLUGIN_H
#define HOOKHOST_TESTS_TEST_PLUGIN_H

#include <stdlib.h>
#include <string.h>

#include <hookhost/plugin.h>

struct tp_instance {
    const struct hh_host_api *host;
};

static inline int32_t HH_CALL tp_create(hh_context *ctx, const struct hh_instance_args *args,
                                        void **out)
{
    struct tp_instance *inst = calloc(1, sizeof(*inst));

    (void)ctx;
    if (inst == NULL)
        return HH_ERR_NO_MEMORY;
    inst->host = args->host;
    *out = inst;
    return HH_OK;
}

static inline void HH_CALL tp_destroy(void *instance)
{
    free(instance);
}

static inline const struct hh_host_api *tp_host(void *instance)
{
    return ((const struct tp_instance *)instance)->host;
}

/* Answer with a NUL-terminated message (or none). */
static inline int32_t tp_answer(void *instance, hh_context *ctx, int32_t status,
                                int32_t error_code, const char *message)
{
    return tp_host(instance)->set_result(ctx, status, error_code, message,
                                         message != NULL ? strlen(message) : 0);
}

/* tp_targets and tp_handlers: every target type, PRE_PROVISION, every action. */
#define TP_HANDLERS                                                    \
    static const char *const tp_targets[] = { "*" };                   \
    static const struct hh_handler tp_handlers[] = {                   \
        { HH_POINT_PRE_PROVISION, HH_ACTION_CREATE, tp_targets, 1 },   \
        { HH_POINT_PRE_PROVISION, HH_ACTION_UPDATE, tp_targets, 1 },   \
        { HH_POINT_PRE_PROVISION, HH_ACTION_DELETE, tp_targets, 1 },   \
    }

#define TP_HANDLER_COUNT (sizeof(tp_handlers) / sizeof(tp_handlers[0]))

/* Initialiser of the members of struct hh_plugin after abi. */
#define TP_MEMBERS(TYPE_NAME, SCHEMA, CREATE, DESTROY, INVOKE)                   \
    TYPE_NAME, "0.1.0", "hookhost test plugin", HH_FAILURE_MODE_FAIL, 0u, SCHEMA, \
        tp_handlers, TP_HANDLER_COUNT, sizeof(struct hh_handler), CREATE, DESTROY, \
        INVOKE, NULL

/* A whole plugin around one invoke function. */
#define TP_SIMPLE_PLUGIN(TYPE_NAME, INVOKE)                                  \
    TP_HANDLERS;                                                             \
    static const struct hh_plugin tp_descriptor = {                          \
        HH_ABI_INIT(struct hh_plugin),                                       \
        TP_MEMBERS(TYPE_NAME, NULL, tp_create, tp_destroy, INVOKE)           \
    };                                                                       \
    HH_PLUGIN_DEFINE(tp_descriptor)

#endif
