#include "config.h"

#include "report.h"

#include <string.h>

/*
 * SARIF 2.1.0, streamed: one run, one rule per hook (reportingDescriptor,
 * id = the hook's name), one result per FAILED invocation ("error" under
 * FailureMode FAIL, "warning" under WARN); passes are not results.
 */

#define SARIF_SCHEMA \
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

static const char *level(const struct hhi_result *r)
{
    return r->failure_mode == HH_FAILURE_MODE_WARN ? "warning" : "error";
}

/* The part of a type name after its last "::" (a rule's friendly name). */
static const char *short_name(const char *name)
{
    const char *p = strrchr(name, ':');

    return p != NULL && p[1] != '\0' ? p + 1 : name;
}

static void text_object(FILE *out, const char *key, const char *text)
{
    fprintf(out, ",\"%s\":{", key);
    hhi_json_write_member(out, "text", text, true);
    putc_unlocked('}', out);
}

/* ----------------------------------------------------------------- rules */

/* What a reader needs to act on a result: what the hook checks, which activation. */
static void write_help(FILE *out, const struct hhi_hook *h, const char *desc)
{
    fputs_unlocked(",\"help\":{\"text\":\"", out);
    hhi_json_write_escaped(out, desc);
    fputs_unlocked("\\nHook ", out);
    hhi_json_write_escaped(out, h->name);
    fputs_unlocked(" (plugin ", out);
    hhi_json_write_escaped(out, h->plugin->desc.type_name);
    putc_unlocked(' ', out);
    hhi_json_write_escaped(out, h->plugin->desc.version);
    fputs_unlocked("), activated in ", out);
    hhi_json_write_escaped(out, h->source);
    fprintf(out, " with FailureMode %s.\"}", hhi_failure_mode_name(h->config.failure_mode));
}

static void write_rule(FILE *out, const struct hhi_hook *h)
{
    const char *desc = h->plugin->desc.description;

    if (desc == NULL || desc[0] == '\0')
        desc = h->name;
    putc_unlocked('{', out);
    hhi_json_write_member(out, "id", h->name, true);
    hhi_json_write_member(out, "name", short_name(h->name), false);
    text_object(out, "shortDescription", desc);
    text_object(out, "fullDescription", desc);
    write_help(out, h, desc);
    fprintf(out, ",\"defaultConfiguration\":{\"level\":\"%s\"},\"properties\":{",
            h->config.failure_mode == HH_FAILURE_MODE_WARN ? "warning" : "error");
    hhi_json_write_member(out, "typeName", h->plugin->desc.type_name, true);
    hhi_json_write_member(out, "hookVersion", h->version, false);
    hhi_json_write_member(out, "pluginVersion", h->plugin->desc.version, false);
    hhi_json_write_member(out, "failureMode", hhi_failure_mode_name(h->config.failure_mode),
                          false);
    hhi_json_write_member(out, "status", hhi_hook_active(h) ? "ENABLED" : "DISABLED", false);
    hhi_json_write_member(out, "source", h->source, false);
    fprintf(out, ",\"priority\":%d}}", (int)h->priority);
}

static void write_driver(FILE *out, const struct hhi_hookset *set)
{
    size_t i;

    fputs_unlocked("\"tool\":{\"driver\":{\"name\":\"hookhost\",\"version\":\"" PACKAGE_VERSION
                   "\",\"semanticVersion\":\"" PACKAGE_VERSION "\",\"rules\":[",
                   out);
    for (i = 0; i < set->hook_count; i++) {
        fputs_unlocked(i ? ",\n" : "\n", out);
        write_rule(out, set->hooks[i]);
    }
    fputs_unlocked("]}}", out);
}

/* --------------------------------------------------------------- results */

/* Is byte c kept as it is in a URI path (RFC 3986 pchar or '/', less ':')? */
static bool uri_plain(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("-._~/!$&'()*+,;=@", c) != NULL);
}

/*
 * The input file as a URI reference: relative as given, absolute paths as
 * file:// URIs; other bytes percent-encoded (':' too, so that no first
 * segment reads as a scheme).
 */
static void write_uri(FILE *out, const char *path)
{
    const unsigned char *p = (const unsigned char *)path;

    fputs_unlocked("\"uri\":\"", out);
    if (*p == '/')
        fputs_unlocked("file://", out);
    for (; *p != '\0'; p++) {
        if (uri_plain(*p))
            putc_unlocked(*p, out);
        else
            fprintf(out, "%%%02X", *p);
    }
    putc_unlocked('"', out);
}

