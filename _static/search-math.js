/* The Curse of Memory: typeset the mathematics of search-result snippets.
 *
 * Sphinx builds each snippet from the text of the result's page, where a formula is raw
 * TeX such as "\(\rho(t)\)"; cut to 240 characters it can even end inside a formula. Here
 * every formula of the page becomes one placeholder character before the text is cut, so
 * a snippet holds whole formulas only, which MathJax (loaded on every page of the book)
 * then typesets.
 */
(function () {
  "use strict";
  const FIRST = 0xe000; // private-use code points stand for formulas

  function patch() {
    if (typeof Search === "undefined" || Search._mathPatched) return;
    Search._mathPatched = true;
    const formulas = [];
    const originalHtmlToText = Search.htmlToText;

    Search.htmlToText = (htmlString, anchor) => {
      const doc = new DOMParser().parseFromString(htmlString, "text/html");
      doc.querySelectorAll("span.math, div.math").forEach((el) => {
        if (formulas.length >= 0x1800) return; // stay inside the private-use area
        el.querySelectorAll(".eqno, .headerlink").forEach((e) => e.remove());
        const tex = el.textContent.trim();
        formulas.push(tex);
        el.replaceWith(doc.createTextNode(String.fromCharCode(FIRST + formulas.length - 1)));
      });
      return originalHtmlToText(doc.documentElement.outerHTML, anchor);
    };

    const originalSummary = Search.makeSearchSummary;
    Search.makeSearchSummary = (htmlText, keywords, anchor) => {
      const summary = originalSummary(htmlText, keywords, anchor);
      const text = summary.textContent;
      summary.textContent = "";
      const pending = [];
      let plain = "";
      for (const ch of text) {
        const i = ch.charCodeAt(0) - FIRST;
        if (i >= 0 && i < formulas.length) {
          if (plain) summary.appendChild(document.createTextNode(plain));
          plain = "";
          const span = summary.appendChild(document.createElement("span"));
          span.className = "math notranslate nohighlight";
          const tex = formulas[i].replace(/^\\\[|\\\]$/g, "").replace(/^\\\(|\\\)$/g, "");
          pending.push([span, "\\(" + tex + "\\)"]);  // filled in after Sphinx highlights the terms
        } else {
          plain += ch;
        }
      }
      if (plain) summary.appendChild(document.createTextNode(plain));
      setTimeout(() => {
        pending.forEach(([span, tex]) => { span.textContent = tex; });
        if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
          MathJax.startup.promise.then(() => MathJax.typesetPromise([summary])).catch(() => {});
        }
      }, 0);
      return summary;
    };
  }

  // searchtools.js is loaded after this file on the search page; patch before Search.init runs
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", patch);
  else patch();
})();
