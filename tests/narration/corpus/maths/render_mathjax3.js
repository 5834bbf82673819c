// How the MathJax 3 posts in this folder were made: ForumMagnum's renderMathInHtml
// (server/editor/conversionUtils.ts) run on the editor's sanitised HTML, same TeX packages,
// same CHTML settings, aria-label and role set on each container, the stylesheet before
// the first one.  Usage: NODE_PATH=node_modules node render_mathjax3.js < body.html
const {mathjax} = require('mathjax-full/js/mathjax.js');
const {TeX} = require('mathjax-full/js/input/tex.js');
const {CHTML} = require('mathjax-full/js/output/chtml.js');
const {liteAdaptor} = require('mathjax-full/js/adaptors/liteAdaptor.js');
const {RegisterHTMLHandler} = require('mathjax-full/js/handlers/html.js');
const {AllPackages} = require('mathjax-full/js/input/tex/AllPackages.js');
require('mathjax-full/js/util/entities/all.js');
const adaptor = liteAdaptor();
RegisterHTMLHandler(adaptor);
const tex = new TeX({packages: AllPackages});
const chtml = new CHTML({fontURL: 'https://cdn.jsdelivr.net/npm/mathjax@3/es5/output/chtml/fonts/woff-v2', scale: 0.92});
const html = require('fs').readFileSync(0, 'utf8');
const doc = mathjax.document(html, {InputJax: tex, OutputJax: chtml});
doc.render();
for (const item of doc.math) {
  if (item.typesetRoot) {
    adaptor.setAttribute(item.typesetRoot, 'aria-label', item.math);
    adaptor.setAttribute(item.typesetRoot, 'role', 'math');
  }
}
let out = adaptor.innerHTML(adaptor.body(doc.document));
const css = adaptor.textContent(chtml.styleSheet(doc));
const at = out.indexOf('<mjx-container');
if (at >= 0 && process.argv[2] !== '--no-css') out = out.slice(0, at) + '<style>' + css + '</style>' + out.slice(at);
process.stdout.write(out);
