/*
 * A progress line on the terminal during long evaluations: the evaluation
 * threads count finished operations with one relaxed atomic add each; the
 * main thread polls the count, redraws the line on standard error at most
 * five times a second once the run has lasted HHI_PROGRESS_DELAY_MS, and
 * erases it at the end.  The caller decides whether there is a terminal.
 */
#ifndef HOOKHOST_HOST_PROGRESS_H
#define HOOKHOST_HOST_PROGRESS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define HHI_PROGRESS_INTERVAL_MS 200  /* at most 5 redraws a second */
#define HHI_PROGRESS_DELAY_MS 500     /* short runs draw nothing */

struct hhi_progress {
    atomic_size_t done;     /* operations finished; evaluation threads add */
    size_t total;
    FILE *out;              /* the terminal, NULL: draw nothing */
    long delay_ms;          /* HHI_PROGRESS_DELAY_MS (tests lower it) */
    long interval_ms;       /* HHI_PROGRESS_INTERVAL_MS (tests lower it) */
    struct timespec start;
    struct timespec last;   /* of the last redraw */
    bool drawn;             /* a line is on the screen */
};

/* Start counting total operations, drawing on out (NULL: never). */
void hhi_progress_init(struct hhi_progress *p, FILE *out, size_t total);

/* One operation finished: the only call evaluation threads make. */
static inline void hhi_progress_add(struct hhi_progress *p)
{
    atomic_fetch_add_explicit(&p->done, 1, memory_order_relaxed);
}

/* Redraw the line when it is due (main thread only). */
void hhi_progress_poll(struct hhi_progress *p);

/* Erase the line if one is on the screen (main thread only). */
void hhi_progress_end(struct hhi_progress *p);

#endif
