#include "config.h"

/*
 * What a hook needs is to compute on the documents it is handed and answer
 * through the host API; file access is left alone (plugins read their own
 * data files, and the process limits bound the damage).  The filter's
 * default is to allow; these fail with EPERM:
 *
 *   always      ptrace, process_vm_readv/writev (reading other processes),
 *               mount, umount2, pivot_root, chroot, setns, unshare (changing
 *               the view of the system), kexec_load, kexec_file_load,
 *               init_module, finit_module, delete_module, reboot, swapon,
 *               swapoff (the machine), bpf, perf_event_open (kernel
 *               instrumentation), keyctl, add_key, request_key (the kernel
 *               keyrings, shared with the user's other processes),
 *               io_uring_setup/enter/register (its operations would bypass
 *               the filter, sockets included);
 *   "network"   socket() of any family but AF_UNIX, unless allowed;
 *   "exec"      execve, execveat, fork, vfork and clone without CLONE_THREAD
 *               (threads stay allowed), unless allowed; clone3, whose
 *               flags a filter cannot read, fails with ENOSYS so the C
 *               library falls back to clone.
 *
 * EPERM rather than killing the worker: the plugin sees an ordinary error
 * it can report ("socket: Operation not permitted" names what was
 * refused, a SIGSYS death would not), the host keeps the worker and its
 * instance, and code that merely probes for a feature goes on.  The
 * filter is inherited by every thread and every child, and it sets
 * no_new_privs, so a set-user-ID program cannot be used to escape it.
 */

#include "seccomp_filter.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "isolation.h"

#ifdef HAVE_SECCOMP
#include <sched.h>
#include <seccomp.h>

static const int always_denied[] = {
    SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
    SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root), SCMP_SYS(chroot),
    SCMP_SYS(setns), SCMP_SYS(unshare), SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load),
    SCMP_SYS(init_module), SCMP_SYS(finit_module), SCMP_SYS(delete_module), SCMP_SYS(reboot),
    SCMP_SYS(swapon), SCMP_SYS(swapoff), SCMP_SYS(bpf), SCMP_SYS(perf_event_open),
    SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key), SCMP_SYS(io_uring_setup),
    SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register),
};

static const int exec_denied[] = {
    SCMP_SYS(execve), SCMP_SYS(execveat), SCMP_SYS(fork), SCMP_SYS(vfork),
};

static int deny_all(scmp_filter_ctx f, const int *calls, size_t n)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < n && rc == 0; i++)
        rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), calls[i], 0);
    return rc;
}

static int deny_network(scmp_filter_ctx f)
{
    return seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(socket), 1,
                            SCMP_A0(SCMP_CMP_NE, AF_UNIX));
}

static int deny_exec(scmp_filter_ctx f)
{
    int rc = deny_all(f, exec_denied, sizeof(exec_denied) / sizeof(exec_denied[0]));

    /* A new process is a clone without CLONE_THREAD; threads go on. */
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
    if (rc == 0)
        rc = seccomp_rule_add(f, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    return rc;
}

int hhi_seccomp_apply(uint32_t allow, char *why, size_t cap)
{
    scmp_filter_ctx f = seccomp_init(SCMP_ACT_ALLOW);
    int rc;

    if (f == NULL) {
        snprintf(why, cap, "seccomp_init failed");
        return -1;
    }
    rc = deny_all(f, always_denied, sizeof(always_denied) / sizeof(always_denied[0]));
    if (rc == 0 && !(allow & HHI_ALLOW_NETWORK))
        rc = deny_network(f);
    if (rc == 0 && !(allow & HHI_ALLOW_EXEC))
        rc = deny_exec(f);
    if (rc == 0)
        rc = seccomp_load(f);
    seccomp_release(f);
    if (rc != 0) {
        snprintf(why, cap, "seccomp: %s", strerror(-rc));
        return -1;
    }
    return 0;
}

#else

int hhi_seccomp_apply(uint32_t allow, char *why, size_t cap)
{
    (void)allow;
    snprintf(why, cap, "built without libseccomp");
    return -1;
}

#endif
