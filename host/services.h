/*
 * The services the host offers plugins (struct hh_host_api) and the
 * per-call context (struct hh_context) they work on.  A context lives on
 * the caller's stack and is reused across calls, so answering costs no
 * allocation unless a plugin attaches annotations or a callback context.
 */
#ifndef HOOKHOST_HOST_SERVICES_H
#define HOOKHOST_HOST_SERVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <hookhost/plugin.h>
#include <json-c/json.h>

#define HHI_DOC_COUNT 7

/* A copied annotation. */
struct hhi_annotation {
    char *name;
    int32_t status;
    int32_t severity;
    char *status_message;
    char *remediation_message;
    char *remediation_link;
};

/* Where plugin log lines go. */
struct hhi_log_sink {
    FILE *stream;        /* NULL: discard */
    int32_t max_level;   /* HH_LOG_* at or below which lines are written */
};

struct hh_context {
    const char *hook_name;               /* tags log lines */
    const struct hhi_log_sink *log;
    json_object *docs[HHI_DOC_COUNT];    /* HH_DOC_*, borrowed */
    json_object *sensitive;              /* the operation's values never to print
                                            (redacted from log lines), borrowed */

    /* The answer. */
    bool answered;
    bool broken;                         /* the plugin broke the contract */
    int32_t status;
    int32_t error_code;
    size_t message_len;
    char message[HH_MESSAGE_MAX + 1];
    char broken_reason[160];

    /* IN_PROGRESS */
    char *callback;                      /* JSON text, owned */
    size_t callback_len;
    uint32_t callback_delay;

    struct hhi_annotation *annotations;  /* owned */
    size_t annotation_count;
    size_t annotation_cap;
};

/* The service table handed to every plugin; immutable. */
const struct hh_host_api *hhi_host_api(void);

/* A fresh context (zeroed, documents unset). */
void hhi_context_init(struct hh_context *ctx, const char *hook_name,
                      const struct hhi_log_sink *log);

/* Forget the previous answer, keeping buffers for reuse. */
void hhi_context_reset(struct hh_context *ctx);

/* Release what the context owns. */
void hhi_context_release(struct hh_context *ctx);

/*
 * Move the annotations out of the context (the caller frees them with
 * hhi_annotations_free).
 */
void hhi_context_take_annotations(struct hh_context *ctx, struct hhi_annotation **out,
                                  size_t *count);

void hhi_annotations_free(struct hhi_annotation *a, size_t count);

/* Names of the ABI's enumerations, as the CloudFormation contract spells them. */
const char *hhi_error_code_name(int32_t code);
const char *hhi_action_name(int32_t action);
const char *hhi_point_name(int32_t point);
const char *hhi_failure_mode_name(int32_t mode);
const char *hhi_annotation_status_name(int32_t status);
const char *hhi_severity_name(int32_t severity);

#endif
