#include "config.h"

#include "arena.h"

#include <stdlib.h>
#include <string.h>

#define HHI_ARENA_CHUNK (64 * 1024)

struct hhi_arena_chunk {
    struct hhi_arena_chunk *next;
    size_t used;
    size_t size;
    char data[];
};

static struct hhi_arena_chunk *chunk_new(size_t at_least)
{
    size_t size = at_least > HHI_ARENA_CHUNK ? at_least : HHI_ARENA_CHUNK;
    struct hhi_arena_chunk *c = malloc(sizeof(*c) + size);

    if (c != NULL) {
        c->next = NULL;
        c->used = 0;
        c->size = size;
    }
    return c;
}

char *hhi_arena_strndup(struct hhi_arena *arena, const char *s, size_t len)
{
    struct hhi_arena_chunk *c = arena->head;
    char *out;

    if (c == NULL || c->size - c->used < len + 1) {
        c = chunk_new(len + 1);
        if (c == NULL)
            return NULL;
        c->next = arena->head;
        arena->head = c;
    }
    out = c->data + c->used;
    memcpy(out, s, len);
    out[len] = '\0';
    c->used += len + 1;
    return out;
}

void hhi_arena_release(struct hhi_arena *arena)
{
    struct hhi_arena_chunk *c = arena->head;

    while (c != NULL) {
        struct hhi_arena_chunk *next = c->next;

        free(c);
        c = next;
    }
    arena->head = NULL;
}

void hhi_arena_adopt(struct hhi_arena *dst, struct hhi_arena *src)
{
    struct hhi_arena_chunk **tail = &src->head;

    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = dst->head;
    dst->head = src->head;
    src->head = NULL;
}
