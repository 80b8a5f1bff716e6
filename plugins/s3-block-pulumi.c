/*
 * Which aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock of a Pulumi
 * preview (pulumi preview --json) targets a bucket.
 *
 * During a preview a block's `bucket` input is usually unknown (the id of a
 * bucket yet to be created reads as Pulumi's unknown placeholder), but the
 * engine records where each input came from: newState.propertyDependencies
 * .bucket lists the URNs of the resources the input was computed from.  So
 * a block targets the bucket when
 *   1. its propertyDependencies.bucket holds the bucket's URN, or
 *   2. its bucket input is known and is the bucket's name or id, or
 *   3. it records no propertyDependencies.bucket at all (older engines), and
 *      its resource-level dependencies hold the bucket's URN and no other
 *      bucket's.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "s3-block.h"

#define PL_URN_MAX 1024
#define PL_NAME_MAX 256

/* Where a bucket's name or id may be known in its step. */
static const char *const name_paths[][3] = {
    { "newState", "inputs", "bucket" },
    { "newState", "id", NULL },
    { "oldState", "id", NULL },
    { "newState", "outputs", "id" },
    { "oldState", "outputs", "id" },
    { "newState", "outputs", "bucket" },
    { "oldState", "outputs", "bucket" },
};

#define NAME_PATHS (sizeof(name_paths) / sizeof(name_paths[0]))

static const char *const bucket_types[] = {
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", NULL,
};

/* Steps whose resource does not exist after the update. */
static const char *const deleting_ops[] = {
    "delete", "delete-replaced", "discard", "discard-replaced", "remove-pending-replace",
    "read-discard", NULL,
};

struct pl_bucket {
    char urn[PL_URN_MAX];
    char names[NAME_PATHS][PL_NAME_MAX]; /* known names and ids, "" when unknown */
};

static bool names_bucket(const struct pl_bucket *b, const char *name)
{
    size_t i;

    for (i = 0; i < NAME_PATHS; i++) {
        if (b->names[i][0] != '\0' && strcmp(b->names[i], name) == 0)
            return true;
    }
    return false;
}

/*
 * Is urn ("urn:pulumi:STACK::PROJECT::PARENT$TYPE::NAME") a bucket's?  The
 * type is the last $-separated part of the qualified type.
 */
static bool urn_is_bucket(const char *urn)
{
    const char *stack_end, *project_end, *type_end, *type;
    char buf[PL_NAME_MAX];
    size_t len;

    if (strncmp(urn, "urn:pulumi:", 11) != 0 || (stack_end = strstr(urn + 11, "::")) == NULL ||
        (project_end = strstr(stack_end + 2, "::")) == NULL ||
        (type_end = strstr(project_end + 2, "::")) == NULL)
        return false;
    type = project_end + 2;
    len = (size_t)(type_end - type);
    if (len >= sizeof(buf))
        return false;
    memcpy(buf, type, len);
    buf[len] = '\0';
    type = strrchr(buf, '$') != NULL ? strrchr(buf, '$') + 1 : buf;
    return pu_string_in(type, bucket_types);
}

/* Read the bucket of step; false when it is not a bucket step. */
static bool read_bucket(const struct pu_doc *doc, const char *step, struct pl_bucket *b)
{
    char type[PL_NAME_MAX];
    struct pu_pointer p;
    size_t i;

    pu_pointer_join(&p, step, "urn", (const char *)NULL);
    if (!pu_get_string(doc, p.text, false, b->urn, sizeof(b->urn))) {
        pu_pointer_join(&p, step, "newState", "urn", (const char *)NULL);
        if (!pu_get_string(doc, p.text, false, b->urn, sizeof(b->urn)))
            return false;
    }
    /* The state's type, else (as the host does) the URN's. */
    pu_pointer_join(&p, step, "newState", "type", (const char *)NULL);
    if (pu_get_string(doc, p.text, false, type, sizeof(type))
            ? !pu_string_in(type, bucket_types)
            : !urn_is_bucket(b->urn))
        return false;
    for (i = 0; i < NAME_PATHS; i++) {
        pu_pointer_join(&p, step, name_paths[i][0], name_paths[i][1], name_paths[i][2],
                        (const char *)NULL);
        pu_get_string(doc, p.text, true, b->names[i], sizeof(b->names[i]));
    }
    return true;
}

