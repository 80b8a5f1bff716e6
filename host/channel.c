#include "config.h"

#include "channel.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* What one recv asks for at least: most frames come whole in one. */
#define HHI_RECV_CHUNK (64 * 1024)

/* ---------------------------------------------------------------- buffers */

void hhi_buf_init(struct hhi_buf *b)
{
    memset(b, 0, sizeof(*b));
}

void hhi_buf_release(struct hhi_buf *b)
{
    free(b->data);
    hhi_buf_init(b);
}

static bool reserve(struct hhi_buf *b, size_t extra)
{
    size_t cap;
    char *grown;

    if (b->failed)
        return false;
    if (b->len + extra + 1 <= b->cap)
        return true;
    cap = b->cap ? b->cap : 1024;
    while (cap < b->len + extra + 1) {
        if (cap > SIZE_MAX / 2) {
            b->failed = true;
            return false;
        }
        cap *= 2;
    }
    grown = realloc(b->data, cap);
    if (grown == NULL) {
        b->failed = true;
        return false;
    }
    b->data = grown;
    b->cap = cap;
    return true;
}

void hhi_buf_add(struct hhi_buf *b, const void *data, size_t n)
{
    if (!reserve(b, n))
        return;
    if (n > 0)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void hhi_buf_adds(struct hhi_buf *b, const char *s)
{
    hhi_buf_add(b, s, strlen(s));
}

void hhi_buf_add_uint(struct hhi_buf *b, uint64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof(num), "%llu", (unsigned long long)v);

    hhi_buf_add(b, num, (size_t)n);
}

void hhi_buf_add_int(struct hhi_buf *b, int64_t v)
{
    char num[24];
    int n = snprintf(num, sizeof(num), "%lld", (long long)v);

    hhi_buf_add(b, num, (size_t)n);
}

void hhi_buf_add_json_string(struct hhi_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;

    hhi_buf_add(b, "\"", 1);
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        hhi_buf_add(b, s + run, i - run);
        run = i + 1;
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
            hhi_buf_add(b, esc, 2);
        } else {
            hhi_buf_add(b, esc, sizeof(esc));
        }
    }
    hhi_buf_add(b, s + run, n - run);
    hhi_buf_add(b, "\"", 1);
}

void hhi_frame_begin(struct hhi_buf *b)
{
    static const char header[HHI_FRAME_HEADER] = { 0, 0, 0, 0 };

    b->len = 0;
    b->failed = false;
    hhi_buf_add(b, header, sizeof(header));
}

/* ------------------------------------------------------------------ time */

int64_t hhi_clock_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until fd is ready for events or the deadline passes. */
static enum hhi_channel_status wait_ready(int fd, short events, int64_t deadline_ms)
{
    struct pollfd p = { fd, events, 0 };

    for (;;) {
        int64_t left = deadline_ms == HHI_NO_DEADLINE ? -1 : deadline_ms - hhi_clock_ms();
        int n;

        if (deadline_ms != HHI_NO_DEADLINE && left <= 0)
            return HHI_CHANNEL_TIMEOUT;
        n = poll(&p, 1, left > INT32_MAX ? INT32_MAX : (int)left);
        if (n > 0)
            return HHI_CHANNEL_OK; /* ready, hung up or in error: the I/O call tells */
        if (n < 0 && errno != EINTR)
            return HHI_CHANNEL_ERROR;
    }
}

static bool peer_gone(int e)
{
    return e == EPIPE || e == ECONNRESET || e == ENOTCONN;
}

/* ------------------------------------------------------------------ I/O */

static enum hhi_channel_status send_all(int fd, const char *p, size_t left, int64_t deadline_ms)
{
    while (left > 0) {
        ssize_t n = send(fd, p, left, MSG_NOSIGNAL | MSG_DONTWAIT);
        enum hhi_channel_status st;

        if (n > 0) {
            p += n;
            left -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && peer_gone(errno))
            return HHI_CHANNEL_EOF;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return HHI_CHANNEL_ERROR;
        st = wait_ready(fd, POLLOUT, deadline_ms);
        if (st != HHI_CHANNEL_OK)
            return st;
    }
    return HHI_CHANNEL_OK;
}

/* Wait for data, then read what there is (at most room bytes) after *have. */
static enum hhi_channel_status recv_some(int fd, char *p, size_t room, size_t *have,
                                         int64_t deadline_ms)
{
    for (;;) {
        enum hhi_channel_status st = wait_ready(fd, POLLIN, deadline_ms);
        ssize_t n;

        if (st != HHI_CHANNEL_OK)
            return st;
        n = recv(fd, p, room, MSG_DONTWAIT);
        if (n > 0) {
            *have += (size_t)n;
            return HHI_CHANNEL_OK;
        }
        if (n == 0 || (n < 0 && peer_gone(errno)))
            return HHI_CHANNEL_EOF;
        if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK)
            return HHI_CHANNEL_ERROR;
    }
}

enum hhi_channel_status hhi_channel_send(int fd, struct hhi_buf *b, int64_t deadline_ms)
{
    size_t len;
    unsigned char *h;

    if (b->failed || b->len < HHI_FRAME_HEADER)
        return HHI_CHANNEL_NO_MEMORY;
    len = b->len - HHI_FRAME_HEADER;
    if (len > HHI_FRAME_MAX)
        return HHI_CHANNEL_TOO_LARGE;
    h = (unsigned char *)b->data;
    h[0] = (unsigned char)(len & 0xff);
    h[1] = (unsigned char)((len >> 8) & 0xff);
    h[2] = (unsigned char)((len >> 16) & 0xff);
    h[3] = (unsigned char)((len >> 24) & 0xff);
    return send_all(fd, b->data, b->len, deadline_ms);
}

/*
 * Requests and answers alternate, so the peer never sends a second frame
 * before this one is answered: read greedily (header and body usually come
 * in one recv), and bytes past the frame are a protocol error.
 */
enum hhi_channel_status hhi_channel_recv(int fd, struct hhi_buf *b, int64_t deadline_ms,
                                         uint32_t *announced)
{
    size_t want = 0, have = 0; /* want: the whole frame, once the header is in */
    const unsigned char *h;

    b->len = 0;
    b->failed = false;
    *announced = 0;
    if (!reserve(b, HHI_RECV_CHUNK))
        return HHI_CHANNEL_NO_MEMORY;
    for (;;) {
        enum hhi_channel_status st;

        if (want == 0 && have >= HHI_FRAME_HEADER) {
            h = (const unsigned char *)b->data;
            *announced = (uint32_t)h[0] | (uint32_t)h[1] << 8 | (uint32_t)h[2] << 16 |
                         (uint32_t)h[3] << 24;
            if (*announced > HHI_FRAME_MAX)
                return HHI_CHANNEL_TOO_LARGE;
            want = HHI_FRAME_HEADER + (size_t)*announced;
            if (!reserve(b, want))
                return HHI_CHANNEL_NO_MEMORY;
        }
        if (want != 0 && have >= want)
            break;
        st = recv_some(fd, b->data + have, b->cap - 1 - have, &have, deadline_ms);
        if (st != HHI_CHANNEL_OK)
            return st;
    }
    memmove(b->data, b->data + HHI_FRAME_HEADER, *announced);
    b->len = *announced;
    b->data[b->len] = '\0';
    return have > want ? HHI_CHANNEL_EXCESS : HHI_CHANNEL_OK;
}
