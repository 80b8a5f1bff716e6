/*
 * Reports of an evaluation: for people (text), for programs (JSON), for CI
 * test views (JUnit XML) and for code-scanning views (SARIF 2.1.0).  Every
 * report is streamed under one stream lock with unlocked writes, so
 * 100,000 results cost no tree and no per-write lock.  Reports print what
 * the evaluation kept: sensitive values were redacted before (redact.h).
 */
#ifndef HOOKHOST_HOST_REPORT_H
#define HOOKHOST_HOST_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "evaluate.h"
#include "hookset.h"

/* The JSON report's schema version; later releases only add members. */
#define HHI_REPORT_SCHEMA_VERSION "1.0"

enum hhi_report_format {
    HHI_REPORT_TEXT,
    HHI_REPORT_JSON,
    HHI_REPORT_JUNIT,
    HHI_REPORT_SARIF,
};

struct hhi_report_options {
    bool colour;   /* text: ANSI colours (the caller checks the terminal, NO_COLOR) */
    bool quiet;    /* text: only failures and warnings, and the summary */
};

/* The format called name ("text", "json", "junit", "sarif"); -1 if none. */
int hhi_report_format_parse(const char *name, enum hhi_report_format *out);

/* Write the report in format f; returns 0, or HHI_EIO when the stream failed. */
int hhi_report_write(FILE *out, enum hhi_report_format f, const struct hhi_evaluation *ev,
                     const struct hhi_hookset *set, const struct hhi_report_options *opts);

int hhi_report_text(FILE *out, const struct hhi_evaluation *ev, const struct hhi_hookset *set,
                    const struct hhi_report_options *opts);
int hhi_report_json(FILE *out, const struct hhi_evaluation *ev, const struct hhi_hookset *set);
int hhi_report_junit(FILE *out, const struct hhi_evaluation *ev, const struct hhi_hookset *set);
int hhi_report_sarif(FILE *out, const struct hhi_evaluation *ev, const struct hhi_hookset *set);

/* The one-line summary the text report ends with (no newline). */
void hhi_report_summary_line(FILE *out, const struct hhi_summary *s, bool colour);

/* What a result means for the change: "PASS", "WARN" (FAILED under WARN) or "FAIL". */
const char *hhi_result_outcome(const struct hhi_result *r);

/*
 * JSON writing (json_write.c), for a caller holding the stream lock.
 * Strings are written as valid JSON: escapes for quotes, backslashes and
 * control characters, U+FFFD for bytes that are not UTF-8.
 */
void hhi_json_write_string(FILE *out, const char *s);
/* The same without the quotes, to build one string from several parts. */
void hhi_json_write_escaped(FILE *out, const char *s);
/* ,"key":"value" (the comma unless first). */
void hhi_json_write_member(FILE *out, const char *key, const char *value, bool first);

/*
 * The UTF-8 character s starts with: its length (1 to 4) and *cp, or 0
 * when s does not start with a valid, shortest-form, non-surrogate one.
 */
size_t hhi_report_utf8_char(const char *s, uint32_t *cp);

#endif
