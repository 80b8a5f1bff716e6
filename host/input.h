/*
 * Reading input files safely: regular files only (a FIFO or a directory is
 * refused without blocking), a size cap, and JSON parsed with a depth limit
 * and strict UTF-8, errors located by line and column.
 */
#ifndef HOOKHOST_HOST_INPUT_H
#define HOOKHOST_HOST_INPUT_H

#include <stddef.h>

#include <json-c/json.h>

#include "error.h"

/* Largest input file read (a 100,000-resource template is ~100 MB). */
#define HHI_INPUT_MAX_BYTES ((size_t)1 << 30)
/* Deepest JSON nesting accepted; deeper documents are refused cleanly. */
#define HHI_JSON_MAX_DEPTH 512

/*
 * Read the whole regular file at path (at most max bytes) into a new
 * NUL-terminated buffer *data of *len bytes; the caller frees it.  Errors
 * (HHI_EINPUT) name the file: missing, unreadable, not a regular file,
 * empty, too large.
 */
int hhi_file_read(const char *path, size_t max, char **data, size_t *len,
                  struct hhi_error *err);

/*
 * Parse len bytes of JSON text into *out (the caller releases it with
 * json_object_put): strict RFC 8259 (no NaN, no single quotes, no raw
 * control characters in strings), duplicate member names refused, every
 * allocation checked (HHI_ENOMEM; see json_parse.c).  what names the source in errors, which give the line
 * and column: "FILE:3:14: invalid JSON: unexpected character".
 */
int hhi_json_parse(const char *what, const char *data, size_t len,
                   json_object **out, struct hhi_error *err);

/* hhi_file_read then hhi_json_parse. */
int hhi_json_read_file(const char *path, size_t max, json_object **out,
                       struct hhi_error *err);

#endif
