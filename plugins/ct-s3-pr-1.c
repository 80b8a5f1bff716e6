/*
 * CT.S3.PR.1: an S3 bucket must carry a bucket-level
 * PublicAccessBlockConfiguration with all four settings true.
 *
 * Judged as the Control Tower cfn-guard rule judges it (see README.md):
 * only the boolean true counts, so "true" (a string), 1 or a {"Ref": ...}
 * fail; a list counts when every item is true.
 *
 * Terraform and Pulumi keep those settings in a separate public access
 * block resource: the block itself must have all four true, and a bucket
 * complies only when a block of the same input document targets it with
 * all four true (s3-block*.c find it).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <hookhost/plugin.h>

#include "plugin_util.h"
#include "s3-block.h"

static const struct pu_control control = {
    "CT.S3.PR.1",
    "Require an Amazon S3 bucket to have block public access settings configured",
    "The parameters 'BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', "
    "'RestrictPublicBuckets' must be set to true under the bucket-level "
    "'PublicAccessBlockConfiguration'.",
    HH_SEVERITY_HIGH,
};

#define TARGET_TYPE "AWS::S3::Bucket"
#define PABC "PublicAccessBlockConfiguration"

static const char *const settings[] = {
    "BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets",
};

/* Add "; " before every reason but the first. */
static void next_reason(struct pu_buf *reasons)
{
    if (reasons->len > 0)
        pu_buf_add(reasons, "; ");
}

/* Judge one setting of the configuration; a reason is added when it fails. */
static void check_setting(const struct pu_doc *doc, const char *base, const char *name,
                          struct pu_buf *reasons)
{
    struct pu_pointer p;
    struct hh_value v;

    if (pu_guard_key(doc, base, name, &p, &v) != HH_OK) {
        next_reason(reasons);
        pu_buf_addf(reasons, PABC ".%s is not set", name);
        return;
    }
    if (pu_guard_all(doc, p.text, &v, pu_pred_true, NULL))
        return;
    next_reason(reasons);
    pu_buf_addf(reasons, PABC ".%s is ", name);
    pu_buf_describe(reasons, doc, p.text, &v);
    pu_buf_add(reasons, v.type == HH_VALUE_ARRAY     ? ", not all of whose items are true"
                        : v.type == HH_VALUE_BOOLEAN ? ", not true"
                                                     : ", not the boolean true");
}

/*
 * Why the bucket's properties fail, or nothing when they comply.  rc and v
 * are the read of the whole Properties.
 */
static void check_bucket(const struct pu_doc *doc, int32_t rc, struct hh_value v,
                         struct pu_buf *reasons)
{
    struct pu_pointer p;
    const char *fn;
    size_t i;

    if (rc == HH_ERR_NOT_FOUND) {
        pu_buf_add(reasons, "the bucket has no Properties, so " PABC " is not set");
        return;
    }
    /* cfn-guard reads the settings from an object only, never from a list. */
    if (v.type != HH_VALUE_OBJECT) {
        pu_buf_add(reasons, "Properties is ");
        pu_buf_describe(reasons, doc, "", &v);
        pu_buf_add(reasons, ", not an object, so " PABC " is not set");
        return;
    }
    if (pu_guard_key(doc, "", PABC, &p, &v) != HH_OK) {
        pu_buf_add(reasons, PABC " is not set");
        return;
    }
    if (v.type != HH_VALUE_OBJECT) {
        pu_buf_add(reasons, PABC " is ");
        pu_buf_describe(reasons, doc, p.text, &v);
        pu_buf_add(reasons, ", not an object");
        return;
    }
    if (pu_intrinsic_name(doc, p.text, &v, &fn)) {
        /* cfn-guard finds none of the four settings inside the function. */
        pu_buf_addf(reasons, PABC " is the intrinsic function {\"%s\": ...}, so none of its "
                    "four settings can be read before deployment", fn);
        return;
    }
    for (i = 0; i < sizeof(settings) / sizeof(settings[0]); i++)
        check_setting(doc, p.text, settings[i], reasons);
}

