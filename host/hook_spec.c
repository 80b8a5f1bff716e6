#include "config.h"

#include "hook_spec.h"

#include <stdlib.h>
#include <string.h>

void hhi_hook_specs_init(struct hhi_hook_specs *s)
{
    memset(s, 0, sizeof(*s));
}

void hhi_hook_specs_release(struct hhi_hook_specs *s)
{
    size_t i;

    for (i = 0; i < s->doc_count; i++)
        json_object_put(s->docs[i]);
    free(s->docs);
    free(s->v);
    hhi_arena_release(&s->strings);
    memset(s, 0, sizeof(*s));
}

static const char *keep(struct hhi_hook_specs *s, const char *text, int *failed)
{
    const char *copy;

    if (text == NULL)
        return NULL;
    copy = hhi_arena_strndup(&s->strings, text, strlen(text));
    if (copy == NULL)
        *failed = 1;
    return copy;
}

int hhi_hook_specs_add(struct hhi_hook_specs *s, const struct hhi_hook_spec *spec,
                       struct hhi_error *err)
{
    struct hhi_hook_spec copy = *spec;
    int failed = 0;

    if (s->count == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        struct hhi_hook_spec *v = realloc(s->v, cap * sizeof(*v));
        json_object **d = realloc(s->docs, cap * sizeof(*d));

        if (v != NULL)
            s->v = v;
        if (d != NULL)
            s->docs = d;
        if (v == NULL || d == NULL)
            return hhi_error_set(err, HHI_ENOMEM, "out of memory");
        s->cap = cap;
    }
    copy.source = keep(s, spec->source, &failed);
    copy.plugin_file = keep(s, spec->plugin_file, &failed);
    copy.sha256 = keep(s, spec->sha256, &failed);
    copy.name = keep(s, spec->name, &failed);
    copy.version = keep(s, spec->version, &failed);
    if (failed)
        return hhi_error_set(err, HHI_ENOMEM, "out of memory");
    if (spec->configuration != NULL)
        s->docs[s->doc_count++] = json_object_get(spec->configuration);
    s->v[s->count++] = copy;
    return HHI_OK;
}
