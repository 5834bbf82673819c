// Maths to English speech for postcast, in one process per post.
// stdin:  {"domain": "clearspeak", "items": [{"tex": "E=mc^2", "display": false} | {"mathml": "<math>..</math>"}]}
// stdout: {"results": [{"speech": "E equals m c squared"} | {"error": "Undefined control sequence \\foo"}]}
// TeX is parsed by MathJax's own TeX input (the one the forums render with) into MathML,
// which the Speech Rule Engine reads aloud. Exit code 3 with {"fatal": ...} when a module is missing.
'use strict';

function load() {
  try {
    return {
      mathjax: require('mathjax-full/js/mathjax.js').mathjax,
      TeX: require('mathjax-full/js/input/tex.js').TeX,
      AllPackages: require('mathjax-full/js/input/tex/AllPackages.js').AllPackages,
      liteAdaptor: require('mathjax-full/js/adaptors/liteAdaptor.js').liteAdaptor,
      RegisterHTMLHandler: require('mathjax-full/js/handlers/html.js').RegisterHTMLHandler,
      SerializedMmlVisitor: require('mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js')
        .SerializedMmlVisitor,
      STATE: require('mathjax-full/js/core/MathItem.js').STATE,
      sre: require('speech-rule-engine'),
    };
  } catch (error) {
    process.stdout.write(JSON.stringify({fatal: String(error.message).split('\n')[0]}));
    process.exit(3);
  }
}

// Packages that need a typesetting output jax, or that hide TeX errors as red text.
const UNUSABLE = ['bussproofs', 'noerrors', 'noundefined', 'autoload', 'require'];

function texToMathML(m) {
  const adaptor = m.liteAdaptor();
  m.RegisterHTMLHandler(adaptor);
  const tex = new m.TeX({
    packages: m.AllPackages.filter((name) => !UNUSABLE.includes(name)),
    formatError: (jax, error) => { throw error; },
  });
  const html = m.mathjax.document('', {InputJax: tex});
  const visitor = new m.SerializedMmlVisitor();
  return (source, display) => {
    const root = html.convert(source, {display: display, end: m.STATE.CONVERT});
    inlineFractions(root);
    return visitor.visitTree(root, html);
  };
}

// ClearSpeak says a fraction of symbols that carry scripts or roots as "the fraction with
// numerator C sub 0 and denominator C": long, and Whisper heard "the fraction" as
// "diffraction". Such a fraction is rewritten "C_0 / C", which SRE says "C sub 0 divided
// by C". Fractions of bare letters and numbers ClearSpeak already says "a over b", "one
// half"; fractions with sums inside keep their unambiguous long form.
const WRAPPERS = ['mrow', 'inferredMrow', 'TeXAtom'];
const SCRIPTED = ['msub', 'msup', 'msubsup', 'msqrt'];

function isSymbol(node) {
  if (!node) return false;
  if (node.isKind('mi') || node.isKind('mn')) return true;
  if (WRAPPERS.some((kind) => node.isKind(kind))) {
    return node.childNodes.length === 1 && isSymbol(node.childNodes[0]);
  }
  if (SCRIPTED.some((kind) => node.isKind(kind))) {
    return node.childNodes.filter((child) => child).every(isSymbol);
  }
  return false;
}

function hasScript(node) {
  return SCRIPTED.some((kind) => node.isKind(kind)) ||
    (node.childNodes || []).some((child) => child && !child.isToken && hasScript(child));
}

function inlineFractions(root) {
  const fractions = [];
  root.walkTree((node) => { if (node.isKind('mfrac')) fractions.push(node); });
  for (const fraction of fractions) {
    const [numerator, denominator] = fraction.childNodes;
    if (fraction.attributes.getExplicit('linethickness') !== undefined) continue;  // \binom
    if (!isSymbol(numerator) || !isSymbol(denominator)) continue;
    if (!hasScript(numerator) && !hasScript(denominator)) continue;
    const factory = fraction.factory;
    const slash = factory.create('mo', {}, [factory.create('text').setText('/')]);
    fraction.parent.replaceChild(factory.create('mrow', {}, [numerator, slash, denominator]), fraction);
  }
}

// MathJax marks upright symbols (infinity, upright Greek) mathvariant="normal", which SRE
// would read out as the word "normal".
function plainVariants(mathml) {
  return mathml.replace(/(<mi\b[^>]*?)\s+mathvariant="normal"/g, '$1');
}

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  const m = load();
  const toMathML = texToMathML(m);
  // "P(A | B)" is read "P of A given B": forum maths uses the bar for conditioning far
  // more often than for "divides".
  await m.sre.setupEngine({
    locale: 'en', domain: request.domain || 'clearspeak', modality: 'speech', markup: 'none',
    style: 'VerticalLine_Given',
  });
  await m.sre.engineReady();
  const results = request.items.map((item) => {
    try {
      const mathml = item.mathml !== undefined ? item.mathml : toMathML(item.tex, !!item.display);
      return {speech: m.sre.toSpeech(plainVariants(mathml))};
    } catch (error) {
      return {error: String(error.message || error)};
    }
  });
  process.stdout.write(JSON.stringify({results}));
}

main().catch((error) => {
  process.stderr.write(String(error.stack || error));
  process.exit(1);
});