/* What a target type is, for this control. */
enum s3_kind {
    KIND_CFN_BUCKET, /* AWS::S3::Bucket: the cfn-guard rule */
    KIND_BUCKET,     /* a Terraform or Pulumi bucket: its blocks decide */
    KIND_BLOCK       /* a Terraform or Pulumi public access block */
};

struct s3_target {
    const char *type;
    enum s3_kind kind;
    const struct s3_engine *engine; /* NULL for CloudFormation */
    bool (*search)(struct s3_search *s, const char *bucket_pointer);
};

static const struct s3_target s3_targets[] = {
    { TARGET_TYPE, KIND_CFN_BUCKET, NULL, NULL },
    { "aws_s3_bucket", KIND_BUCKET, &s3_terraform, s3_search_terraform },
    { "aws_s3_bucket_public_access_block", KIND_BLOCK, &s3_terraform, NULL },
    { "aws:s3/bucket:Bucket", KIND_BUCKET, &s3_pulumi, s3_search_pulumi },
    { "aws:s3/bucketV2:BucketV2", KIND_BUCKET, &s3_pulumi, s3_search_pulumi },
    { "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", KIND_BLOCK, &s3_pulumi, NULL },
};

#define TARGET_COUNT (sizeof(s3_targets) / sizeof(s3_targets[0]))

/* "a, b, c and d": the engine's four setting names, for messages. */
static void add_setting_names(struct pu_buf *b, const struct s3_engine *e)
{
    pu_buf_addf(b, "%s, %s, %s and %s", e->settings[0], e->settings[1], e->settings[2],
                e->settings[3]);
}

static void judge_cfn_bucket(const struct hh_host_api *host, hh_context *ctx,
                             const struct hh_request *req)
{
    struct pu_doc doc = { host, ctx, HH_DOC_PROPERTIES };
    char storage[PU_REASONS_MAX];
    struct pu_buf reasons;
    struct hh_value props;
    int32_t rc;

    rc = pu_read_properties(&doc, req, &props);
    if (pu_host_refused(host, ctx, &control, rc))
        return;
    pu_buf_init(&reasons, storage, sizeof(storage));
    check_bucket(&doc, rc, props, &reasons);
    if (reasons.len > 0)
        pu_control_fail(host, ctx, &control, reasons.text);
    else
        pu_control_pass(host, ctx, &control, false,
                        "all four " PABC " settings are true");
}

/* A Terraform or Pulumi public access block: its own four settings. */
static void judge_block(const struct hh_host_api *host, hh_context *ctx,
                        const struct hh_request *req, const struct s3_engine *e)
{
    struct pu_doc doc = { host, ctx, HH_DOC_PROPERTIES };
    char storage[PU_REASONS_MAX], note[256];
    struct pu_buf reasons, pass;
    struct hh_value props;
    int32_t rc;

    rc = pu_read_properties(&doc, req, &props);
    if (pu_host_refused(host, ctx, &control, rc))
        return;
    pu_buf_init(&reasons, storage, sizeof(storage));
    if (rc == HH_ERR_NOT_FOUND) {
        pu_buf_add(&reasons, "the public access block has no properties, so none of its four "
                             "settings is set");
    } else if (props.type != HH_VALUE_OBJECT) {
        pu_buf_add(&reasons, "the public access block's properties are ");
        pu_buf_describe_attr(&reasons, &doc, "", &props);
        pu_buf_add(&reasons, ", not an object");
    } else {
        s3_block_settings(&doc, e, "", NULL, "", &reasons);
    }
    if (reasons.len > 0) {
        pu_control_fail(host, ctx, &control, reasons.text);
        return;
    }
    pu_buf_init(&pass, note, sizeof(note));
    pu_buf_add(&pass, "compliant: ");
    add_setting_names(&pass, e);
    pu_buf_add(&pass, " are all true");
    pu_control_pass(host, ctx, &control, false, pass.text);
}

/* Is the request's input document the engine's plan or preview? */
static bool has_document(const struct hh_request *req, const struct s3_engine *e)
{
    return HH_HAS_MEMBER(req, struct hh_request, input_pointer) && req->input_format != NULL &&
           req->input_pointer != NULL && strcmp(req->input_format, e->input_format) == 0;
}

