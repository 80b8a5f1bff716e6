#include "config.h"

#include "report.h"

#include <string.h>

/*
 * JUnit XML, as GitLab, Jenkins and dorny/test-reporter read it: one
 * <testsuite> per input file, one <testcase> per (resource, hook).  A hook
 * that denies (FAIL mode, NonCompliant) is a <failure>, a hook that could
 * not judge in FAIL mode an <error>.  A FAILED result under WARN mode must
 * not fail the pipeline: every parser counts any <failure> or <error> as a
 * failed test, so a warning is a passing testcase with the property
 * hookhost.outcome=WARN and a <system-out> starting "WARNING:".
 */

#define U_FFFD "\xEF\xBF\xBD"

/* ------------------------------------------------------------------ XML */

/* The entity for byte c in text (attr: in an attribute value), or NULL. */
static const char *xml_entity(unsigned char c, bool attr)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return attr ? "&quot;" : NULL;
    case '\t': return attr ? "&#9;" : NULL;
    case '\n': return attr ? "&#10;" : NULL;
    case '\r': return "&#13;";
    default:
        /* XML 1.0 has no way to write the other C0 controls: replace them. */
        return c < 0x20 ? U_FFFD : NULL;
    }
}

/* What goes out for the character at p (its length in *n), or NULL: as it is. */
static const char *xml_replacement(const char *p, bool attr, size_t *n)
{
    uint32_t cp;

    *n = 1;
    if ((unsigned char)*p < 0x80)
        return xml_entity((unsigned char)*p, attr);
    *n = hhi_report_utf8_char(p, &cp);
    if (*n == 0) {
        *n = 1;
        return U_FFFD;
    }
    /* U+FFFE and U+FFFF are not XML characters either. */
    return cp == 0xFFFE || cp == 0xFFFF ? U_FFFD : NULL;
}

static void xml_write(FILE *out, const char *s, bool attr)
{
    const char *p = s != NULL ? s : "";
    const char *run = p;

    while (*p != '\0') {
        size_t n;
        const char *rep = xml_replacement(p, attr, &n);

        if (rep == NULL) {
            p += n;
            continue;
        }
        fwrite_unlocked(run, 1, (size_t)(p - run), out);
        fputs_unlocked(rep, out);
        p += n;
        run = p;
    }
    fwrite_unlocked(run, 1, (size_t)(p - run), out);
}

/*  name="value" */
static void xml_attr(FILE *out, const char *name, const char *value)
{
    fprintf(out, " %s=\"", name);
    xml_write(out, value, true);
    putc_unlocked('"', out);
}

/* ------------------------------------------------------------- counting */

struct counts {
    size_t tests;
    size_t failures;   /* FAIL mode, non-compliant */
    size_t errors;     /* FAIL mode, the hook could not judge */
    size_t warnings;   /* WARN mode, FAILED */
};

static bool is_warning(const struct hhi_result *r)
{
    return r->status != HH_STATUS_SUCCESS && r->failure_mode == HH_FAILURE_MODE_WARN;
}

static void count(const struct hhi_result *r, size_t n, struct counts *c)
{
    size_t i;

    memset(c, 0, sizeof(*c));
    for (i = 0; i < n; i++, r++) {
        c->tests++;
        if (is_warning(r))
            c->warnings++;
        else if (r->status != HH_STATUS_SUCCESS && r->hook_failed)
            c->errors++;
        else if (r->status != HH_STATUS_SUCCESS)
            c->failures++;
    }
}

static void write_counts(FILE *out, const struct counts *c)
{
    fprintf(out, " tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" skipped=\"0\" time=\"0\"",
            c->tests, c->failures, c->errors);
}

/* ------------------------------------------------------------- testcases */

/* An annotation's lines; its status message only when it says more than message. */
static void write_annotation(FILE *out, const struct hhi_annotation *a, const char *message)
{
    fputs_unlocked("\nAnnotation ", out);
    xml_write(out, a->name, false);
    fprintf(out, ": %s", hhi_annotation_status_name(a->status));
    if (a->severity != HH_SEVERITY_NONE)
        fprintf(out, " (%s)", hhi_severity_name(a->severity));
    if (a->status_message != NULL && strcmp(a->status_message, message) != 0) {
        fputs_unlocked(": ", out);
        xml_write(out, a->status_message, false);
    }
    if (a->remediation_message != NULL) {
        fputs_unlocked("\n  Remediation: ", out);
        xml_write(out, a->remediation_message, false);
    }
    if (a->remediation_link != NULL) {
        fputs_unlocked("\n  Link: ", out);
        xml_write(out, a->remediation_link, false);
    }
}

