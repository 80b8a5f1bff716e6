/*
 * CT.S3.PR.1 on Terraform and Pulumi: there a bucket's block public access
 * settings are a separate resource (aws_s3_bucket_public_access_block,
 * aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock) whose `bucket`
 * names the bucket.  These helpers judge such a block and find, in the
 * whole input document (HH_DOC_INPUT), the blocks that target a bucket.
 * Internal to ct-s3-pr-1.so.
 */
#ifndef HOOKHOST_PLUGINS_S3_BLOCK_H
#define HOOKHOST_PLUGINS_S3_BLOCK_H

#include <stdbool.h>
#include <stddef.h>

#include "plugin_util.h"

#define S3_SETTING_COUNT 4
#define S3_LABEL_MAX 256

/* How one engine names things. */
struct s3_engine {
    const char *name;         /* "Terraform", "Pulumi" */
    const char *input_format; /* hh_request.input_format of its documents */
    const char *document;     /* "plan", "preview" */
    const char *block_type;   /* the public access block's type name */
    const char *settings[S3_SETTING_COUNT]; /* in CloudFormation's order */
};

extern const struct s3_engine s3_terraform;
extern const struct s3_engine s3_pulumi;

/*
 * Judge the four settings of a block whose attributes are the object at
 * base (of doc): each must be the boolean true.  Reasons are added to
 * reasons (each prefixed with label, and separated by "; ").  unknown_base,
 * when not NULL, is Terraform's after_unknown object of the block: an
 * absent setting it marks true is reported as known only after apply.
 * Returns true when all four are true.
 */
bool s3_block_settings(const struct pu_doc *doc, const struct s3_engine *e, const char *base,
                       const char *unknown_base, const char *label, struct pu_buf *reasons);

/* What the search for the blocks of one bucket found. */
struct s3_search {
    const struct s3_engine *engine;
    const struct pu_doc *input;      /* HH_DOC_INPUT */
    struct pu_buf *reasons;          /* why the blocks found do not comply */
    size_t blocks;                   /* blocks found that target the bucket */
    bool compliant;                  /* one of them has all four settings true */
    char compliant_block[S3_LABEL_MAX];
};

/*
 * A block that targets the bucket was found: label names it, base holds its
 * attributes (unknown_base: see s3_block_settings).  Judges it and records
 * the outcome in s.
 */
void s3_search_add(struct s3_search *s, const char *label, const char *base,
                   const char *unknown_base);

/*
 * Find the blocks that target the bucket at bucket_pointer of s->input (a
 * Terraform plan's "/resource_changes/N", a Pulumi preview's "/steps/N").
 * Returns false when the document does not describe that bucket the way
 * the format says (then nothing was searched).
 */
bool s3_search_terraform(struct s3_search *s, const char *bucket_pointer);
bool s3_search_pulumi(struct s3_search *s, const char *bucket_pointer);

#endif
