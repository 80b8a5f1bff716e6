#include "config.h"

#include "match_index.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS (HH_POINT_COUNT * HH_ACTION_COUNT)

struct entry {
    char *type;                  /* NULL: empty bucket */
    uint64_t hash;
    struct hhi_hook **hooks;     /* every list of this type, back to back */
    uint32_t start[SLOTS];
    uint32_t count[SLOTS];
};

struct hhi_match_index {
    struct entry *buckets;       /* open addressing, power-of-two size */
    size_t size;
    size_t used;
    struct hhi_hook **live;      /* hooks active for this stack, in run order */
    size_t live_count;
};

static uint64_t hash_string(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */

    while (*s != '\0') {
        h ^= (unsigned char)*s++;
        h *= 1099511628211ull;
    }
    return h;
}

static struct entry *find(const struct hhi_match_index *idx, const char *type, uint64_t h)
{
    size_t mask = idx->size - 1, i = (size_t)h & mask;

    while (idx->buckets[i].type != NULL) {
        if (idx->buckets[i].hash == h && strcmp(idx->buckets[i].type, type) == 0)
            return &idx->buckets[i];
        i = (i + 1) & mask;
    }
    return &idx->buckets[i];
}

static int rehash(struct hhi_match_index *idx)
{
    size_t nsize = idx->size * 2, i;
    struct entry *old = idx->buckets;
    size_t osize = idx->size;

    idx->buckets = calloc(nsize, sizeof(*idx->buckets));
    if (idx->buckets == NULL) {
        idx->buckets = old;
        return -1;
    }
    idx->size = nsize;
    for (i = 0; i < osize; i++) {
        if (old[i].type != NULL)
            *find(idx, old[i].type, old[i].hash) = old[i];
    }
    free(old);
    return 0;
}

int hhi_match_index_new(struct hhi_match_index **out, const struct hhi_hookset *set,
                        const struct hhi_stack *stack, struct hhi_error *err)
{
    struct hhi_match_index *idx;
    size_t i;

    *out = NULL;
    idx = calloc(1, sizeof(*idx));
    if (idx == NULL)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    idx->size = 64;
    idx->buckets = calloc(idx->size, sizeof(*idx->buckets));
    idx->live = calloc(set->hook_count + 1, sizeof(*idx->live));
    if (idx->buckets == NULL || idx->live == NULL) {
        hhi_match_index_free(idx);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    for (i = 0; i < set->hook_count; i++) {
        struct hhi_hook *h = set->hooks[i];

        if (hhi_hook_active(h) &&
            hhi_hook_config_stack_matches(&h->config, stack->name, stack->role))
            idx->live[idx->live_count++] = h;
    }
    *out = idx;
    return HHI_OK;
}

void hhi_match_index_free(struct hhi_match_index *idx)
{
    size_t i;

    if (idx == NULL)
        return;
    for (i = 0; idx->buckets != NULL && i < idx->size; i++) {
        free(idx->buckets[i].type);
        free(idx->buckets[i].hooks);
    }
    free(idx->buckets);
    free(idx->live);
    free(idx);
}

static bool hook_runs(const struct hhi_hook *h, const char *type, int32_t point,
                      int32_t action)
{
    return hhi_plugin_targets(h->plugin, type, point, action) &&
           hhi_hook_config_targets(&h->config, type, point, action);
}

static int fill(const struct hhi_match_index *idx, struct entry *e, const char *type)
{
    size_t total = 0, i;
    int32_t p, a;

    e->hooks = calloc(idx->live_count * SLOTS + 1, sizeof(*e->hooks));
    if (e->hooks == NULL)
        return -1;
    for (p = 0; p < HH_POINT_COUNT; p++) {
        for (a = 0; a < HH_ACTION_COUNT; a++) {
            int s = p * HH_ACTION_COUNT + a;

            e->start[s] = (uint32_t)total;
            for (i = 0; i < idx->live_count; i++) {
                if (hook_runs(idx->live[i], type, p, a))
                    e->hooks[total++] = idx->live[i];
            }
            e->count[s] = (uint32_t)(total - e->start[s]);
        }
    }
    return 0;
}

int hhi_match_index_add(struct hhi_match_index *idx, const char *type, struct hhi_error *err)
{
    uint64_t h = hash_string(type);
    struct entry *e = find(idx, type, h);

    if (e->type != NULL)
        return HHI_OK;
    if ((idx->used + 1) * 4 > idx->size * 3) {
        if (rehash(idx) != 0)
            return hhi_error_set(err, HHI_ENOMEM, "out of memory");
        e = find(idx, type, h);
    }
    e->type = strdup(type);
    if (e->type == NULL || fill(idx, e, type) != 0) {
        free(e->type);
        e->type = NULL;
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    e->hash = h;
    idx->used++;
    return HHI_OK;
}

struct hhi_hook_list hhi_match_index_lookup(const struct hhi_match_index *idx,
                                            const char *type, int32_t point, int32_t action)
{
    struct hhi_hook_list list = { NULL, 0 };
    const struct entry *e = find(idx, type, hash_string(type));
    int s;

    if (e->type == NULL || point < 0 || point >= HH_POINT_COUNT || action < 0 ||
        action >= HH_ACTION_COUNT)
        return list;
    s = point * HH_ACTION_COUNT + action;
    list.hooks = e->hooks + e->start[s];
    list.count = e->count[s];
    return list;
}