static void write_location(FILE *out, const struct hhi_operation *op)
{
    fputs_unlocked(",\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{", out);
    write_uri(out, op->source);
    putc_unlocked('}', out);
    if (op->line > 0)
        fprintf(out, ",\"region\":{\"startLine\":%zu}", op->line);
    fputs_unlocked("},\"logicalLocations\":[{", out);
    hhi_json_write_member(out, "name", op->logical_id, true);
    hhi_json_write_member(out, "kind", "resource", false);
    fputs_unlocked(",\"properties\":{", out);
    hhi_json_write_member(out, "targetType", op->target_type, true);
    fputs_unlocked("}}]}]", out);
}

static void write_annotation(FILE *out, const struct hhi_annotation *a)
{
    putc_unlocked('{', out);
    hhi_json_write_member(out, "annotationName", a->name, true);
    hhi_json_write_member(out, "status", hhi_annotation_status_name(a->status), false);
    if (a->status_message != NULL)
        hhi_json_write_member(out, "statusMessage", a->status_message, false);
    if (a->remediation_message != NULL)
        hhi_json_write_member(out, "remediationMessage", a->remediation_message, false);
    if (a->remediation_link != NULL)
        hhi_json_write_member(out, "remediationLink", a->remediation_link, false);
    if (a->severity != HH_SEVERITY_NONE)
        hhi_json_write_member(out, "severityLevel", hhi_severity_name(a->severity), false);
    putc_unlocked('}', out);
}

/* What hookhost knows beyond SARIF's members, as the JSON report names it. */
static void write_properties(FILE *out, const struct hhi_result *r)
{
    size_t i;

    fputs_unlocked(",\"properties\":{", out);
    hhi_json_write_member(out, "targetType", r->op->target_type, true);
    hhi_json_write_member(out, "action", hhi_action_name(r->op->action), false);
    hhi_json_write_member(out, "invocationPoint", hhi_point_name(r->op->point), false);
    hhi_json_write_member(out, "hookStatus", hhi_result_hook_status(r), false);
    hhi_json_write_member(out, "errorCode", hhi_error_code_name(r->error_code), false);
    hhi_json_write_member(out, "failureMode", hhi_failure_mode_name(r->failure_mode), false);
    fprintf(out, ",\"invocations\":%u,\"annotations\":[", (unsigned)r->invocations);
    for (i = 0; i < r->annotation_count; i++) {
        if (i)
            putc_unlocked(',', out);
        write_annotation(out, &r->annotations[i]);
    }
    fputs_unlocked("]}", out);
}

static size_t rule_index(const struct hhi_hookset *set, const struct hhi_hook *hook)
{
    size_t i;

    for (i = 0; i < set->hook_count && set->hooks[i] != hook; i++)
        ;
    return i;
}

static void write_result(FILE *out, const struct hhi_result *r, const struct hhi_hookset *set)
{
    putc_unlocked('{', out);
    hhi_json_write_member(out, "ruleId", r->hook->name, true);
    fprintf(out, ",\"ruleIndex\":%zu,\"level\":\"%s\",\"kind\":\"fail\"", rule_index(set, r->hook),
            level(r));
    text_object(out, "message", r->message[0] != '\0' ? r->message : hhi_result_hook_status(r));
    write_location(out, r->op);
    write_properties(out, r);
    putc_unlocked('}', out);
}

static void write_run_properties(FILE *out, const struct hhi_summary *s)
{
    fprintf(out,
            ",\"properties\":{\"schemaVersion\":\"" HHI_REPORT_SCHEMA_VERSION "\","
            "\"verdict\":\"%s\",\"summary\":{\"operations\":%zu,\"operationsJudged\":%zu,"
            "\"invocations\":%zu,\"succeeded\":%zu,\"failed\":%zu,\"warned\":%zu,"
            "\"nonCompliant\":%zu,\"hookFailures\":%zu}}",
            hhi_verdict_name(s->verdict), s->operations, s->operations_judged, s->invocations,
            s->succeeded, s->failed, s->warned, s->non_compliant, s->hook_failures);
}

int hhi_report_sarif(FILE *out, const struct hhi_evaluation *ev, const struct hhi_hookset *set)
{
    size_t i;
    bool first = true;
    int failed;

    /* One lock for the whole report: the writes below are unlocked. */
    flockfile(out);
    fputs_unlocked("{\"$schema\":\"" SARIF_SCHEMA "\",\"version\":\"2.1.0\",\"runs\":[{", out);
    write_driver(out, set);
    fputs_unlocked(",\"invocations\":[{\"executionSuccessful\":true}],\"results\":[", out);
    for (i = 0; i < ev->count; i++) {
        if (ev->results[i].status == HH_STATUS_SUCCESS)
            continue;
        fputs_unlocked(first ? "\n" : ",\n", out);
        first = false;
        write_result(out, &ev->results[i], set);
    }
    fputs_unlocked("\n]", out);
    write_run_properties(out, &ev->summary);
    fputs_unlocked("}]}\n", out);
    failed = ferror_unlocked(out);
    funlockfile(out);
    return failed ? HHI_EIO : HHI_OK;
}
