/*
 * Answers FAILED/NonCompliant with annotations: one FAILED with severity
 * and remediation, one PASSED without severity, and one invalid (no name)
 * that the host must refuse.  The return codes go into the message.
 */
#include "config.h"

#include <stdio.h>

#include "test_plugin.h"

static void HH_CALL annotations_invoke(void *instance, hh_context *ctx,
                                       const struct hh_request *req)
{
    const struct hh_host_api *host = tp_host(instance);
    struct hh_annotation a;
    int32_t rc1, rc2, rc3;
    char msg[128];

    (void)req;
    memset(&a, 0, sizeof(a));
    a.abi = (struct hh_abi)HH_ABI_INIT(struct hh_annotation);
    a.name = "EncryptionAtRest";
    a.status = HH_ANNOTATION_FAILED;
    a.severity = HH_SEVERITY_HIGH;
    a.status_message = "the bucket is not encrypted";
    a.remediation_message = "Set BucketEncryption";
    a.remediation_link = "https://example.com/encryption";
    rc1 = host->add_annotation(ctx, &a);

    memset(&a, 0, sizeof(a));
    a.abi = (struct hh_abi)HH_ABI_INIT(struct hh_annotation);
    a.name = "Versioning";
    a.status = HH_ANNOTATION_PASSED;
    a.severity = HH_SEVERITY_NONE;
    rc2 = host->add_annotation(ctx, &a);

    a.name = NULL; /* invalid: must be refused and not reported */
    rc3 = host->add_annotation(ctx, &a);

    snprintf(msg, sizeof(msg), "1 of 2 checks failed (add_annotation: %d %d %d)", (int)rc1,
             (int)rc2, (int)rc3);
    tp_answer(instance, ctx, HH_STATUS_FAILED, HH_ERROR_NON_COMPLIANT, msg);
}

TP_SIMPLE_PLUGIN("Test::Contract::Annotations", annotations_invoke)
