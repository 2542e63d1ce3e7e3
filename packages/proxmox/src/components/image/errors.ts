/** Thrown when an Image has no checksum, or two: exactly one of "sha256" and "sha512" is needed. */
export class ImageChecksumArgError extends Error {
  override name = "ImageChecksumArgError";

  constructor(
    readonly instance: string,
    both: boolean,
  ) {
    super(
      both
        ? `Image "${instance}" has both the "sha256" and the "sha512" arg: set only one of them.`
        : `Image "${instance}" has no checksum: set the "sha256" (or "sha512") arg to the checksum the publisher lists for the image, so the download is verified.`,
    );
  }
}

/** Thrown when a file name does not fit the content type the datastore stores images as. */
export class ImageFileNameError extends Error {
  override name = "ImageFileNameError";

  constructor(
    readonly instance: string,
    readonly fileName: string,
    readonly contentType: "import" | "iso",
  ) {
    super(
      `Image "${instance}": the "fileName" arg "${fileName}" cannot be stored as ${contentType} content, which needs ${contentType === "import" ? ".qcow2, .raw or .vmdk" : ".img or .iso"}; change the extension or leave the arg empty.`,
    );
  }
}