/* A Terraform or Pulumi bucket: compliant when one of its blocks is. */
static void judge_bucket(const struct hh_host_api *host, hh_context *ctx,
                         const struct hh_request *req, const struct s3_target *t)
{
    const struct s3_engine *e = t->engine;
    struct pu_doc input = { host, ctx, HH_DOC_INPUT };
    char storage[PU_REASONS_MAX], note[S3_LABEL_MAX + 160];
    struct pu_buf reasons;
    struct s3_search s;

    pu_buf_init(&reasons, storage, sizeof(storage));
    memset(&s, 0, sizeof(s));
    s.engine = e;
    s.input = &input;
    s.reasons = &reasons;
    if (!has_document(req, e)) {
        pu_buf_addf(&reasons, "a %s bucket's block public access settings are a separate %s "
                    "resource, and without the %s's whole document (%s) none can be found for "
                    "this bucket", e->name, e->block_type, e->document, e->input_format);
    } else if (!t->search(&s, req->input_pointer)) {
        pu_buf_addf(&reasons, "the %s document has no bucket of this type at %.200s, so no %s "
                    "can be linked to this bucket", e->input_format, req->input_pointer,
                    e->block_type);
    } else if (s.compliant) {
        snprintf(note, sizeof(note), "compliant: %s targets this bucket with all four settings "
                 "true", s.compliant_block);
        pu_control_pass(host, ctx, &control, false, note);
        return;
    } else if (s.blocks == 0) {
        pu_buf_addf(&reasons, "no %s in the %s targets this bucket; add one whose bucket is "
                    "this bucket's id, with ", e->block_type, e->document);
        add_setting_names(&reasons, e);
        pu_buf_add(&reasons, " all true");
    }
    pu_control_fail(host, ctx, &control, reasons.text);
}

static const struct s3_target *find_target(const char *type)
{
    size_t i;

    for (i = 0; i < TARGET_COUNT; i++) {
        if (strcmp(type, s3_targets[i].type) == 0)
            return &s3_targets[i];
    }
    return NULL;
}

static void HH_CALL s3_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    const struct hh_host_api *host = ((const struct pu_instance *)instance)->host;
    const struct s3_target *t = find_target(req->target_type);

    if (t == NULL)
        pu_answer(host, ctx, HH_STATUS_FAILED, HH_ERROR_UNSUPPORTED_TARGET,
                  "[CT.S3.PR.1]: only " TARGET_TYPE ", aws_s3_bucket, "
                  "aws_s3_bucket_public_access_block, aws:s3/bucket:Bucket, "
                  "aws:s3/bucketV2:BucketV2 and "
                  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock resources are "
                  "supported");
    else if (t->kind == KIND_CFN_BUCKET)
        judge_cfn_bucket(host, ctx, req);
    else if (t->kind == KIND_BLOCK)
        judge_block(host, ctx, req, t->engine);
    else
        judge_bucket(host, ctx, req, t);
}

static const char *const targets[] = {
    TARGET_TYPE,
    "aws_s3_bucket",
    "aws_s3_bucket_public_access_block",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
};

#define TARGET_NAMES (sizeof(targets) / sizeof(targets[0]))

static const struct hh_handler handlers[] = {
    { HH_POINT_PRE_PROVISION, HH_ACTION_CREATE, targets, TARGET_NAMES },
    { HH_POINT_PRE_PROVISION, HH_ACTION_UPDATE, targets, TARGET_NAMES },
};

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    "Hookhost::ControlTower::S3BucketPublicAccess",
    "1.0.0",
    "AWS Control Tower proactive control CT.S3.PR.1: require an Amazon S3 bucket to "
    "have bucket-level block public access settings configured (CloudFormation, "
    "Terraform and Pulumi).",
    HH_FAILURE_MODE_FAIL,
    HH_PLUGIN_FLAG_CONCURRENT,
    "{\"type\":\"object\",\"properties\":{},\"additionalProperties\":false}",
    handlers,
    sizeof(handlers) / sizeof(handlers[0]),
    sizeof(struct hh_handler),
    pu_instance_create,
    pu_instance_destroy,
    s3_invoke,
    NULL,
};

HH_PLUGIN_DEFINE(descriptor)
