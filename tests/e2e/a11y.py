"""Accessibility checks run inside Chromium: axe-core (pinned in package.json, read from the project's
node_modules, injected by Playwright) and the size of everything a finger or a keyboard can reach."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Controls a person taps. A link inside a sentence is exempt (WCAG 2.5.8 "inline"); a checkbox or radio
# is measured by the label row that wraps it, which is what the finger hits; a hidden file input is
# measured by its visible label.
_TARGETS_JS = """
() => {
  const inline = a => {
    const block = a.closest('p, li, td, dd, span.muted');
    return block && block.textContent.trim().length > a.textContent.trim().length + 2;
  };
  const seen = new Set(), out = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')) {
    if (el.type === 'hidden' || el.closest('[hidden]')) continue;
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) target = el.closest('label') || el;
    if (el.matches('a') && inline(el)) continue;
    if (el.matches('input[type=file]') && el.labels && el.labels.length && getComputedStyle(el).opacity === '0')
      target = el.labels[0];
    if (seen.has(target)) continue;
    seen.add(target);
    const box = target.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    out.push({ what: target.outerHTML.slice(0, 90), width: Math.round(box.width), height: Math.round(box.height) });
  }
  return out;
}
"""


def axe_violations(page) -> list[dict]:
    """WCAG 2.1 A/AA violations on the page as it is now (impact, rule id and the first offending node)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, { runOnly: { type: 'tag', values: tags } })", WCAG_A_AA)
    return [{"id": v["id"], "impact": v["impact"], "node": v["nodes"][0]["html"][:120]} for v in result["violations"]]


def targets(page) -> list[dict]:
    return page.evaluate(_TARGETS_JS)


def small_targets(page, min_width: int, min_height: int) -> list[dict]:
    return [t for t in targets(page) if t["width"] < min_width or t["height"] < min_height]


def set_big_mode(page, on: bool) -> None:
    """大字模式 as a person switches it: remembered by the browser, applied before first paint."""
    page.evaluate("on => localStorage.setItem('yimen-big', on ? '1' : '0')", on)
    page.reload()
