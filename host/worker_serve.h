/*
 * The worker process's side (hookhost __worker): the plugin it loaded,
 * the host API table it hands the plugin, and the loop that serves the
 * host's requests until the channel closes.
 */
#ifndef HOOKHOST_HOST_WORKER_SERVE_H
#define HOOKHOST_HOST_WORKER_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#include <hookhost/plugin.h>
#include <json-c/json.h>

#include "channel.h"
#include "loader.h"

struct hhi_worker_process {
    int fd;                          /* the channel */
    struct hhi_plugin *plugin;
    struct hh_host_api api;          /* the services the plugin gets (lives until exit) */
    void *instance;                  /* after create */
    json_object *configuration;      /* the instance's Properties (HH_DOC_CONFIGURATION) */
    char *hook;                      /* the hook's name */
    int32_t log_level;               /* lines above it are not sent */
    uint32_t timeout_seconds;
    rlim_t cpu_hard;                 /* RLIMIT_CPU hard limit: the worker's CPU lifetime */
    rlim_t cpu_soft;                 /* and its soft limit now */
    json_object *input_frame;        /* the last input document received, and its id */
    char input_id[64];
    struct hhi_buf buf;
};

/* Fill wp->api: the host's services, with answers counted and log lines kept. */
void hhi_worker_api_init(struct hhi_worker_process *wp);

/* Serve requests until the host closes the channel; returns the exit status. */
int hhi_worker_serve(struct hhi_worker_process *wp);

/* The command `hookhost __worker PATH HOOK TIMEOUT MEMORY_MIB ALLOW` (worker_main.c). */
int hhi_worker_main(int argc, char **argv);

#endif
