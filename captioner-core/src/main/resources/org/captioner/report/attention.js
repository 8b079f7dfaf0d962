// captioner: draws where an attending decoder looked for the word pointed at. A card
// ([data-alpha]: α per word over a square grid; [data-seen]: the part of the photo the grid covers,
// as fractions x,y,w,h) holds an <img>, a canvas.map laid over it and the words as .w spans with
// data-k. α is scaled to its largest and drawn as light: the browser's bilinear smoothing upsamples
// the grid, and what the grid does not cover is dimmed. Shared by the evaluation report and the
// upload page.
function showAttention(card, k) {
  if (!card || !card.dataset.seen) return;  // no maps here, or the photo's shape is not known yet
  const canvas = card.querySelector('canvas.map');
  const img = card.querySelector('img');
  if (!canvas || !img) return;
  canvas.width = img.clientWidth; canvas.height = img.clientHeight;
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  card.querySelectorAll('.w').forEach(w => w.classList.toggle('on', k !== null && w.dataset.k == k));
  if (k === null) return;
  const alpha = JSON.parse(card.dataset.alpha)[k];
  if (!alpha || alpha.length === 0) return;
  const side = Math.round(Math.sqrt(alpha.length));
  const max = Math.max(...alpha);
  const grid = document.createElement('canvas');
  grid.width = side; grid.height = side;
  const g = grid.getContext('2d');
  const px = g.createImageData(side, side);
  for (let i = 0; i < alpha.length; i++) {
    px.data[4 * i + 3] = Math.round(255 * 0.8 * (1 - (max > 0 ? alpha[i] / max : 0)));
  }
  g.putImageData(px, 0, 0);
  const [x, y, w, h] = card.dataset.seen.split(',').map(Number);
  ctx.fillStyle = 'rgba(0,0,0,0.8)';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.clearRect(x * canvas.width, y * canvas.height, w * canvas.width, h * canvas.height);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(grid, x * canvas.width, y * canvas.height, w * canvas.width, h * canvas.height);
}
document.addEventListener('mouseover', ev => {
  const w = ev.target.closest('.w');
  if (w) showAttention(w.closest('[data-alpha]'), w.dataset.k);
});
document.addEventListener('focusin', ev => {
  const w = ev.target.closest('.w');
  if (w) showAttention(w.closest('[data-alpha]'), w.dataset.k);
});
document.addEventListener('mouseout', ev => {
  const w = ev.target.closest('.w');
  if (w) showAttention(w.closest('[data-alpha]'), null);
});
