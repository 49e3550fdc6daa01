/* report_doc.h: the national (one country) and consortium (ALL) report. */
#ifndef P2P_REPORT_DOC_H
#define P2P_REPORT_DOC_H

#include "data.h"

/* Typeset the report of rd (its scope: CC or ALL) as an A4 PDF at path
 * ("-" for stdout), through a temporary file renamed over path once whole
 * (lib/output.h). out pages (may be NULL): the page count. FALSE and error
 * (P2P_EXIT_DB, "PATH: strerror (what)") when the file cannot be written;
 * path is then left as it was. */
gboolean report_doc_write(const ReportData *rd, const char *path, int *pages,
                          GError **error);

#endif
