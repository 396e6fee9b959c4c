namespace UvmSim.Cli.Report;

/// <summary>The report's inline style sheet and script: one file, nothing fetched, light and dark.</summary>
internal static class ReportAssets
{
    /// <summary>
    /// Colours are custom properties so the dark scheme swaps them in one place; the count
    /// scale is one hue getting darker (lighter in dark mode), marks are shapes, not colours.
    /// </summary>
    public const string Css = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1b1f;--muted:#5c5f66;--line:#d0d3d9;--panel:#f5f6f8;
--c0:#f1f2f4;--c1:#9ecae1;--c2:#4292c6;--c3:#08519c;--ink0:#1b1b1f;--ink3:#fff;--bad:#d62728;--fail:#fde2e1;
--ok:#1a7f37;--panic:#b42318;--leak:#b54708;--focus:#ff9f1c;--dead:#c9ccd1}
@media (prefers-color-scheme:dark){:root{--bg:#16181d;--fg:#e6e7ea;--muted:#a3a7b0;--line:#3a3f4a;--panel:#1f232b;
--c0:#262a33;--c1:#1d4e73;--c2:#2f7fbf;--c3:#8cc4f0;--ink0:#e6e7ea;--ink3:#0d1117;--bad:#ff6b6b;--fail:#4a1f1f;
--ok:#5bd97a;--panic:#ff8a80;--leak:#ffb86b;--dead:#4a4f5a}}
*{box-sizing:border-box}
body{margin:0;padding:1rem 1.5rem 3rem;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line)}h3{font-size:1rem;margin:.3rem 0}
a{color:inherit}code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em}
nav a{margin-right:1rem}.muted{color:var(--muted)}
:focus-visible{outline:3px solid var(--focus);outline-offset:1px}
table{border-collapse:collapse}th,td{border:1px solid var(--line);padding:.2rem .45rem;text-align:left;vertical-align:top}
caption{text-align:left;font-weight:600;padding:.2rem 0}
.matrix td{text-align:center;min-width:7rem}.matrix a{display:block;text-decoration:none;font-weight:600;padding:.15rem}
.o-ok{color:var(--ok)}.o-panic{color:var(--panic)}.o-leak{color:var(--leak)}.xfail{outline:2px dashed var(--bad);outline-offset:-3px}
.legend{display:flex;flex-wrap:wrap;gap:1rem;align-items:center;margin:.5rem 0;padding:.4rem .6rem;background:var(--panel);border-radius:6px}
.legend span.sw{display:inline-block;width:1.4rem;height:1rem;border:1px solid var(--line);vertical-align:middle;margin-right:.3rem}
.timelines{display:flex;flex-wrap:wrap;gap:1.2rem;align-items:flex-start}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.timeline{flex:0 1 auto;margin:0;max-width:min(26rem,100%);background:var(--panel);border-radius:8px;padding:.6rem;overflow-x:auto}
.timeline:target{box-shadow:0 0 0 3px var(--focus)}
.grid td.cell{width:2.1rem;height:1.7rem;padding:0;text-align:center;position:relative;font-size:.8rem;cursor:default}
.grid th{font-size:.75rem;font-weight:500;text-align:center;padding:.1rem .25rem}
.grid th[scope=row]{text-align:right;white-space:nowrap}
.w0{background:var(--c0);color:var(--ink0)}.w1{background:var(--c1);color:var(--ink0)}.w2{background:var(--c2);color:var(--ink3)}.w3{background:var(--c3);color:var(--ink3)}
td.bad{box-shadow:inset 0 0 0 2px var(--bad)}td.dead{background-image:repeating-linear-gradient(45deg,transparent 0 4px,var(--dead) 4px 6px)}
.failcol{outline:2px solid var(--bad);outline-offset:-2px}th.failcol{background:var(--fail)}
.mk{display:inline-block;width:.45rem;height:.45rem;margin:0 1px;background:currentColor;vertical-align:middle}
.mk-p{border-radius:50%}.mk-b{}.mk-s{clip-path:polygon(50% 0,100% 100%,0 100%)}.mk-t{transform:rotate(45deg) scale(.85)}
.failure{margin:.4rem 0 0;padding:.3rem .5rem;background:var(--fail);border-left:4px solid var(--bad);white-space:pre-wrap}
.detail{min-height:1.4em;margin:.3rem 0 0;font-size:.85rem;color:var(--muted)}
.calls td.s-pass{color:var(--ok)}.calls td.s-fail{color:var(--bad);font-weight:600}.calls td.s-skipped{color:var(--muted)}
.calls tr.failrow td{background:var(--fail)}
svg.spark{display:block;margin-top:.3rem}svg.spark polyline{fill:none;stroke:var(--c2);stroke-width:2}svg.spark text{fill:var(--muted);font-size:10px}
svg.bars rect{fill:var(--c2)}svg.bars text{fill:var(--fg);font-size:11px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.3rem 0}dd{margin:0}
.safe{color:var(--ok);font-weight:600}.finding{color:var(--panic);font-weight:600}
""";

    /// <summary>
    /// Hover or focus a timeline cell to read it in the timeline's detail line; arrow keys move
    /// through a grid (one tab stop per grid). Everything it shows is already in the cells' labels.
    /// </summary>
    public const string Script = """
(function(){
  function show(cell){var t=cell.closest('.timeline');if(!t)return;var d=t.querySelector('.detail');if(d)d.textContent=cell.getAttribute('aria-label');}
  document.addEventListener('mouseover',function(e){var c=e.target.closest&&e.target.closest('td.cell');if(c)show(c);});
  document.addEventListener('focusin',function(e){var c=e.target.closest&&e.target.closest('td.cell');if(c)show(c);});
  document.addEventListener('keydown',function(e){
    var c=e.target.closest&&e.target.closest('td.cell');if(!c)return;
    var row=c.parentElement,cells=Array.prototype.slice.call(row.querySelectorAll('td.cell')),i=cells.indexOf(c),next=null;
    if(e.key==='ArrowRight')next=cells[i+1];else if(e.key==='ArrowLeft')next=cells[i-1];
    else if(e.key==='ArrowDown'||e.key==='ArrowUp'){var r=e.key==='ArrowDown'?row.nextElementSibling:row.previousElementSibling;if(r)next=r.querySelectorAll('td.cell')[i];}
    else if(e.key==='Home')next=cells[0];else if(e.key==='End')next=cells[cells.length-1];
    if(next){e.preventDefault();c.tabIndex=-1;next.tabIndex=0;next.focus();}
  });
})();
""";
}
