/*
 * How a hook is contained: in-process or in worker processes, its time
 * limit per invocation, the memory of its workers and what their sandbox
 * allows.  Hook files and registry activations carry the same members:
 *
 *   "isolation": "process" | "in-process"   (default "process")
 *   "timeoutSeconds": 1..3600               (default 30)
 *   "memoryMiB": 256..65536                 (default 1024, workers only)
 *   "allow": ["network", "exec"]            (default [], workers only)
 */
#ifndef HOOKHOST_HOST_ISOLATION_H
#define HOOKHOST_HOST_ISOLATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <json-c/json.h>

#include "error.h"

enum hhi_isolation {
    HHI_ISOLATION_PROCESS = 0,   /* the default: plugins run in worker processes */
    HHI_ISOLATION_IN_PROCESS = 1 /* explicit opt-in for vetted hooks */
};

/* What a worker's sandbox lets through (hook member "allow"). */
#define HHI_ALLOW_NETWORK 0x1u
#define HHI_ALLOW_EXEC 0x2u
#define HHI_ALLOW_ALL (HHI_ALLOW_NETWORK | HHI_ALLOW_EXEC)

/* CloudFormation's Lambda hooks time out after 30 s. */
#define HHI_TIMEOUT_DEFAULT 30
#define HHI_TIMEOUT_MIN 1
#define HHI_TIMEOUT_MAX 3600
#define HHI_MEMORY_DEFAULT_MIB 1024
#define HHI_MEMORY_MIN_MIB 256
#define HHI_MEMORY_MAX_MIB 65536

/* The workers run this very program (see worker_main.c). */
#define HHI_WORKER_EXE "/proc/self/exe"
#define HHI_WORKER_COMMAND "__worker"

/* A hook's containment; members left 0 take the defaults. */
struct hhi_containment {
    int32_t isolation;         /* enum hhi_isolation */
    uint32_t timeout_seconds;  /* 0: HHI_TIMEOUT_DEFAULT */
    uint32_t memory_mib;       /* 0: HHI_MEMORY_DEFAULT_MIB */
    uint32_t allow;            /* HHI_ALLOW_* */
};

/* Replace the zero members by the defaults. */
void hhi_containment_resolve(struct hhi_containment *c);

/*
 * Read the containment members of doc (a hook file or an activation) into
 * *out; absent members leave *out alone.  Errors are one line:
 * "WHERE: timeoutSeconds: must be an integer from 1 to 3600".
 */
int hhi_containment_parse(json_object *doc, const char *where, struct hhi_containment *out,
                          struct hhi_error *err);

/* Is key one of the containment members? */
bool hhi_containment_member(const char *key);

/* Copy the containment members of from into to (references, not copies). */
void hhi_containment_copy_members(json_object *to, json_object *from);

const char *hhi_isolation_name(int32_t isolation);
int hhi_isolation_from_name(const char *name, int32_t *out);

/* "network,exec", "network", "" or "none"; -1 and *bad at an unknown word. */
int hhi_allow_from_list(const char *list, uint32_t *out, char *bad, size_t bad_cap);

/* The "allow" array of the bits. */
json_object *hhi_allow_to_json(uint32_t allow);

/*
 * The HH_PLUGIN_FLAG_NEEDS_* of flags that allow does not grant, written as
 * the words to allow ("network", "exec", "network and exec") into words;
 * false when nothing is missing.
 */
bool hhi_containment_missing(uint32_t allow, uint32_t flags, char *words, size_t cap);

#endif
