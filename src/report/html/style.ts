// The report's only stylesheet, inline so the file stands alone. A long rule
// wraps with a `\` at the end of the line, which the template literal drops:
// the stylesheet's bytes are those of the rule on one line.
import { Html } from './markup.js';

export const STYLE = new Html(`
:root{--ok:#15803d;--ok-bg:#dcfce7;--bad:#b91c1c;--bad-bg:#fee2e2;--warn:#b45309;--warn-bg:#fef3c7;--muted:#64748b;\
--line:#e2e8f0;--ink:#0f172a;--send:#1d4ed8;--recv:#7c3aed;
--mono:ui-monospace,"SFMono-Regular","DejaVu Sans Mono",Menlo,Consolas,monospace}
*{box-sizing:border-box}
body{margin:0;background:#f8fafc;color:var(--ink);\
font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","DejaVu Sans",sans-serif}
code,pre,.id{font-family:var(--mono);font-size:13px}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:16px 40px;padding:22px 32px;background:#fff;\
border-bottom:1px solid var(--line)}
.top h1{margin:0;font-size:22px}
.target{margin:2px 0 0;color:var(--muted);font-size:13px}
.points{font-size:15px;color:var(--muted)}
.points b{font-size:34px;color:var(--ink)}
.bar{width:220px;height:8px;border-radius:4px;background:var(--bad-bg);overflow:hidden}
.bar span{display:block;height:100%;background:var(--ok)}
.counts{display:flex;gap:10px;list-style:none;margin:0;padding:0}
.count{padding:4px 12px;border-radius:999px;font-size:14px}
.count.passed{background:var(--ok-bg);color:var(--ok)}
.count.failed{background:var(--bad-bg);color:var(--bad)}
.count.errored{background:var(--warn-bg);color:var(--warn)}
.count.skipped{background:#f1f5f9;color:var(--muted)}
.count.zero{opacity:.45}
.toolbar{display:flex;flex-wrap:wrap;justify-content:space-between;gap:8px 24px;padding:10px 32px;font-size:14px}
.toolbar p{margin:0}
.jump span{color:var(--muted);margin-right:4px}
.jump a{font-family:var(--mono);font-size:13px;color:var(--bad);margin-right:8px}
.jump a.errored{color:var(--warn)}
.all-good{color:var(--ok)}
.filters{margin-left:auto}
.filters label{margin-left:16px;color:var(--muted);cursor:pointer}
main{padding:0 32px 24px}
.spec{margin:16px 0 28px}
.spec h2{display:flex;flex-wrap:wrap;align-items:baseline;gap:4px 12px;font-size:18px;margin:0 0 8px}
.spec h2 small{font-weight:400;font-size:13px;color:var(--muted)}
.spec-points{margin-left:auto;font-size:14px;font-weight:600}
.spec-points.ok{color:var(--ok)}.spec-points.bad{color:var(--bad)}
.cases{background:#fff;border:1px solid var(--line);border-radius:10px;overflow:hidden}
.row{display:grid;grid-template-columns:112px minmax(120px,190px) 1fr 64px 72px minmax(110px,170px);gap:12px;\
align-items:center;padding:9px 16px}
.row>span{min-width:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.row.head{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);background:#f8fafc;\
border-bottom:1px solid var(--line)}
.case{border-bottom:1px solid var(--line)}
.case:last-child{border-bottom:0}
summary.row{cursor:pointer;list-style:none}
summary.row::-webkit-details-marker{display:none}
summary.row:hover{background:#f8fafc}
.case.failed>summary{background:#fff7f7}
.case.errored>summary{background:#fffbeb}
.pts,.ms{text-align:right;font-variant-numeric:tabular-nums}
.ms,.src{color:var(--muted);font-size:13px}
.case.skipped .name,.case.skipped .id{color:var(--muted)}
.badge{display:inline-block;padding:1px 9px;border-radius:999px;font-size:12px;font-weight:600;letter-spacing:.02em}
.badge.passed{background:var(--ok-bg);color:var(--ok)}
.badge.failed{background:var(--bad);color:#fff}
.badge.errored{background:var(--warn);color:#fff}
.badge.skipped{background:#f1f5f9;color:var(--muted)}
.detail{padding:6px 20px 18px 20px;border-top:1px dashed var(--line);border-left:4px solid var(--bad)}
.case.errored .detail{border-left-color:var(--warn)}
.case.skipped .detail{border-left-color:var(--line)}
.harness{background:var(--warn-bg);color:var(--warn);padding:8px 12px;border-radius:6px}
dl{display:grid;grid-template-columns:140px 1fr;gap:8px 16px;margin:12px 0}
dt{color:var(--muted);font-size:13px;padding-top:1px}
dd{margin:0;overflow-wrap:anywhere}
dd.message{color:var(--bad);font-weight:600}
.case.errored dd.message{color:var(--warn)}
.case.skipped dd.message{color:var(--muted);font-weight:400}
dd.hint{background:#eff6ff;border-radius:6px;padding:6px 10px;color:#1e3a8a}
.source{color:var(--muted);font-size:13px}
.diff{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin:12px 0}
.pane{min-width:0;border:1px solid var(--line);border-radius:8px;overflow:hidden}
.pane-label{font-size:12px;text-transform:uppercase;letter-spacing:.04em;padding:4px 10px;\
border-bottom:1px solid var(--line)}
.pane.expected .pane-label{background:var(--ok-bg);color:var(--ok)}
.pane.actual .pane-label{background:var(--bad-bg);color:var(--bad)}
.pane pre{margin:0;padding:8px 10px;white-space:pre-wrap;overflow-wrap:anywhere;max-height:14em;overflow:auto}
.pane pre.lines{display:flex;flex-direction:column-reverse}
.diff-note{margin:-4px 0 8px;font-size:13px;color:var(--muted)}
.server-status{margin:2px 0 0;font-size:13px;color:var(--muted)}
.banner{margin:16px 32px 0;padding:14px 20px;border-radius:10px;background:var(--bad-bg);border:1px solid #fca5a5;\
color:#7f1d1d}
.banner h2{margin:0 0 4px;font-size:18px}
.banner p{margin:6px 0}
.banner pre.stderr{margin:6px 0;padding:8px 10px;background:#fff;border:1px solid #fecaca;border-radius:6px;\
color:var(--ink);white-space:pre-wrap;overflow-wrap:anywhere}
.banner .decided a{font-family:var(--mono);font-size:13px;color:var(--bad)}
.why{display:block;color:var(--muted);font-size:12px;white-space:normal}
.case.decided .name{color:var(--muted)}
details.decided-spec>summary{cursor:pointer;color:var(--muted);font-size:14px;padding:4px 0 8px}
.pane mark{border-radius:2px}
.pane.expected mark{background:#bbf7d0}
.pane.actual mark{background:#fecaca}
figure.wire{margin:14px 0 6px}
figcaption{font-size:13px;color:var(--muted);margin-bottom:6px}
figcaption span{font-size:12px}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:8px;background:#fff}
svg.seq{display:block;font-family:var(--mono);font-size:12px}
svg.seq .lane{stroke:#cbd5e1;stroke-width:1.5;stroke-dasharray:4 4}
svg.seq .lane-head rect{fill:#f1f5f9;stroke:#94a3b8}
svg.seq .lane-head.server rect{fill:#1e293b;stroke:#1e293b}
svg.seq .lane-head text{font-family:system-ui,sans-serif;font-size:13px;font-weight:600;fill:var(--ink)}
svg.seq .lane-head.server text{fill:#fff}
svg.seq .addr{fill:var(--muted);font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:4px}
svg.seq .time{fill:#94a3b8;font-size:11px}
svg.seq .time.head{font-family:system-ui,sans-serif;text-transform:uppercase}
svg.seq .arrow{stroke-width:1.8}
svg.seq .arrow.send{stroke:var(--send);fill:var(--send)}
svg.seq .arrow.recv{stroke:var(--recv);fill:var(--recv)}
svg.seq .send .data{fill:var(--send)}
svg.seq .recv .data{fill:var(--recv)}
svg.seq .size{fill:#94a3b8;font-size:11px}
svg.seq .note{fill:#475569;font-family:system-ui,sans-serif;font-size:12px}
svg.seq .mark.ok circle{fill:var(--ok)}
svg.seq .mark.fin path,svg.seq .mark.fin rect{stroke:#475569;stroke-width:2;fill:#475569}
svg.seq .mark.bad path{stroke:var(--bad);stroke-width:2.5;fill:var(--bad)}
svg.seq .mark.bad .note{fill:var(--bad)}
svg.seq .mark.warn circle,svg.seq .mark.warn path{stroke:var(--warn);stroke-width:2}
svg.seq .mark.warn .note{fill:var(--warn)}
svg.seq .mark path.leader{stroke:#cbd5e1;stroke-width:1;stroke-dasharray:2 3;fill:none}
svg.seq .gap{fill:var(--muted);font-style:italic}
svg.seq g:hover .data,svg.seq g:hover .note{font-weight:700}
details.text{margin-top:8px;font-size:13px}
details.text summary{cursor:pointer;color:var(--muted)}
details.text pre{background:#f8fafc;border:1px solid var(--line);border-radius:8px;padding:8px 10px;overflow:auto;\
max-height:24em}
.where{margin:8px 0 0;font-size:12px;color:var(--muted)}
footer{padding:12px 32px 32px;font-size:13px;color:var(--muted);max-width:980px}
footer code{background:#f1f5f9;padding:0 4px;border-radius:3px}
body:has(#show-passed:not(:checked)) .case.passed,body:has(#show-skipped:not(:checked)) .case.skipped{display:none}
@media (max-width:800px){.row{grid-template-columns:96px 1fr 56px}.row .name,.row .ms,.row .src{display:none}\
.diff,dl{grid-template-columns:1fr}}
@media print{.toolbar{display:none}}
`);
