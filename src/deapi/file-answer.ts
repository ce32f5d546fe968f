/**
 * A handler's answer that is a file, not an XML document (get_site_installation_package). The transport
 * sends it as-is with HTTP 200 and `Content-Disposition: attachment`; errors and describe=true stay XML.
 */
export type FileAnswer = { readonly file: { readonly filename: string; readonly contentType: string; readonly body: Buffer } };

export function isFileAnswer(data: unknown): data is FileAnswer {
  const file = (data as Partial<FileAnswer> | null)?.file;
  return typeof file === 'object' && file !== null && Buffer.isBuffer(file.body);
}

/** The Content-Disposition header of a download; the name is kept to safe characters, so no quoting issue. */
export function attachmentHeader(filename: string): string {
  return `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`;
}
