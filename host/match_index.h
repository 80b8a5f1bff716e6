/*
 * Which hooks run on a target type, at a point, for an action: computed
 * once per distinct type (plugin targets, target filters and stack filters)
 * and then looked up by hash, so a resource costs one lookup whatever the
 * number of hooks.  Lists keep the hook set's run order.
 */
#ifndef HOOKHOST_HOST_MATCH_INDEX_H
#define HOOKHOST_HOST_MATCH_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "hookset.h"

struct hhi_match_index;

struct hhi_hook_list {
    struct hhi_hook *const *hooks;
    size_t count;
};

/* The stack the evaluation is for (stack filters); NULLs when unknown. */
struct hhi_stack {
    const char *name;
    const char *role;
};

int hhi_match_index_new(struct hhi_match_index **out, const struct hhi_hookset *set,
                        const struct hhi_stack *stack, struct hhi_error *err);

void hhi_match_index_free(struct hhi_match_index *index);

/*
 * Compute the entry for type if it is new.  Not thread-safe: add every
 * type first, then look up from any number of threads.
 */
int hhi_match_index_add(struct hhi_match_index *index, const char *type,
                        struct hhi_error *err);

/* The hooks for an added type (an empty list for an unknown one). */
struct hhi_hook_list hhi_match_index_lookup(const struct hhi_match_index *index,
                                            const char *type, int32_t point,
                                            int32_t action);

#endif
