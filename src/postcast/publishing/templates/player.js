// Episode page: chapters and transcript passages seek the player; the passage being read
// is highlighted. Links look like "#t=12.5" so they also work as shareable deep links.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const player = document.getElementById("player");
  if (!player) return;
  const cues = Array.from(document.querySelectorAll(".cue"));
  const chapters = Array.from(document.querySelectorAll(".chapter"));

  const seek = (seconds) => {
    if (!Number.isFinite(seconds)) return;
    player.currentTime = seconds;
    const playing = player.play();
    if (playing) playing.catch(() => {}); // autoplay rules may refuse; the seek still holds
  };

  const startOf = (element) => parseFloat(element.dataset.start);

  for (const element of [...chapters, ...cues]) {
    element.addEventListener("click", (event) => {
      event.preventDefault();
      history.replaceState(null, "", `#t=${element.dataset.start}`);
      seek(startOf(element));
    });
  }

  const mark = (elements, time) => {
    let current = null;
    for (const element of elements) {
      if (startOf(element) <= time) current = element;
    }
    for (const element of elements) {
      if (element === current) element.setAttribute("aria-current", "true");
      else element.removeAttribute("aria-current");
    }
  };

  player.addEventListener("timeupdate", () => {
    mark(cues, player.currentTime);
    mark(chapters, player.currentTime);
  });

  const fromHash = () => {
    const match = /^#t=([0-9.]+)$/.exec(location.hash);
    if (match) player.currentTime = parseFloat(match[1]);
  };
  if (player.readyState >= 1) fromHash();
  else player.addEventListener("loadedmetadata", fromHash, { once: true });
});
