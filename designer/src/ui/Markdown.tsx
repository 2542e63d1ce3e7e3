/**
 * Descriptions written in markdown (component, arg, secret and input docs from JSDoc), rendered safely
 * with react-markdown (the library the page blocks already use, so nothing is added to the bundle):
 * - raw HTML is never rendered: react-markdown shows it as text;
 * - link URLs pass the library's `defaultUrlTransform`, which empties `javascript:`, `data:` and every
 *   other protocol that is not http(s), mailto, irc(s) or xmpp; such a link is shown as its text;
 * - only inline formatting, code, lists, paragraphs and links are kept; images (which would load from
 *   anywhere), headings and tables are replaced by their text;
 * - links open in a new tab with `rel="noopener noreferrer"`, or, where a link cannot be (inside the
 *   palette's buttons), are shown as their text.
 */
import Markdown, { type Components } from "react-markdown";

const allowedElements = ["p", "em", "strong", "del", "code", "a", "ul", "ol", "li", "br", "pre"];

const withLinks: Components = {
  // A link whose URL the filter emptied (`javascript:` and the like) is shown as its text: an empty
  // href would still be a link, to the designer itself.
  a: ({ node: _node, href, children, ...props }) =>
    href ? (
      <a {...props} href={href} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    ) : (
      <span className="md-link">{children}</span>
    ),
};
const withoutLinks: Components = {
  a: ({ node: _node, children }) => <span className="md-link">{children}</span>,
};
/** Inline: paragraphs become spans, so a description flows inside a line of other text. */
const inlineParagraph: Components = {
  p: ({ node: _node, children }) => <span className="md-p">{children}</span>,
};

export interface MarkdownTextProps {
  /** The markdown source. */
  text: string;
  /** Render links as anchors (default) or, inside interactive elements, as their text. */
  links?: boolean;
  /** Render paragraphs as inline spans (for one-line places like the palette). */
  inline?: boolean;
}

/** A markdown description, rendered safely (see the module comment). */
export function MarkdownText({ text, links = true, inline = false }: MarkdownTextProps) {
  const components: Components = { ...(links ? withLinks : withoutLinks), ...(inline ? inlineParagraph : {}) };
  return (
    <Markdown allowedElements={allowedElements} unwrapDisallowed components={components}>
      {text}
    </Markdown>
  );
}

/**
 * A description as plain text, for places that take no markup (tooltips, `title` attributes): code
 * spans and emphasis lose their markers, links keep their text.
 */
export function markdownToPlainText(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(^|[^\w*])[*_]([^*_\n]+)[*_](?![\w*])/g, "$1$2");
}
