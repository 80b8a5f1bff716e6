/*
 * The channel between the host and a worker process: a stream socket that
 * carries frames, each a 32-bit little-endian length and that many bytes of
 * JSON text.  Requests and answers alternate, so a frame never has to be
 * told apart from the next.  Every wait has a deadline on the monotonic
 * clock; writes never raise SIGPIPE.
 */
#ifndef HOOKHOST_HOST_CHANNEL_H
#define HOOKHOST_HOST_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest frame either side accepts. */
#define HHI_FRAME_MAX ((size_t)64 << 20)
#define HHI_FRAME_HEADER 4

/* No deadline: wait as long as it takes. */
#define HHI_NO_DEADLINE INT64_MAX

/* A growable byte buffer; frames are built in it after a reserved header. */
struct hhi_buf {
    char *data;
    size_t len;
    size_t cap;
    bool failed;      /* an append ran out of memory: the content is incomplete */
};

void hhi_buf_init(struct hhi_buf *b);
void hhi_buf_release(struct hhi_buf *b);
void hhi_buf_add(struct hhi_buf *b, const void *data, size_t n);
void hhi_buf_adds(struct hhi_buf *b, const char *s);
/* A JSON string: quoted, with the characters JSON requires escaped. */
void hhi_buf_add_json_string(struct hhi_buf *b, const char *s, size_t n);
void hhi_buf_add_uint(struct hhi_buf *b, uint64_t v);
void hhi_buf_add_int(struct hhi_buf *b, int64_t v);

/* Start a frame: empty the buffer and reserve the header. */
void hhi_frame_begin(struct hhi_buf *b);

/* Milliseconds on the monotonic clock. */
int64_t hhi_clock_ms(void);

enum hhi_channel_status {
    HHI_CHANNEL_OK = 0,
    HHI_CHANNEL_EOF,       /* the peer closed the channel (or died) */
    HHI_CHANNEL_TIMEOUT,   /* the deadline passed */
    HHI_CHANNEL_TOO_LARGE, /* a frame header announced more than HHI_FRAME_MAX */
    HHI_CHANNEL_NO_MEMORY,
    HHI_CHANNEL_EXCESS,    /* bytes after the frame (received all the same): the
                              peer broke the protocol */
    HHI_CHANNEL_ERROR      /* another I/O error (errno says which) */
};

/* Send the frame built in b (after hhi_frame_begin). */
enum hhi_channel_status hhi_channel_send(int fd, struct hhi_buf *b, int64_t deadline_ms);

/*
 * Receive one frame into b: b->data holds its len bytes of text, followed by
 * a NUL.  On HHI_CHANNEL_TOO_LARGE, *announced holds the length announced.
 */
enum hhi_channel_status hhi_channel_recv(int fd, struct hhi_buf *b, int64_t deadline_ms,
                                         uint32_t *announced);

#endif
