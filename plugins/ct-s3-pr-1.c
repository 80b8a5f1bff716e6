/*
 * CT.S3.PR.1: an S3 bucket must carry a bucket-level
 * PublicAccessBlockConfiguration with all four settings true.
 *
 * Judged as the Control Tower cfn-guard rule judges it (see README.md):
 * only the boolean true counts, so "true" (a string), 1 or a {"Ref": ...}
 * fail; a list counts when every item is true.
 */
#include "config.h"

#include <string.h>

#include <hookhost/plugin.h>

#include "plugin_util.h"

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

static void HH_CALL s3_invoke(void *instance, hh_context *ctx, const struct hh_request *req)
{
    const struct hh_host_api *host = ((const struct pu_instance *)instance)->host;
    struct pu_doc doc = { host, ctx, HH_DOC_PROPERTIES };
    char storage[PU_REASONS_MAX];
    struct pu_buf reasons;
    struct hh_value props;
    int32_t rc;

    if (strcmp(req->target_type, TARGET_TYPE) != 0) {
        pu_answer(host, ctx, HH_STATUS_FAILED, HH_ERROR_UNSUPPORTED_TARGET,
                  "[CT.S3.PR.1]: only " TARGET_TYPE " resources are supported");
        return;
    }
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

static const char *const targets[] = { TARGET_TYPE };

static const struct hh_handler handlers[] = {
    { HH_POINT_PRE_PROVISION, HH_ACTION_CREATE, targets, 1 },
    { HH_POINT_PRE_PROVISION, HH_ACTION_UPDATE, targets, 1 },
};

static const struct hh_plugin descriptor = {
    HH_ABI_INIT(struct hh_plugin),
    "Hookhost::ControlTower::S3BucketPublicAccess",
    "1.0.0",
    "AWS Control Tower proactive control CT.S3.PR.1: require an Amazon S3 bucket to "
    "have bucket-level block public access settings configured.",
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
