// WCAG 2.1 contrast of every visible text on the page against its background (the backgrounds of the
// element and its ancestors, composed): 4.5:1, or 3:1 for large text (24px, or 18.66px bold).
// Returns {checked, failures}. Used by test_web_browser.py through Playwright's page.evaluate.
() => {
  function parse(c) {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) { return [0, 0, 0, 0]; }
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  }
  function over(top, bottom) {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) { return [0, 0, 0, 0]; }
    return [0, 1, 2].map(i => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a).concat([a]);
  }
  function background(el) {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const bg = parse(getComputedStyle(e).backgroundColor);
      if (bg[3] > 0) { layers.push(bg); if (bg[3] >= 1) { break; } }
    }
    let colour = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) { colour = over(layers[i], colour); }
    return colour;
  }
  function lum(c) {
    const [r, g, b] = c.slice(0, 3).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }
  const out = [];
  let checked = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || seen.has(el) || !n.textContent.trim()) { continue; }
    seen.add(el);
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden' || style.display === 'none') { continue; }
    if (el.closest('svg, [hidden], [aria-hidden="true"]')) { continue; }
    let opacity = 1;
    for (let e = el; e; e = e.parentElement) { opacity *= Number(getComputedStyle(e).opacity); }
    if (opacity === 0) { continue; }
    checked += 1;
    const bg = background(el);
    const fg = over(parse(style.color), bg);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const need = large ? 3 : 4.5;
    if (ratio < need) {
      out.push({text: n.textContent.trim().slice(0, 40), ratio: Math.round(ratio * 100) / 100, need: need,
                color: style.color, background: 'rgb(' + bg.slice(0, 3).map(Math.round).join(', ') + ')',
                cls: el.className && el.className.baseVal === undefined ? String(el.className).slice(0, 60) : el.tagName});
    }
  }
  return {checked: checked, failures: out};
}
