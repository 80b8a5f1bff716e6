/*
 * A strict JSON parser building json-c objects, with every allocation
 * checked (see json_parse.c for why not json-c's tokener).  Callers use
 * hhi_json_parse (input.h), which also checks NUL bytes and UTF-8.
 */
#ifndef HOOKHOST_HOST_JSON_PARSE_H
#define HOOKHOST_HOST_JSON_PARSE_H

#include <stddef.h>

#include <json-c/json.h>

enum { HHI_JSON_OK = 0, HHI_JSON_INVALID = -1, HHI_JSON_NOMEM = -2 };

/*
 * Parse the len bytes of text (one JSON value, whitespace around it) into
 * *out (NULL for the value null).  Values nested in more than max_depth
 * containers are refused.  HHI_JSON_INVALID: *at is the offset of the
 * error and *why says what is wrong; HHI_JSON_NOMEM: out of memory.
 */
int hhi_json_build(const char *text, size_t len, size_t max_depth, json_object **out,
                   size_t *at, const char **why);

#endif
