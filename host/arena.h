/*
 * A string arena: copies of result messages live in large chunks freed
 * together, so recording a result does not cost a malloc per message.
 */
#ifndef HOOKHOST_HOST_ARENA_H
#define HOOKHOST_HOST_ARENA_H

#include <stddef.h>

struct hhi_arena_chunk;

struct hhi_arena {
    struct hhi_arena_chunk *head;
};

/* A NUL-terminated copy of len bytes of s, or NULL when out of memory. */
char *hhi_arena_strndup(struct hhi_arena *arena, const char *s, size_t len);

void hhi_arena_release(struct hhi_arena *arena);

/* Move every chunk of src into dst (src is left empty). */
void hhi_arena_adopt(struct hhi_arena *dst, struct hhi_arena *src);

#endif
