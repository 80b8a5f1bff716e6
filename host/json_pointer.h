/* RFC 6901 JSON pointers over json-c trees, without allocating. */
#ifndef HOOKHOST_HOST_JSON_POINTER_H
#define HOOKHOST_HOST_JSON_POINTER_H

#include <json-c/json.h>

/*
 * The value at pointer ("" is doc itself, "/a/0/b~1c" a member) or NULL when
 * it is absent or pointer is malformed.  A JSON null member is returned as
 * NULL too; use hhi_json_pointer_exists to tell them apart.
 */
json_object *hhi_json_pointer_get(json_object *doc, const char *pointer);

/* Like hhi_json_pointer_get, but *found tells whether the member exists. */
json_object *hhi_json_pointer_find(json_object *doc, const char *pointer, int *found);

/*
 * Append "/" and token, escaped (~ as ~0, / as ~1), to the pointer in buf
 * of cap bytes holding len bytes.  Returns the new length, or 0 when it
 * does not fit (buf is then left as it was).
 */
size_t hhi_json_pointer_append(char *buf, size_t cap, size_t len, const char *token);

#endif
