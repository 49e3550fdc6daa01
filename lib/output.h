/* output.h: writing a program's output file (-o FILE) safely — never over
 * the study database, its key or any SQLite file, and never half-written:
 * the output goes to a temporary file beside the target, which replaces the
 * target by rename(2) only once everything was written, flushed to disk and
 * closed. A failure removes the temporary file and leaves the target as it
 * was.
 *
 *     if (!p2p_output_check(path, db_path, NULL, &error)) ... exit 2
 *     P2pOutput *out = p2p_output_open(path, &error);
 *     fputs("...", p2p_output_stream(out));
 *     if (!p2p_output_commit(out, &error)) ... exit 6
 *
 * Errors name the file as given and errno's text, with what was being done:
 * "out/report.pdf: No space left on device (writing)". */
#ifndef P2P_OUTPUT_H
#define P2P_OUTPUT_H

#include <stdio.h>
#include "p2p.h"

/* Refuse an output path that would overwrite the study database db_path,
 * one of its companions (db-wal, db-shm, db-journal), its key file
 * (key_path, or NULL for the default beside the database), or any existing
 * SQLite file (a database, a write-ahead log or a rollback journal, told by
 * their headers). Paths are compared by identity (device and inode) where
 * the file exists, otherwise by their directory's resolved path and name,
 * so "./study.db", "study.db" and a symbolic link to it are one file.
 * "-" (stdout) and NULL always pass; db_path may be NULL (only the headers
 * are checked). FALSE and error (P2P_EXIT_USAGE, naming the file and why)
 * when refused. */
gboolean p2p_output_check(const char *path, const char *db_path,
                          const char *key_path, GError **error);

/* An output being written. */
typedef struct P2pOutput P2pOutput;

/* Start writing path ("-": stdout). A regular file (new or existing) is
 * written through a temporary file created exclusively in its directory
 * (".NAME.XXXXXX"), with mode 0666 less the umask for a new file, the old
 * file's mode for an existing one; a symbolic link is followed, so the file
 * it names is replaced and the link stays. stdout, a device or a pipe is
 * written directly. NULL and error (P2P_EXIT_DB) when the temporary file
 * cannot be created. Finish with p2p_output_commit or p2p_output_abort. */
P2pOutput *p2p_output_open(const char *path, GError **error);

/* The stream to write to (borrowed; do not fclose it). */
FILE *p2p_output_stream(P2pOutput *out);

/* The name used in messages: the path as given, or "stdout". Borrowed. */
const char *p2p_output_name(const P2pOutput *out);

/* Write len bytes to the stream. FALSE when they could not all be written;
 * the first failure's errno is kept and reported by p2p_output_commit. For
 * writers that report through a callback (cairo streams). */
gboolean p2p_output_write(P2pOutput *out, const void *data, size_t len);

/* errno of the first failed p2p_output_write, 0 when none failed. */
int p2p_output_errno(const P2pOutput *out);

/* Finish: flush the stream, fsync and close the temporary file, rename it
 * over the target and fsync the directory (best effort: not every file
 * system syncs directories). On any failure, including an earlier failed
 * write, the temporary file is removed and FALSE returned with error
 * (P2P_EXIT_DB). stdout is flushed, not closed. Frees out either way. */
gboolean p2p_output_commit(P2pOutput *out, GError **error);

/* Give up: close and remove the temporary file (the target is untouched).
 * What was written directly to stdout or a device stays written. Frees out;
 * NULL does nothing. */
void p2p_output_abort(P2pOutput *out);

#endif
