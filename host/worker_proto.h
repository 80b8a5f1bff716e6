/*
 * What the host and a worker process say to each other, one JSON frame at
 * a time (see channel.h for the framing).  Host to worker:
 *
 *   {"op":"create","hook":NAME,"logLevel":N,"configuration":{...}}
 *   {"op":"invoke","hook":NAME,"targetType":..,"logicalId":..,"stackName":..,
 *    "action":N,"point":N,"count":N,"physicalId":..,"inputFormat":..,
 *    "inputPointer":..,"inputId":..,"properties":{...},
 *    "previousProperties":{...},"outputs":{...},"previousOutputs":{...},
 *    "callbackContext":{...}}           (absent documents are left out)
 *   {"op":"input","id":ID,"document":{...}}   (the answer to a "need")
 *
 * Worker to host:
 *
 *   {"op":"hello","facts":{...},"sandbox":"..."}  or  {"op":"refused","error":".."}
 *   {"op":"need","id":ID}   the plugin reads HH_DOC_INPUT, which the worker
 *                           has not got yet: it is sent once per worker
 *   {"op":"created"|"answer","rc":N,"answers":N,"status":N,"errorCode":N,
 *    "message":"..","callback":".." (or "callbackHex"),"delay":N,
 *    "annotations":[{...}],"log":[[LEVEL,".."]],"logDropped":N,"retire":B}
 *
 * An answer is what the plugin did through the host API in the worker
 * ("answers" counts its set_result/fail calls, at most 2 kept); the host
 * replays it through its own services, so contract breaches, truncation,
 * annotations and log lines come out as they do in-process.
 */
#ifndef HOOKHOST_HOST_WORKER_PROTO_H
#define HOOKHOST_HOST_WORKER_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hookhost/plugin.h>
#include <json-c/json.h>

#include "channel.h"
#include "services.h"

/* Log lines a worker keeps per call; the rest are counted. */
#define HHI_PROTO_LOG_MAX 1000

/* ---------------------------------------------------------- host side */

void hhi_proto_create(struct hhi_buf *b, const char *hook, const char *configuration,
                      int32_t log_level);
void hhi_proto_invoke(struct hhi_buf *b, const struct hh_request *req, const char *input_id);
/* text NULL: the document cannot be had (too large): the plugin sees none. */
void hhi_proto_input(struct hhi_buf *b, const char *id, const char *text, size_t len);

/* The "op" of a worker's frame, or NULL. */
const char *hhi_proto_op(json_object *frame);

/*
 * Check a "created" or "answer" frame, then replay it into ctx through the
 * host's services.  Returns 0, or -1 with a reason in why (nothing replayed).
 */
int hhi_proto_replay(json_object *frame, struct hh_context *ctx, char *why, size_t cap);

/* ---------------------------------------------------------- worker side */

struct hhi_proto_invoke {
    struct hh_request req;               /* strings borrowed from the frame */
    json_object *docs[HHI_DOC_COUNT];    /* borrowed from the frame */
    const char *input_id;                /* NULL when there is no input document */
};

/* Read an invoke frame; -1 when it is not one. */
int hhi_proto_read_invoke(json_object *frame, struct hhi_proto_invoke *out);

/* A log line as an item of the "log" array (appended to items, comma first if needed). */
void hhi_proto_log_item(struct hhi_buf *items, int32_t level, const char *line, size_t len);

/* What the plugin did on ctx, as a frame (after hhi_frame_begin). */
struct hhi_proto_outcome {
    const char *op;           /* "created" or "answer" */
    int32_t rc;               /* create's return code */
    unsigned answers;         /* set_result/fail calls */
    const struct hhi_buf *log;/* log items */
    size_t log_dropped;
    bool retire;              /* the worker exits after this answer */
};

void hhi_proto_outcome(struct hhi_buf *b, const struct hh_context *ctx,
                       const struct hhi_proto_outcome *o);

#endif
