// postcast's embeddable player. On a post's page:
//   <script src="https://PODCAST/embed.js" data-url="https://forum/post/URL" async></script>
// inserts an iframe of https://PODCAST/embed?url=... where the script stands (data-url
// defaults to the page's own address). Only the iframe runs postcast's pages.
(function () {
  var script = document.currentScript;
  if (!script) return;
  var origin = new URL(script.src).origin;
  var postUrl = script.getAttribute("data-url") || window.location.href.split("#")[0];
  var frame = document.createElement("iframe");
  frame.src = origin + "/embed?url=" + encodeURIComponent(postUrl);
  frame.title = "Listen to this post";
  frame.loading = "lazy";
  frame.style.width = "100%";
  frame.style.maxWidth = "640px";
  frame.style.height = "96px";
  frame.style.border = "0";
  script.parentNode.insertBefore(frame, script.nextSibling);
})();
