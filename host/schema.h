/*
 * The JSON Schema subset hook configuration schemas use (draft-07 keywords):
 * type, required, enum, const, minimum, maximum, exclusiveMinimum,
 * exclusiveMaximum, minLength, maxLength (in characters), pattern (POSIX
 * extended regular expression, unanchored as in JSON Schema), items,
 * minItems, maxItems, uniqueItems, properties, additionalProperties
 * (boolean or schema), description/title/default/examples/$comment
 * (ignored).  An unknown keyword in a schema is refused, so that a plugin
 * never believes a constraint is enforced when it is not.
 */
#ifndef HOOKHOST_HOST_SCHEMA_H
#define HOOKHOST_HOST_SCHEMA_H

#include <json-c/json.h>

#include "error.h"

struct hhi_schema;

/*
 * Check that schema (borrowed; a reference is taken) is a well-formed schema
 * of the supported subset, compile its patterns, and return it in *out.
 * On error returns HHI_ECONFIG with a message "<what>: <json path>: <why>".
 */
int hhi_schema_compile(struct hhi_schema **out, json_object *schema,
                       const char *what, struct hhi_error *err);

/*
 * Validate instance against the schema.  Returns 0, or HHI_ECONFIG with the
 * message "<what>: <json path of the offending value>: <why>", where the
 * path is written like "Properties.AllowedTypes[2]" relative to prefix
 * (e.g. prefix "Properties" gives "Properties.AllowedTypes[2]").
 */
int hhi_schema_validate(const struct hhi_schema *schema, json_object *instance,
                        const char *what, const char *prefix,
                        struct hhi_error *err);

void hhi_schema_free(struct hhi_schema *schema);

#endif
