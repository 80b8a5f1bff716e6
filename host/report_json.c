#include "config.h"

#include "report.h"

/* The JSON report is streamed: no tree of 100,000 results is built. */

static void member(FILE *out, const char *key, const char *value, int comma)
{
    hhi_json_write_member(out, key, value, !comma);
}

static void write_summary(FILE *out, const struct hhi_summary *s)
{
    fprintf(out,
            "\"summary\":{\"operations\":%zu,\"operationsJudged\":%zu,\"invocations\":%zu,"
            "\"succeeded\":%zu,\"failed\":%zu,\"warned\":%zu,\"nonCompliant\":%zu,"
            "\"hookFailures\":%zu}",
            s->operations, s->operations_judged, s->invocations, s->succeeded, s->failed,
            s->warned, s->non_compliant, s->hook_failures);
}

static void write_hooks(FILE *out, const struct hhi_hookset *set)
{
    size_t i;

    fputs_unlocked("\"hooks\":[", out);
    for (i = 0; i < set->hook_count; i++) {
        const struct hhi_hook *h = set->hooks[i];

        fputs_unlocked(i ? ",{" : "{", out);
        member(out, "hook", h->name, 0);
        member(out, "typeName", h->plugin->desc.type_name, 1);
        member(out, "hookVersion", h->version, 1);
        member(out, "pluginVersion", h->plugin->desc.version, 1);
        member(out, "failureMode", hhi_failure_mode_name(h->config.failure_mode), 1);
        member(out, "status", hhi_hook_active(h) ? "ENABLED" : "DISABLED", 1);
        member(out, "source", h->source, 1);
        fprintf(out, ",\"priority\":%d}", (int)h->priority);
    }
    putc_unlocked(']', out);
}

static void write_annotation(FILE *out, const struct hhi_annotation *a)
{
    putc_unlocked('{', out);
    member(out, "annotationName", a->name, 0);
    member(out, "status", hhi_annotation_status_name(a->status), 1);
    if (a->status_message != NULL)
        member(out, "statusMessage", a->status_message, 1);
    if (a->remediation_message != NULL)
        member(out, "remediationMessage", a->remediation_message, 1);
    if (a->remediation_link != NULL)
        member(out, "remediationLink", a->remediation_link, 1);
    if (a->severity != HH_SEVERITY_NONE)
        member(out, "severityLevel", hhi_severity_name(a->severity), 1);
    putc_unlocked('}', out);
}

static void write_result(FILE *out, const struct hhi_result *r)
{
    size_t i;

    putc_unlocked('{', out);
    member(out, "file", r->op->source, 0);
    /* The resource's line in the file, when the input format knows it. */
    if (r->op->line > 0)
        fprintf(out, ",\"line\":%zu", r->op->line);
    else
        fputs_unlocked(",\"line\":null", out);
    member(out, "logicalId", r->op->logical_id, 1);
    member(out, "targetType", r->op->target_type, 1);
    member(out, "action", hhi_action_name(r->op->action), 1);
    member(out, "invocationPoint", hhi_point_name(r->op->point), 1);
    member(out, "hook", r->hook->name, 1);
    member(out, "hookVersion", r->hook->version, 1);
    member(out, "status", r->status == HH_STATUS_SUCCESS ? "SUCCESS" : "FAILED", 1);
    member(out, "hookStatus", hhi_result_hook_status(r), 1);
    member(out, "failureMode", hhi_failure_mode_name(r->failure_mode), 1);
    if (r->status == HH_STATUS_SUCCESS)
        fputs_unlocked(",\"errorCode\":null", out);
    else
        member(out, "errorCode", hhi_error_code_name(r->error_code), 1);
    member(out, "message", r->message, 1);
    fprintf(out, ",\"invocations\":%u,\"annotations\":[", (unsigned)r->invocations);
    for (i = 0; i < r->annotation_count; i++) {
        if (i)
            putc_unlocked(',', out);
        write_annotation(out, &r->annotations[i]);
    }
    fputs_unlocked("]}", out);
}

int hhi_report_json(FILE *out, const struct hhi_evaluation *ev, const struct hhi_hookset *set)
{
    size_t i;
    int failed;

    /* One lock for the whole report: the writes below are unlocked. */
    flockfile(out);
    fputs_unlocked("{\"schemaVersion\":\"" HHI_REPORT_SCHEMA_VERSION "\",", out);
    fputs_unlocked("\"tool\":{\"name\":\"hookhost\",\"version\":\"" PACKAGE_VERSION "\"},", out);
    member(out, "verdict", hhi_verdict_name(ev->summary.verdict), 0);
    putc_unlocked(',', out);
    write_summary(out, &ev->summary);
    putc_unlocked(',', out);
    write_hooks(out, set);
    fputs_unlocked(",\"results\":[", out);
    for (i = 0; i < ev->count; i++) {
        if (i)
            putc_unlocked(',', out);
        putc_unlocked('\n', out);
        write_result(out, &ev->results[i]);
    }
    fputs_unlocked("\n]}\n", out);
    failed = ferror_unlocked(out);
    funlockfile(out);
    return failed ? HHI_EIO : HHI_OK;
}
