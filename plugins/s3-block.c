/*
 * Judging a Terraform or Pulumi public access block, for the block itself
 * and for the buckets it targets.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "s3-block.h"

const struct s3_engine s3_terraform = {
    "Terraform",
    "terraform-plan",
    "plan",
    "aws_s3_bucket_public_access_block",
    { "block_public_acls", "block_public_policy", "ignore_public_acls",
      "restrict_public_buckets" },
};

const struct s3_engine s3_pulumi = {
    "Pulumi",
    "pulumi-preview",
    "preview",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    { "blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets" },
};

/*
 * Start the reason about one setting: the first of a block gets "; " (after
 * earlier reasons) and the block's label, the next ones of the same block
 * ", " when there is a label ("block.b: x is ..., y is ...") and "; " when
 * the block is the target itself.
 */
static void next_reason(struct pu_buf *reasons, const char *label, bool first)
{
    if (first) {
        if (reasons->len > 0)
            pu_buf_add(reasons, "; ");
        pu_buf_add(reasons, label);
    } else {
        pu_buf_add(reasons, label[0] != '\0' ? ", " : "; ");
    }
}

/* Does Terraform's after_unknown mark the setting as known only after apply? */
static bool unknown_after_apply(const struct pu_doc *doc, const char *unknown_base,
                                const char *name)
{
    struct pu_pointer p;
    struct hh_value v;

    if (unknown_base == NULL)
        return false;
    pu_pointer_join(&p, unknown_base, name, (const char *)NULL);
    return pu_get(doc, p.text, &v) == HH_OK && v.type == HH_VALUE_BOOLEAN && v.boolean;
}

static bool check_setting(const struct pu_doc *doc, const char *base, const char *unknown_base,
                          const char *name, const char *label, bool first,
                          struct pu_buf *reasons)
{
    struct pu_pointer p;
    struct hh_value v;

    if (pu_attr(doc, base, name, &p, &v) != HH_OK) {
        next_reason(reasons, label, first);
        if (unknown_after_apply(doc, unknown_base, name))
            pu_buf_addf(reasons, "%s is not known until apply, so it cannot be verified", name);
        else
            pu_buf_addf(reasons, "%s is not set (it defaults to false)", name);
        return false;
    }
    if (pu_pred_true(&v, NULL))
        return true;
    next_reason(reasons, label, first);
    pu_buf_addf(reasons, "%s is ", name);
    pu_buf_describe_attr(reasons, doc, p.text, &v);
    pu_buf_add(reasons, pu_is_unknown(&v)            ? ", so it cannot be verified"
                        : v.type == HH_VALUE_BOOLEAN ? ", not true"
                                                     : ", not the boolean true");
    return false;
}

bool s3_block_settings(const struct pu_doc *doc, const struct s3_engine *e, const char *base,
                       const char *unknown_base, const char *label, struct pu_buf *reasons)
{
    size_t i, failed = 0;

    for (i = 0; i < S3_SETTING_COUNT; i++) {
        if (!check_setting(doc, base, unknown_base, e->settings[i], label, failed == 0, reasons))
            failed++;
    }
    return failed == 0;
}

void s3_search_add(struct s3_search *s, const char *label, const char *base,
                   const char *unknown_base)
{
    char prefix[S3_LABEL_MAX + 4];
    struct hh_value v;

    s->blocks++;
    snprintf(prefix, sizeof(prefix), "%s: ", label);
    if (pu_get(s->input, base, &v) != HH_OK || v.type != HH_VALUE_OBJECT) {
        next_reason(s->reasons, prefix, true);
        pu_buf_add(s->reasons, "its attributes cannot be read");
        return;
    }
    if (s3_block_settings(s->input, s->engine, base, unknown_base, prefix, s->reasons) &&
        !s->compliant) {
        s->compliant = true;
        snprintf(s->compliant_block, sizeof(s->compliant_block), "%s", label);
    }
}
