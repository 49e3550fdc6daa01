/* input.h: one input file of an ingest, opened once and read from its start
 * as often as the ingest needs (header probe, repeat check, rows) — a
 * regular file by seeking back, a pipe, FIFO or terminal by replaying from
 * memory the bytes read before. Nothing is ever written to disk: the
 * bytes of a stream hold raw client codes, and an endless stream must not
 * fill the disk. */
#ifndef P2P_INPUT_H
#define P2P_INPUT_H

#include <glib.h>

/* A stream keeps at most this many bytes for its replay: the header probe
 * reads the header (at most P2P_CSV_HEADER_MAX) and one read chunk more. */
#define P2P_INPUT_KEEP_MAX (2 * 1024 * 1024)

typedef struct P2pInput P2pInput;

/* Open path ("-": standard input, which is then borrowed, not closed).
 * Returns NULL with error P2P_EXIT_FILE "PATH: reason" when it cannot be
 * opened or is a directory. Free with p2p_input_free. */
P2pInput *p2p_input_open(const char *path, GError **error);

/* Close the file (standard input stays open) and free in; NULL is fine. */
void p2p_input_free(P2pInput *in);

/* The path as given (borrowed, valid while in lives). */
const char *p2p_input_name(const P2pInput *in);

/* Bytes of a regular file from where reading starts; 0 for a stream. */
gint64 p2p_input_size(const P2pInput *in);

/* TRUE for a regular file: it can be read again from the file itself. */
gboolean p2p_input_seekable(const P2pInput *in);

/* Read up to size bytes into buf, fewer only at the end of the input (like
 * fread). src is a P2pInput (the signature of P2pCsvReadFn, csvsource.h).
 * Returns the bytes read (0 at the end), or -1 with error P2P_EXIT_FILE
 * "read error: ..." (no file name). */
gssize p2p_input_read(void *src, char *buf, size_t size, GError **error);

/* Start again at the first byte. A regular file seeks back; a stream
 * replays the bytes read so far, which it can do only once and only when
 * they were no more than P2P_INPUT_KEEP_MAX (else FALSE with error
 * P2P_EXIT_FILE). After a stream's rewind nothing more is kept. */
gboolean p2p_input_rewind(P2pInput *in, GError **error);

#endif
