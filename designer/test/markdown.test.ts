/**
 * Markdown descriptions render safely: hostile descriptions (raw HTML, event handlers, `javascript:`
 * links, images) come out inert, rendered with React's server renderer.
 */
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, test } from "vitest";
import { MarkdownText, type MarkdownTextProps, markdownToPlainText } from "../src/ui/Markdown.tsx";

const render = (props: MarkdownTextProps) => renderToStaticMarkup(createElement(MarkdownText, props));

describe("markdown descriptions", () => {
  test("render code, emphasis, lists and safe links", () => {
    const html = render({
      text: "The host key (`ssh-ed25519 AAAA…`), **required**.\n\n- one\n- two\n\nSee [the docs](https://example.com/docs).",
    });
    expect(html).toContain("<code>ssh-ed25519 AAAA…</code>");
    expect(html).toContain("<strong>required</strong>");
    expect(html).toContain("<li>one</li>");
    expect(html).toContain('<a href="https://example.com/docs" target="_blank" rel="noopener noreferrer">the docs</a>');
  });

  test("a hostile description renders inert", () => {
    const html = render({
      text: [
        'Size <img src=x onerror="alert(1)"> of the disk.',
        "",
        '<script>alert("raw")</script>',
        "",
        "[click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](  JAVASCRIPT:alert(2))",
        "",
        '![pixel](https://tracker.example/p.png) <a href="javascript:alert(3)" onclick="alert(4)">raw link</a>',
        "",
        "# Heading <b onmouseover=alert(5)>bold</b>",
      ].join("\n"),
    });
    // No element but the allowed ones, and no attribute but href/target/rel on links (and the class of
    // a link shown as text).
    const tags = [...html.matchAll(/<([a-z0-9]+)([^>]*)>/g)];
    for (const [, tag, attributes] of tags) {
      expect(["p", "a", "span", "code", "strong", "em", "ul", "ol", "li", "br", "pre", "del"]).toContain(tag);
      for (const [, name] of attributes!.matchAll(/\s([a-z-]+)=/g)) expect(["href", "target", "rel", "class"]).toContain(name);
    }
    expect(html).not.toMatch(/<(img|script|b|h1)\b/);
    expect(html).not.toMatch(/href="\s*(javascript|data|vbscript):/i);
    expect(html.toLowerCase()).not.toContain('href="javascript');
    // Raw HTML is shown as text (escaped), not dropped silently and not rendered.
    expect(html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(html).toContain("&lt;script&gt;");
    // Links that stay carry the safe rel.
    for (const [link] of html.matchAll(/<a [^>]*>/g)) expect(link).toContain('rel="noopener noreferrer"');
    // The image is replaced by nothing that loads: no URL of it remains as a source.
    expect(html).not.toContain("tracker.example");
    // Links whose URL was unsafe are their text only: the one real <a> left is none of them.
    expect(html).not.toMatch(/<a [^>]*>(click|data|vb)<\/a>/);
    expect(html).toContain('<span class="md-link">click</span>');
  });

  test("without links (inside a button) a link is its text; inline mode uses no block elements", () => {
    const html = render({ text: "Uses `kubectl`; see [docs](https://example.com).", links: false, inline: true });
    expect(html).toBe('<span class="md-p">Uses <code>kubectl</code>; see <span class="md-link">docs</span>.</span>');
  });

  test("plain text for tooltips drops the markers", () => {
    expect(markdownToPlainText("The key (`ssh-ed25519`), **required**, see [docs](https://x.example) and _this_.")).toBe(
      "The key (ssh-ed25519), required, see docs and this.",
    );
  });
});
