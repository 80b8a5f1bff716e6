/*
 * The workers of one process-isolated hook: a pool of pre-started worker
 * processes reused across invocations, each holding its own instance of
 * the hook (created from the hook's configuration), so a process-isolated
 * hook has one instance per worker and needs no per-instance lock.  The
 * pool grows to as many workers as threads call it at once (at most the
 * evaluation's threads), and no further than HHI_POOL_MAX_WORKERS: a
 * machine of many CPUs running many hooks would otherwise start threads x
 * hooks processes (callers beyond it wait for a worker, within their time).
 *
 * A worker that dies, hangs or answers garbage fails that invocation and
 * is replaced by a new one on the next call.  A hook whose workers cannot
 * start (the plugin crashes in create) is given up after
 * HHI_POOL_MAX_START_FAILURES attempts in a row, and one whose workers die
 * HHI_POOL_MAX_LOSSES calls in a row after that many: every later call is
 * FAILED with the last reason, without starting workers forever.
 */
#ifndef HOOKHOST_HOST_WORKER_POOL_H
#define HOOKHOST_HOST_WORKER_POOL_H

#include <stdint.h>

#include <hookhost/plugin.h>
#include <json-c/json.h>

#include "error.h"
#include "services.h"
#include "worker.h"

#define HHI_POOL_MAX_START_FAILURES 3
#define HHI_POOL_MAX_LOSSES 10
#define HHI_POOL_MAX_WORKERS 16

struct hhi_pool;

/* The input documents' texts, serialised once and shared by every pool of a hook set. */
struct hhi_pool_inputs;

struct hhi_pool_inputs *hhi_pool_inputs_new(void);
void hhi_pool_inputs_free(struct hhi_pool_inputs *inputs);

/* spec and its strings are copied. */
int hhi_pool_new(struct hhi_pool **out, const struct hhi_worker_spec *spec,
                 const struct hhi_log_sink *log, struct hhi_pool_inputs *inputs,
                 struct hhi_error *err);

/*
 * Start the first worker and return the plugin's description (the caller's).
 * Errors (HHI_EPLUGIN) name the plugin and say why.
 */
int hhi_pool_first(struct hhi_pool *pool, json_object **facts, struct hhi_error *err);

/*
 * What later workers must describe (facts_text), the hook's name and the
 * instance configuration (Properties as JSON text) they are created with.
 */
int hhi_pool_configure(struct hhi_pool *pool, const char *facts_text, const char *hook,
                       const char *config_text, int32_t log_level, struct hhi_error *err);

enum hhi_pool_create {
    HHI_POOL_CREATED = 0,
    HHI_POOL_REFUSED = 1,    /* create returned *rc (ctx holds its answer) */
    HHI_POOL_NO_INSTANCE = 2,/* create returned HH_OK without an instance */
    HHI_POOL_BROKEN = 3      /* the worker was lost in create: calls will say why */
};

/* Create the first worker's instance (at load). */
enum hhi_pool_create hhi_pool_create_first(struct hhi_pool *pool, struct hh_context *ctx,
                                           int32_t *rc);

/*
 * One invocation in a worker, answered in ctx (whose documents and
 * sensitive values are set): the plugin's answer replayed through the
 * host's services, or FAILED/HandlerInternalFailure saying what happened
 * to the worker.  The worker is killed at deadline_ms; timeout_text is the
 * message then.
 */
void hhi_pool_call(struct hhi_pool *pool, struct hh_context *ctx, const struct hh_request *req,
                   int64_t deadline_ms, const char *timeout_text);

/* Close the idle workers' channels: they destroy their instances and exit. */
void hhi_pool_close(struct hhi_pool *pool);

/* Wait for them (up to the hook's timeout), kill what remains, free. */
void hhi_pool_free(struct hhi_pool *pool);

#endif
