/**
 * The blocks of an instance page: markdown (rendered without raw HTML, which is shown as text, and
 * with the library's safe URL filter), downloadable files and QR codes. Secret files and QR codes stay
 * covered until the user reveals them.
 */
import type { PageBlock } from "@highstate/contract";
import QRCode from "qrcode";
import { useEffect, useRef, useState } from "react";
import Markdown from "react-markdown";
import { UiIcon } from "../icons/Icon.js";
import { toast } from "../ui/toasts.js";

/** Offers text as a file download through a Blob URL (nothing leaves the browser). */
export function downloadFile(name: string, content: string, contentType: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: contentType }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  // Revoked after the click has been handled, so the download can start.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function MarkdownBlock({ content }: { content: string }) {
  return (
    <div className="page-markdown">
      <Markdown
        components={{
          a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
        }}
      >
        {content}
      </Markdown>
    </div>
  );
}

export function FileBlock({ block }: { block: Extract<PageBlock, { type: "file" }> }) {
  const [shown, setShown] = useState(false);
  const lines = block.content === "" ? 0 : block.content.replace(/\n$/, "").split("\n").length;
  const copy = () =>
    navigator.clipboard.writeText(block.content).then(
      () => toast("success", `Copied ${block.name}`),
      () => toast("info", "The browser did not allow writing to the clipboard", "Download the file instead."),
    );
  return (
    <section className="page-file" aria-label={`File ${block.name}`}>
      <header>
        <UiIcon name="file-document-outline" size={18} />
        <strong>{block.name}</strong>
        <span className="muted">
          {block.contentType} · {new Blob([block.content]).size} bytes · {lines} {lines === 1 ? "line" : "lines"}
          {block.secret ? " · secret" : ""}
        </span>
        <span className="dock-spacer" />
        {block.secret && (
          <button type="button" className="button" onClick={() => setShown((value) => !value)}>
            <UiIcon name={shown ? "eye-off" : "eye"} size={16} /> {shown ? "Hide" : "Show"}
          </button>
        )}
        <button type="button" className="button" onClick={() => void copy()}>
          <UiIcon name="content-copy" size={16} /> Copy
        </button>
        <button type="button" className="button button-primary" onClick={() => downloadFile(block.name, block.content, block.contentType)}>
          <UiIcon name="download" size={16} /> Download
        </button>
      </header>
      {(!block.secret || shown) && <pre className="page-file-content">{block.content}</pre>}
    </section>
  );
}

export function QrBlock({ block }: { block: Extract<PageBlock, { type: "qr" }> }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [shown, setShown] = useState(!block.secret);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!shown || !canvas.current) return;
    QRCode.toCanvas(canvas.current, block.content, { width: 240, margin: 2, errorCorrectionLevel: "M" }).then(
      () => setError(undefined),
      (caught: unknown) => setError(caught instanceof Error ? caught.message : String(caught)),
    );
  }, [block.content, shown]);
  return (
    <section className="page-qr" aria-label={`QR code${block.title ? ` ${block.title}` : ""}`}>
      {block.title && <h3>{block.title}</h3>}
      {shown ? (
        <canvas ref={canvas} className="page-qr-canvas" role="img" aria-label={block.title ? `QR code: ${block.title}` : "QR code"} />
      ) : (
        <button type="button" className="page-qr-cover" onClick={() => setShown(true)}>
          <UiIcon name="eye" size={20} /> Show secret QR code
        </button>
      )}
      {error && <p className="notice notice-error">The QR code could not be drawn: {error}</p>}
    </section>
  );
}