/* The body of a failure, error or warning: where, which hook, what it said. */
static void write_details(FILE *out, const struct hhi_result *r)
{
    const struct hhi_operation *op = r->op;
    size_t i;

    xml_write(out, op->logical_id, false);
    fputs_unlocked(" (", out);
    xml_write(out, op->target_type, false);
    fprintf(out, ") %s %s in ", hhi_action_name(op->action), hhi_point_name(op->point));
    xml_write(out, op->source, false);
    if (op->line > 0)
        fprintf(out, ":%zu", op->line);
    fputs_unlocked("\nHook: ", out);
    xml_write(out, r->hook->name, false);
    putc_unlocked(' ', out);
    xml_write(out, r->hook->version, false);
    fprintf(out, ", FailureMode %s\nStatus: %s, %s\n", hhi_failure_mode_name(r->failure_mode),
            hhi_result_hook_status(r), hhi_error_code_name(r->error_code));
    xml_write(out, r->message, false);
    for (i = 0; i < r->annotation_count; i++)
        write_annotation(out, &r->annotations[i], r->message);
}

static void write_warning(FILE *out, const struct hhi_result *r)
{
    fputs_unlocked(">\n      <properties>\n"
                   "        <property name=\"hookhost.outcome\" value=\"WARN\"/>\n", out);
    fprintf(out, "        <property name=\"hookhost.hookStatus\" value=\"%s\"/>\n",
            hhi_result_hook_status(r));
    fputs_unlocked("      </properties>\n      <system-out>WARNING: ", out);
    write_details(out, r);
    fputs_unlocked("</system-out>\n    </testcase>\n", out);
}

static void write_failure(FILE *out, const struct hhi_result *r)
{
    const char *element = r->hook_failed ? "error" : "failure";

    fprintf(out, ">\n      <%s", element);
    xml_attr(out, "type", hhi_error_code_name(r->error_code));
    xml_attr(out, "message", r->message);
    putc_unlocked('>', out);
    write_details(out, r);
    fprintf(out, "</%s>\n    </testcase>\n", element);
}

static void write_testcase(FILE *out, const struct hhi_result *r)
{
    fputs_unlocked("    <testcase", out);
    xml_attr(out, "classname", r->op->source);
    fputs_unlocked(" name=\"", out);
    xml_write(out, r->op->logical_id, true);
    putc_unlocked(' ', out);
    xml_write(out, r->hook->name, true);
    putc_unlocked('"', out);
    xml_attr(out, "file", r->op->source);
    if (r->op->line > 0)
        fprintf(out, " line=\"%zu\"", r->op->line);
    fputs_unlocked(" time=\"0\"", out);
    if (is_warning(r))
        write_warning(out, r);
    else if (r->status != HH_STATUS_SUCCESS)
        write_failure(out, r);
    else
        fputs_unlocked("/>\n", out);
}

/* ---------------------------------------------------------------- suites */

/* Past the last result of the file results[i] belongs to (files are contiguous). */
static size_t file_end(const struct hhi_evaluation *ev, size_t i)
{
    const char *file = ev->results[i].op->source;
    size_t j = i + 1;

    while (j < ev->count && (ev->results[j].op->source == file ||
                             strcmp(ev->results[j].op->source, file) == 0))
        j++;
    return j;
}

static void write_suite_head(FILE *out, const char *name, const struct counts *c,
                             const struct hhi_evaluation *ev)
{
    fputs_unlocked("  <testsuite", out);
    xml_attr(out, "name", name);
    write_counts(out, c);
    fputs_unlocked(">\n    <properties>\n"
                   "      <property name=\"hookhost.version\" value=\"" PACKAGE_VERSION "\"/>\n",
                   out);
    fprintf(out, "      <property name=\"hookhost.verdict\" value=\"%s\"/>\n"
                 "      <property name=\"hookhost.warnings\" value=\"%zu\"/>\n"
                 "    </properties>\n",
            hhi_verdict_name(ev->summary.verdict), c->warnings);
}

static void write_suite(FILE *out, const struct hhi_evaluation *ev, size_t first, size_t end)
{
    struct counts c;
    size_t i;

    count(&ev->results[first], end - first, &c);
    write_suite_head(out, ev->results[first].op->source, &c, ev);
    for (i = first; i < end; i++)
        write_testcase(out, &ev->results[i]);
    fputs_unlocked("  </testsuite>\n", out);
}

int hhi_report_junit(FILE *out, const struct hhi_evaluation *ev, const struct hhi_hookset *set)
{
    struct counts all;
    size_t i, end;
    int failed;

    (void)set;
    /* One lock for the whole report: the writes below are unlocked. */
    flockfile(out);
    count(ev->results, ev->count, &all);
    fputs_unlocked("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hookhost\"",
                   out);
    write_counts(out, &all);
    fputs_unlocked(">\n", out);
    if (ev->count == 0) {
        write_suite_head(out, "hookhost", &all, ev);
        fputs_unlocked("  </testsuite>\n", out);
    }
    for (i = 0; i < ev->count; i = end) {
        end = file_end(ev, i);
        write_suite(out, ev, i, end);
    }
    fputs_unlocked("</testsuites>\n", out);
    failed = ferror_unlocked(out);
    funlockfile(out);
    return failed ? HHI_EIO : HHI_OK;
}