/* Do the block's resource-level dependencies name the bucket and no other one? */
static bool only_bucket_dependency(const struct pu_doc *doc, const char *deps, const char *urn)
{
    struct hh_value item;
    bool found = false;
    size_t i;

    for (i = 0; pu_member(doc, deps, i, NULL, &item) == HH_OK; i++) {
        if (item.type != HH_VALUE_STRING)
            continue;
        if (strcmp(item.string, urn) == 0)
            found = true;
        else if (urn_is_bucket(item.string))
            return false;
    }
    return found;
}

static bool block_targets(const struct pu_doc *doc, const struct pl_bucket *b, const char *step)
{
    char known[PL_NAME_MAX];
    struct pu_pointer p;
    struct hh_value v;

    pu_pointer_join(&p, step, "newState", "propertyDependencies", "bucket", (const char *)NULL);
    if (pu_array_has_string(doc, p.text, b->urn))
        return true;
    pu_pointer_join(&p, step, "newState", "inputs", "bucket", (const char *)NULL);
    if (pu_get_string(doc, p.text, true, known, sizeof(known)) && names_bucket(b, known))
        return true;
    pu_pointer_join(&p, step, "newState", "propertyDependencies", "bucket", (const char *)NULL);
    if (pu_get(doc, p.text, &v) != HH_ERR_NOT_FOUND)
        return false;
    pu_pointer_join(&p, step, "newState", "dependencies", (const char *)NULL);
    return only_bucket_dependency(doc, p.text, b->urn);
}

/* Is step a block that will exist after the update? */
static bool is_live_block(const struct pu_doc *doc, const char *step)
{
    char op[64];
    struct pu_pointer p;
    struct hh_value v;

    pu_pointer_join(&p, step, "newState", "type", (const char *)NULL);
    if (!pu_string_at(doc, p.text, s3_pulumi.block_type))
        return false;
    pu_pointer_join(&p, step, "op", (const char *)NULL);
    if (pu_get_string(doc, p.text, false, op, sizeof(op)) && pu_string_in(op, deleting_ops))
        return false;
    pu_pointer_join(&p, step, "newState", "inputs", (const char *)NULL);
    return pu_get(doc, p.text, &v) == HH_OK && v.type == HH_VALUE_OBJECT;
}

/* "TYPE::NAME", the end of the block's URN, to name it in messages. */
static void block_label(const struct pu_doc *doc, const char *step, char *out, size_t size)
{
    char urn[PL_URN_MAX];
    const char *tail = NULL, *s;
    struct pu_pointer p;
    struct pu_buf b;

    pu_pointer_join(&p, step, "urn", (const char *)NULL);
    if (!pu_get_string(doc, p.text, false, urn, sizeof(urn))) {
        snprintf(out, size, "%s", s3_pulumi.block_type);
        return;
    }
    s = strstr(urn, "::");
    if (s != NULL)
        s = strstr(s + 2, "::");
    if (s != NULL)
        tail = s + 2;
    /* The parent types before the last '$' say nothing about the block. */
    if (tail != NULL && strrchr(tail, '$') != NULL && strrchr(tail, '$') < strstr(tail, "::"))
        tail = strrchr(tail, '$') + 1;
    pu_buf_init(&b, out, size);
    pu_buf_add(&b, tail != NULL ? tail : urn);
}

bool s3_search_pulumi(struct s3_search *s, const char *bucket_pointer)
{
    struct pl_bucket bucket;
    struct hh_value item;
    size_t i;

    if (!read_bucket(s->input, bucket_pointer, &bucket))
        return false;
    for (i = 0; pu_member(s->input, "/steps", i, NULL, &item) == HH_OK; i++) {
        struct pu_pointer step, inputs;
        char label[S3_LABEL_MAX];

        pu_pointer_init(&step, "/steps");
        pu_pointer_index(&step, i);
        if (!is_live_block(s->input, step.text) || !block_targets(s->input, &bucket, step.text))
            continue;
        pu_pointer_join(&inputs, step.text, "newState", "inputs", (const char *)NULL);
        block_label(s->input, step.text, label, sizeof(label));
        s3_search_add(s, label, inputs.text, NULL);
    }
    return true;
}
