/*
 * Where a report goes: standard output, or a file written atomically.  A
 * regular file (new or existing) is written to a temporary file in the
 * same directory, flushed to disk and renamed over it, so readers see the
 * old file or the whole new one, never a part; on any failure the
 * temporary file is removed and the file is left untouched.  A path that
 * names something else (a terminal, a FIFO, /dev/null, /dev/full) cannot
 * be replaced: it is written directly, and a failed write is still an
 * error.
 */
#ifndef HOOKHOST_HOST_OUTPUT_H
#define HOOKHOST_HOST_OUTPUT_H

#include <stdio.h>

#include "error.h"

struct hhi_output {
    FILE *stream;      /* where to write */
    const char *name;  /* the destination as given, for messages (borrowed) */
    char *path;        /* the destination (links resolved), NULL for standard output */
    char *tmp;         /* the temporary file, NULL when writing directly */
};

/*
 * Open the destination: path NULL or "-" for standard output.  Errors are
 * HHI_EIO naming path.
 */
int hhi_output_open(struct hhi_output *o, const char *path, struct hhi_error *err);

/*
 * Flush what was written and, for a file, make it durable and put it in
 * place.  On failure (HHI_EIO naming the path) the destination is left
 * untouched.  The output is released in every case.
 */
int hhi_output_commit(struct hhi_output *o, struct hhi_error *err);

/* Give up: remove the temporary file and release the output. */
void hhi_output_abort(struct hhi_output *o);

#endif
