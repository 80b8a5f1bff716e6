/*
 * A plugin's descriptor as a worker process reports it to the host: the
 * facts the host needs to match and configure hooks (type name, version,
 * description, failure mode, flags, schema, handlers), as JSON.  The host
 * checks them as it checks a descriptor it loaded itself: a worker runs
 * someone else's code and is not trusted.
 */
#ifndef HOOKHOST_HOST_WORKER_FACTS_H
#define HOOKHOST_HOST_WORKER_FACTS_H

#include <json-c/json.h>

#include "channel.h"
#include "error.h"
#include "loader.h"

/* Worker side: append the facts of p as a JSON object. */
void hhi_facts_write(struct hhi_buf *b, const struct hhi_plugin *p);

/*
 * Host side: a plugin record from facts.  Takes path (malloc'ed), fd (the
 * checked descriptor workers load the plugin from) and facts, whatever
 * happens.  Errors are HHI_EPLUGIN, one line naming the file.
 */
int hhi_facts_plugin(char *path, int fd, json_object *facts, struct hhi_plugin **out,
                     struct hhi_error *err);

#endif
