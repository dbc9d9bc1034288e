/** Has the browser download `href` (an object or data URL) as a file named `file`. */
export function saveUrl(href: string, file: string): void {
  const link = Object.assign(document.createElement('a'), { href, download: file });
  document.body.append(link);
  link.click();
  link.remove();
}

/** Hands `blob` to the browser as a download named `file` (the object URL is freed a little later). */
export function saveBlob(blob: Blob, file: string): void {
  const url = URL.createObjectURL(blob);
  saveUrl(url, file);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The attributes of a drawn chart's or map's root: its size, and its name as an image. */
export function svgFrame(width: number, height: number, title: string) {
  return {
    xmlns: 'http://www.w3.org/2000/svg',
    width,
    height,
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-label': title,
  } as const;
}

/** The SVG text of a drawn element (a chart, a map) as a file. */
export function svgText(el: SVGSVGElement): string {
  const clone = el.cloneNode(true) as SVGSVGElement;
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(clone)}`;
}

/** A PNG of the element at twice its size (drawn from its SVG on a canvas). */
export async function svgToPng(el: SVGSVGElement): Promise<Blob> {
  const text = svgText(el);
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('chart image failed to load'));
      img.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = el.width.baseVal.value * 2;
    canvas.height = el.height.baseVal.value * 2;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no canvas');
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('no PNG'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}
