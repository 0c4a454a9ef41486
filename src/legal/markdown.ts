/**
 * The little Markdown the privacy and terms pages are written in, as HTML: headings, paragraphs,
 * lists of one-line items, `code`, **strong** and [links](/path). HTML comments are left out.
 * Everything else is text, escaped.
 */
export function markdownToHtml(markdown: string): string {
  const blocks: string[] = [];
  let paragraph: string[] = [];
  let list: string[] = [];
  const flush = () => {
    if (paragraph.length > 0) blocks.push(`<p>${inline(paragraph.join(' '))}</p>`);
    if (list.length > 0) blocks.push(`<ul>\n${list.map((item) => `<li>${inline(item)}</li>`).join('\n')}\n</ul>`);
    paragraph = [];
    list = [];
  };
  for (const line of withoutComments(markdown).split('\n')) {
    const heading = /^(#{1,3}) (.+)$/.exec(line);
    const item = /^- (.+)$/.exec(line);
    if (line.trim() === '') flush();
    else if (heading) {
      flush();
      const level = heading[1]!.length;
      blocks.push(`<h${level}>${inline(heading[2]!)}</h${level}>`);
    } else if (item) {
      if (paragraph.length > 0) flush();
      list.push(item[1]!);
    } else if (list.length > 0) list[list.length - 1] += ` ${line.trim()}`;
    else paragraph.push(line.trim());
  }
  flush();
  return blocks.join('\n');
}

/** The first heading's text, for the page's title. */
export function firstHeading(markdown: string): string {
  const found = /^# (.+)$/m.exec(withoutComments(markdown));
  return found ? found[1]!.replace(/[`*]/g, '') : '';
}

export function withoutComments(markdown: string): string {
  return markdown.replace(/<!--[\s\S]*?-->/g, '');
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function inline(text: string): string {
  return escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
    // Only the site's own paths: these pages link to each other, nowhere else.
    .replace(/\[([^[\]]+)\]\((\/[^)\s]*)\)/g, '<a href="$2">$1</a>');
}
