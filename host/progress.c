#include "config.h"

#include "progress.h"

#include <string.h>

static long elapsed_ms(const struct timespec *from, const struct timespec *to)
{
    return (long)(to->tv_sec - from->tv_sec) * 1000L +
           (long)(to->tv_nsec - from->tv_nsec) / 1000000L;
}

void hhi_progress_init(struct hhi_progress *p, FILE *out, size_t total)
{
    memset(p, 0, sizeof(*p));
    atomic_init(&p->done, 0);
    p->total = total;
    p->out = out;
    p->delay_ms = HHI_PROGRESS_DELAY_MS;
    p->interval_ms = HHI_PROGRESS_INTERVAL_MS;
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last = p->start;
}

void hhi_progress_poll(struct hhi_progress *p)
{
    struct timespec now;
    size_t done;
    long ms;

    if (p->out == NULL)
        return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    ms = elapsed_ms(&p->start, &now);
    if (ms < p->delay_ms || (p->drawn && elapsed_ms(&p->last, &now) < p->interval_ms))
        return;
    done = atomic_load_explicit(&p->done, memory_order_relaxed);
    /* \r and erase-line: the next redraw, or the end, overwrites it. */
    fprintf(p->out, "\r\033[Khookhost: %zu/%zu operations (%zu%%), %.0f/s", done, p->total,
            p->total > 0 ? done * 100 / p->total : 100,
            ms > 0 ? (double)done * 1000.0 / (double)ms : 0.0);
    fflush(p->out);
    p->last = now;
    p->drawn = true;
}

void hhi_progress_end(struct hhi_progress *p)
{
    if (p->out != NULL && p->drawn) {
        fputs("\r\033[K", p->out);
        fflush(p->out);
    }
    p->drawn = false;
}
