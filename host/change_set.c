#include "config.h"

#include "change_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Grow *v (of *cap elements of size elem) to hold one more. */
static int grow(void **v, size_t *cap, size_t count, size_t elem)
{
    size_t ncap;
    void *n;

    if (count < *cap)
        return 0;
    ncap = *cap ? *cap * 2 : 16;
    if (ncap > SIZE_MAX / elem)
        return -1;
    n = realloc(*v, ncap * elem);
    if (n == NULL)
        return -1;
    *v = n;
    *cap = ncap;
    return 0;
}

void hhi_change_set_init(struct hhi_change_set *cs)
{
    memset(cs, 0, sizeof(*cs));
}

void hhi_change_set_release(struct hhi_change_set *cs)
{
    size_t i;

    for (i = 0; i < cs->doc_count; i++)
        json_object_put(cs->docs[i]);
    for (i = 0; i < cs->source_count; i++)
        free(cs->sources[i]);
    free(cs->docs);
    free(cs->sources);
    free(cs->ops);
    hhi_arena_release(&cs->strings);
    memset(cs, 0, sizeof(*cs));
}

int hhi_change_set_adopt_doc(struct hhi_change_set *cs, json_object *doc,
                             struct hhi_error *err)
{
    if (grow((void **)&cs->docs, &cs->doc_cap, cs->doc_count, sizeof(*cs->docs)) != 0) {
        json_object_put(doc);
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    }
    cs->docs[cs->doc_count++] = doc;
    return HHI_OK;
}

const char *hhi_change_set_source(struct hhi_change_set *cs, const char *path,
                                  struct hhi_error *err)
{
    char *copy;

    if (grow((void **)&cs->sources, &cs->source_cap, cs->source_count,
             sizeof(*cs->sources)) != 0 || (copy = strdup(path)) == NULL) {
        hhi_error_set(err, HHI_ENOMEM, "out of memory");
        return NULL;
    }
    cs->sources[cs->source_count++] = copy;
    return copy;
}

/* "FILE:LINE" of an operation, or "FILE" when the line is unknown. */
static const char *where(const struct hhi_operation *op, char *buf, size_t cap)
{
    if (op->line == 0)
        return op->source != NULL ? op->source : "input";
    snprintf(buf, cap, "%.*s:%zu", (int)(cap - 32), op->source != NULL ? op->source : "input",
             op->line);
    return buf;
}

static int check_names(const struct hhi_operation *op, struct hhi_error *err)
{
    size_t type = op->target_type != NULL ? strlen(op->target_type) : 0;
    size_t id = op->logical_id != NULL ? strlen(op->logical_id) : 0;
    char buf[4200];

    if (type > HHI_TARGET_TYPE_MAX)
        return hhi_error_set(err, HHI_EINPUT,
                             "%s: a resource type of %zu bytes, longer than the limit of %d",
                             where(op, buf, sizeof(buf)), type, HHI_TARGET_TYPE_MAX);
    if (id > HHI_LOGICAL_ID_MAX)
        return hhi_error_set(err, HHI_EINPUT,
                             "%s: a logical id of %zu bytes, longer than the limit of %d",
                             where(op, buf, sizeof(buf)), id, HHI_LOGICAL_ID_MAX);
    return HHI_OK;
}

int hhi_change_set_add(struct hhi_change_set *cs, const struct hhi_operation *op,
                       struct hhi_error *err)
{
    int rc = check_names(op, err);

    if (rc != HHI_OK)
        return rc;
    if (grow((void **)&cs->ops, &cs->cap, cs->count, sizeof(*cs->ops)) != 0)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    cs->ops[cs->count++] = *op;
    return HHI_OK;
}

const char *hhi_change_set_strndup(struct hhi_change_set *cs, const char *s, size_t len,
                                   struct hhi_error *err)
{
    const char *copy = hhi_arena_strndup(&cs->strings, s, len);

    if (copy == NULL)
        hhi_error_set(err, HHI_ENOMEM, "out of memory");
    return copy;
}
