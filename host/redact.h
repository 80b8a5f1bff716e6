/*
 * Redaction: the one place where text that may quote an operation's
 * sensitive values (a result's message and annotation texts, a plugin's
 * log lines) is cleaned before the host keeps or prints it.  Reports never
 * see a sensitive value, so no report format has to know about them.
 *
 * Every value of the operation's sensitive array (strings; numbers and
 * booleans by their JSON text; arrays and objects by their members) is
 * replaced by HHI_REDACTED wherever it occurs, however short: a secret of
 * one character quoted by a hook is still the secret, so no value is
 * skipped, at the price of less readable messages when such short values
 * are marked sensitive.  A value is found spelled as it is, JSON-escaped,
 * quoted the way the shipped plugins quote ('"' and '\' escaped, control
 * characters as '?') and on one line (control characters as spaces).  A
 * prefix of at least HHI_REDACT_MIN_PREFIX bytes of a value is replaced
 * too when an ellipsis ("..." or U+2026) follows it or the text ends with
 * it: hooks shorten long values when they quote them and the host cuts
 * long messages.
 */
#ifndef HOOKHOST_HOST_REDACT_H
#define HOOKHOST_HOST_REDACT_H

#include <stddef.h>

#include <json-c/json.h>

#include "error.h"

#define HHI_REDACTED "(sensitive)"
#define HHI_REDACT_MIN_PREFIX 8

/*
 * Redact text[0..len) against sensitive (the operation's array, or NULL).
 * When something matched, *out is a malloc'ed NUL-terminated copy with
 * every match replaced (the caller frees it) and *out_len its length;
 * otherwise *out is NULL and nothing was allocated.  Returns HHI_OK, or
 * HHI_ENOMEM (the text must then not be printed).
 */
int hhi_redact(char **out, size_t *out_len, const char *text, size_t len,
               json_object *sensitive);

/* Redact the malloc'ed string *s in place (replacing it); NULL is left alone. */
int hhi_redact_owned(char **s, json_object *sensitive);

#endif
